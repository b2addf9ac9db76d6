// Assembles report.json from the judgement and the evidence it rests on. Pure: the activity supplies
// versions, times and keys. Every string that could carry a personal number is masked here.
import type { DocumentsEvidence, FacesEvidence, IngestEvidence, IntegrityEvidence, SpeechEvidence } from '../evidence/types';
import { maskDeep, maskIdentifier, maskText } from '../lib/mask';
import type { Judgement } from '../judge/types';
import { speechTimeline } from './speech-timeline';
import { voiceTurns } from './voice-turns';
import { REPORT_SCHEMA_VERSION, type Report, type ReportTiming } from './types';

/** Report properties that hold object keys of evidence (not text): left as they are by masking. */
const EVIDENCE_OBJECT_KEYS: ReadonlySet<string> = new Set(['frameKey']);

export interface ReportInputs {
  recordingId: string;
  revision: number;
  createdAt: string;
  ingest: IngestEvidence;
  integrity?: IntegrityEvidence;
  faces?: FacesEvidence;
  documents?: DocumentsEvidence;
  speech?: SpeechEvidence;
  judgement: Judgement;
  failures: Partial<Record<string, string>>;
  evidenceKeys: Record<string, string>;
  inspection: { workflowId: string; runId: string };
  versions: { dualqa: string; ffmpeg: string };
  timings: ReportTiming[];
}

const VERDICT_WORDS = { PASS: '合格 PASS', FAIL: '不合格 FAIL', CANNOT_JUDGE: '无法判断 CANNOT_JUDGE' } as const;

export function summarise(judgement: Judgement): string {
  const failing = judgement.steps.filter((s) => s.verdict === 'FAIL');
  const unsure = judgement.steps.filter((s) => s.verdict === 'CANNOT_JUDGE');
  const parts: string[] = [VERDICT_WORDS[judgement.verdict]];
  if (failing.length) parts.push(`failed: ${failing.map((s) => s.id).join(', ')}`);
  if (unsure.length) parts.push(`cannot judge: ${unsure.map((s) => s.id).join(', ')}`);
  const first = failing[0]?.reasons[0] ?? unsure[0]?.reasons[0];
  if (first) parts.push(first);
  return parts.join(' — ');
}

function sidecarSummary(ingest: IngestEvidence): Report['sidecar'] {
  const sc = ingest.sidecar;
  if (sc.status === 'absent') return { status: 'absent' };
  if (sc.status === 'invalid') return { status: 'invalid', problem: maskText(sc.problem) };
  const m = sc.meta;
  const summary: Record<string, string | number | boolean> = {};
  if (m.recordingId) summary.recordingId = maskText(m.recordingId);
  if (m.policyNo) summary.policyNo = maskText(m.policyNo);
  if (m.product?.name) summary.product = m.product.name;
  if (m.product?.type) summary.productType = m.product.type;
  if (m.channel) summary.channel = m.channel;
  if (m.remote !== undefined) summary.remote = m.remote;
  if (m.region) summary.region = m.region;
  if (m.recordedAt) summary.recordedAt = m.recordedAt;
  if (m.agent?.name) summary.agentName = m.agent.name;
  if (m.agent?.licenceNo) summary.agentLicenceNo = maskIdentifier(m.agent.licenceNo);
  if (m.customer?.age !== undefined) summary.customerAge = m.customer.age;
  return { status: 'ok', summary };
}

export function buildReport(input: ReportInputs): Report {
  const { ingest, integrity, judgement } = input;
  const media = integrity?.media;
  const problems: Report['problems'] = [];
  if (integrity && !integrity.readable && integrity.problem) problems.push({ stage: 'media', message: integrity.problem.message });
  for (const [stage, message] of Object.entries(input.failures)) if (message) problems.push({ stage, message });
  if (ingest.sidecar.status === 'invalid') problems.push({ stage: 'sidecar', message: ingest.sidecar.problem });

  const { faces, documents, speech } = input;
  const analysers = [ingest.analyser, ...[integrity, faces, documents, speech].filter((e) => e !== undefined).map((e) => e.analyser)];
  const models = [...(faces ? [faces.model] : []), ...(documents?.model ?? []), ...(speech ? [speech.model] : [])];
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    recordingId: input.recordingId,
    revision: input.revision,
    createdAt: input.createdAt,
    recording: {
      bucket: ingest.recording.bucket,
      key: ingest.recording.key,
      versionId: ingest.recording.versionId,
      etag: ingest.recording.etag,
      sha256: ingest.recording.sha256,
      sizeBytes: ingest.recording.sizeBytes,
      durationS: media?.durationS ?? null,
    },
    sidecar: sidecarSummary(ingest),
    rulebook: judgement.rulebook,
    engines: { dualqa: input.versions.dualqa, ffmpeg: input.versions.ffmpeg, analysers, models },
    inspection: input.inspection,
    verdict: judgement.verdict,
    summary: summarise(judgement),
    steps: judgement.steps,
    faces: faces?.faces ?? [],
    documents: (documents?.documents ?? []).map((d) => ({ type: d.type, from: d.from, to: d.to })),
    speech: speechTimeline(input.speech, judgement),
    ...(voiceTurns(input.speech).length ? { voices: voiceTurns(input.speech) } : {}),
    defects: judgement.defects,
    flags: (judgement.flags ?? []).map((f) => ({ type: f.type, from: f.from, ...(f.to !== undefined ? { to: f.to } : {}), reason: f.reason })),
    notes: [
      ...(integrity?.notes ?? []),
      ...(faces?.documentPhotos ?? []).map((p) => ({
        from: p.from,
        to: p.to,
        text: `a face seen ${p.from.toFixed(1)}–${p.to.toFixed(1)} s is a picture of person ${p.ofPersonId} (similarity ${p.similarity}, ${p.medianHeightPx} px) shown while they are in frame: a document photo, not counted as a person`,
      })),
    ],
    problems,
    media: media
      ? {
          formatName: media.formatName,
          video: media.video ? { codec: media.video.codec, width: media.video.width, height: media.video.height, fps: media.video.fps, rotation: media.video.rotation } : null,
          audio: media.audio ? { codec: media.audio.codec, sampleRate: media.audio.sampleRate, channels: media.audio.channels } : null,
        }
      : null,
    evidenceKeys: input.evidenceKeys,
    timings: input.timings,
  };
  // Numbers in free text (reasons, keys, sidecar problems) are masked; hashes and ids are not text. An
  // evidence frame's key is the recording id's (its file-name part masked when the id was made) plus a
  // hash, whose digit runs masking would break: the page then showed no picture for about one recording in four.
  const { recordingId, recording, rulebook, inspection, evidenceKeys, ...rest } = report;
  return {
    ...maskDeep(rest, EVIDENCE_OBJECT_KEYS),
    recordingId,
    recording: { ...recording, key: maskText(recording.key) },
    rulebook,
    inspection,
    evidenceKeys,
  };
}
