// Speech analysis activity (speech task queue): copy the pinned recording version to scratch
// (hash-checked), let the speech engine transcribe and verify the script, store the evidence. The
// engine's sidecar values (agent name, licence number) are read here from the sidecar itself and never
// leave this process except as "matches / does not match".
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { heartbeater } from '../lib/heartbeat';
import { downloadWithSha256, getJson, putJson } from '../lib/object-store';
import type { IngestEvidence } from '../evidence/types';
import { POLICY_NUMBERS, sidecarSchema } from '../lib/labelled';
import { probeMedia } from '../media/probe';
import { analyseSpeechFile, AudioUndecodable } from '../evidence/assemble-speech';
import { expectedSpeech } from '../speech/script';
import type { ActivityDeps } from './deps';
import { ERROR_TYPES } from '../temporal.config';
import { evidenceKey, profileKey } from '../evidence/layout';
import { processCpuMs, stage as timeStage, withProfile } from '../lib/profile';
import { putProfile } from './profile-io';

export interface AnalyseSpeechInput {
  recordingId: string;
  bucket: string;
  key: string;
  versionId: string | null;
  sha256: string;
  rulebook?: string;
  /** Re-analysis: write the evidence under a new key (speech.<tag>.json) so the earlier one is kept. */
  evidenceTag?: string;
}

export interface AnalyseSpeechResult {
  speechKey?: string;
  /** Why the speech analysis did not run (e.g. the engine could not start), for the report. */
  speechFailure?: string;
}

/** Seconds between heartbeats while the engine works (it reports no progress of its own). */
const BEAT_EVERY_MS = 5000;

export function createSpeechActivities(deps: ActivityDeps) {
  async function sidecarFacts(recordingId: string, bucket: string): Promise<{ values: Record<string, string | undefined>; insurerId?: string }> {
    const ingest = await getJson<IngestEvidence>(deps.s3, deps.buckets.analyses, evidenceKey(recordingId, 'ingest'));
    const raw = ingest?.sidecar.status === 'ok' ? await getJson<unknown>(deps.s3, bucket, ingest.sidecar.key).catch(() => null) : null;
    const parsed = sidecarSchema.safeParse(raw);
    const meta = parsed.success ? parsed.data : undefined;
    return {
      values: {
        licence: meta?.agent?.licenceNo,
        agentName: meta?.agent?.name,
        company: meta?.insurer?.name,
        customerName: meta?.customer?.name,
        ...Object.fromEntries(POLICY_NUMBERS.flatMap((n) => (meta?.policy?.[n] !== undefined ? [[n, String(meta.policy[n])]] : []))),
      },
      ...(meta?.insurer?.id ? { insurerId: meta.insurer.id } : {}),
    };
  }

  return {
    async analyseSpeech(input: AnalyseSpeechInput): Promise<AnalyseSpeechResult> {
      const t0 = performance.now();
      const cpu0 = processCpuMs();
      const { value, profile } = await withProfile(() => analyseSpeech(input));
      if (value.speechKey) await putProfile(deps, profileKey(input.recordingId, 'speech', input.evidenceTag), { half: 'speech', recordingId: input.recordingId, durationS: value.durationS ?? null, t0, cpu0, profile });
      return { ...(value.speechKey ? { speechKey: value.speechKey } : {}), ...(value.speechFailure ? { speechFailure: value.speechFailure } : {}) };
    },
  };

  async function analyseSpeech(input: AnalyseSpeechInput): Promise<AnalyseSpeechResult & { durationS?: number }> {
    if (!deps.speechEngine) return { speechFailure: 'no speech engine configured on this worker' };
    const beat = heartbeater(BEAT_EVERY_MS);
    let stage = 'start';
    // The engine reports no progress while it transcribes (minutes on a long file): beat on a timer,
    // not only the heartbeater's keep-alive, which stops after minutes without progress.
    const timer = setInterval(() => beat({ stage }), BEAT_EVERY_MS);
    const dir = path.join(deps.workDir, `${input.recordingId}-speech`);
    const ext = (path.extname(input.key).toLowerCase().match(/^\.[a-z0-9]{1,5}$/) ?? [''])[0];
    const file = path.join(dir, `original${ext}`);
    try {
      let engine;
      try {
        engine = await timeStage('engine start', () => deps.speechEngine!());
      } catch (err) {
        const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        deps.logger.error({ recordingId: input.recordingId, err: why }, 'speech engine unavailable');
        return { speechFailure: why };
      }
      stage = 'download';
      const copy = await timeStage('download', () => downloadWithSha256(deps.s3, input, file, (bytes) => beat({ stage, bytes }), beat.signal));
      if (copy.sha256 !== input.sha256) {
        throw ApplicationFailure.nonRetryable(`recording content changed after ingest (sha256 ${copy.sha256} ≠ ${input.sha256})`, ERROR_TYPES.badInput);
      }
      const probe = await timeStage('probe', () => probeMedia(file, beat.signal));
      // Unreadable media is the media analysis's finding (a BadMedia report); speech has nothing to add.
      if (!probe.ok) return { speechFailure: `the file cannot be decoded (${probe.problem.message})` };
      const base = deps.loadRulebook(input.rulebook);
      const sidecar = await sidecarFacts(input.recordingId, input.bucket);
      const overlays = deps.loadOverlays().map((o) => o.overlay);
      const expected = expectedSpeech(base.book, overlays, sidecar.insurerId);
      // Policy numbers a candidate rulebook asks for are looked up too (cheap: no model), so the candidate
      // is measured by re-judging kept evidence before it becomes the default.
      for (const candidate of deps.candidateRulebooks?.(base.book.id) ?? []) {
        for (const v of expectedSpeech(candidate.book, overlays).values) if (!expected.values.some((e) => e.name === v.name)) expected.values.push(v);
      }
      const evidence = await analyseSpeechFile(file, Boolean(probe.facts.audio), path.join(dir, 'audio.pcm'), {
        recordingId: input.recordingId,
        engine,
        expected,
        values: sidecar.values,
        analyserVersion: deps.versions.dualqa,
        audioLayout: { streams: probe.facts.audioStreams, channels: probe.facts.audio?.channels ?? 1 },
        signal: beat.signal,
        onProgress: (s) => {
          stage = s;
          beat({ stage });
        },
      });
      const speechKey = evidenceKey(input.recordingId, 'speech', input.evidenceTag);
      await timeStage('upload', () => putJson(deps.s3, deps.buckets.analyses, speechKey, evidence));
      deps.logger.info({ recordingId: input.recordingId, segments: evidence.segments.length, speechS: evidence.speechS, quality: evidence.quality.status, timing: evidence.timing }, 'speech analysed');
      return { speechKey, durationS: evidence.durationS };
    } catch (err) {
      if (err instanceof AudioUndecodable) return { speechFailure: err.message };
      // A hung engine was killed (its request timed out, speech/faster-whisper.ts). Once more on a new
      // engine; a second time it is this recording that hangs it: answered with the reason, not retried.
      if (err instanceof Error && err.name === 'EngineTimeout' && Context.current().info.attempt >= 2) {
        deps.logger.error({ recordingId: input.recordingId, err: err.message }, 'speech engine timed out twice');
        return { speechFailure: `${err.message} (twice)` };
      }
      throw err;
    } finally {
      clearInterval(timer);
      beat.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
}
