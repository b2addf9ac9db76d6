// inspectRecording: one recording version in, one report revision out. Orchestration only: activities
// do the work, the history carries object keys and small summaries, never media.
import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  patched,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BadMediaDetails } from '../activities';
import type { EvidenceKeys } from '../evidence/types';
import type { ReportTiming } from '../report/types';
import { ERROR_TYPES, SEARCH_ATTRIBUTE_KEYS } from '../temporal.config';
import { ingest, light, media, speech } from './proxies';

export interface InspectRecordingInput {
  bucket: string;
  key: string;
  etag?: string;
  versionId?: string | null;
  /** `id` or `id@version`; the default rulebook when absent. */
  rulebook?: string;
  /** Set the Dualqa* search attributes (they must be registered on the namespace). Default true. */
  indexSearchAttributes?: boolean;
}

export interface InspectRecordingResult {
  recordingId: string;
  verdict: 'PASS' | 'FAIL' | 'CANNOT_JUDGE';
  summary: string;
  reportKey: string;
  htmlKey: string;
  revision: number;
  sha256: string;
}

/** Why an analysis activity failed, reduced to a sentence for the report. */
function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

export async function inspectRecording(input: InspectRecordingInput): Promise<InspectRecordingResult> {
  const timings: ReportTiming[] = [];
  async function timed<T>(activity: string, run: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await run();
    } finally {
      timings.push({ activity, ms: Date.now() - started });
    }
  }

  const ingested = await timed('ingest', () => ingest.ingestRecording({ bucket: input.bucket, key: input.key, etag: input.etag, versionId: input.versionId }));
  const evidenceKeys: EvidenceKeys = { ingest: ingested.ingestKey };
  const failures: Record<string, string> = {};

  // Speech runs beside the media analysis on its own queue (histories recorded before it have none).
  const speechDone = patched('speech-analysis')
    ? timed('analyseSpeech', () =>
        speech.analyseSpeech({ recordingId: ingested.recordingId, bucket: ingested.bucket, key: ingested.key, versionId: ingested.versionId, sha256: ingested.sha256, rulebook: input.rulebook }),
      ).then(
        (r) => {
          if (r.speechKey) evidenceKeys.speech = r.speechKey;
          if (r.speechFailure) failures.speech = r.speechFailure;
        },
        (err: unknown) => {
          if (isCancellation(err)) throw err;
          failures.speech = failureMessage(err);
        },
      )
    : Promise.resolve();

  // The media analysis learns the rulebook (it names the document keyword table); histories from before
  // did not pass it, and replay the same.
  const rulebookToMedia = input.rulebook !== undefined && patched('media-rulebook');
  try {
    const analysed = await timed('analyseMedia', () =>
      media.analyseMedia({
        recordingId: ingested.recordingId,
        bucket: ingested.bucket,
        key: ingested.key,
        versionId: ingested.versionId,
        sha256: ingested.sha256,
        ...(ingested.agentPhotoKey ? { agentPhotoKey: ingested.agentPhotoKey } : {}),
        ...(rulebookToMedia ? { rulebook: input.rulebook } : {}),
      }),
    );
    evidenceKeys.integrity = analysed.integrityKey;
    if (analysed.facesKey) evidenceKeys.faces = analysed.facesKey;
    if (analysed.facesFailure) failures.faces = analysed.facesFailure;
    if (analysed.documentsKey) evidenceKeys.documents = analysed.documentsKey;
    if (analysed.documentsFailure) failures.documents = analysed.documentsFailure;
  } catch (err) {
    if (isCancellation(err)) throw err;
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === ERROR_TYPES.badMedia) {
      // The file could not be inspected; the evidence says why and the report will too.
      const details = cause.details?.[0] as BadMediaDetails | undefined;
      if (details?.integrityKey) evidenceKeys.integrity = details.integrityKey;
    } else {
      failures.integrity = failureMessage(err);
    }
  }

  await speechDone;
  const judged = await timed('judge', () => light.judgeRecording({ recordingId: ingested.recordingId, evidenceKeys, failures, rulebook: input.rulebook }));
  const info = workflowInfo();
  const written = await timed('report', () =>
    light.writeReport({
      recordingId: ingested.recordingId,
      evidenceKeys,
      judgementKey: judged.judgementKey,
      failures,
      timings,
      inspection: { workflowId: info.workflowId, runId: info.runId },
    }),
  );
  if (input.indexSearchAttributes !== false) {
    upsertSearchAttributes([
      { key: SEARCH_ATTRIBUTE_KEYS.recordingId, value: ingested.recordingId },
      { key: SEARCH_ATTRIBUTE_KEYS.verdict, value: written.verdict },
    ]);
  }
  return {
    recordingId: ingested.recordingId,
    verdict: written.verdict,
    summary: written.summary,
    reportKey: written.reportKey,
    htmlKey: written.htmlKey,
    revision: written.revision,
    sha256: ingested.sha256,
  };
}
