// Everything learned from one local media file in one decode: the probe, the packet timestamps, and the
// taps of every analyser that watches or listens (the integrity pass and, when a detector is given, the
// face pass). Returns evidence bodies and thumbnails; the activity stores them.
import { INTEGRITY_ANALYSER, integrityPass, DEFAULT_INTEGRITY_CONFIG, type IntegrityConfig } from '../media/integrity/analyse';
import { scanTimestamps, type TimestampScan } from '../media/integrity/timestamps';
import { locateUndecodable, type UndecodableSpan } from '../media/integrity/undecodable';
import { decodeOnce } from '../media/decode';
import { framesOf } from '../media/frame-at';
import { probeMedia } from '../media/probe';
import { cosine, facePass, DEFAULT_FACE_PASS_CONFIG, type FacePassConfig, type Snapshot } from '../media/faces/pass';
import type { FaceDetectorLike, FaceEmbedderLike } from '../media/faces/types';
import { EVIDENCE_SCHEMA_VERSION, type DocumentsEvidence, type FacesEvidence, type IntegrityEvidence } from './types';
import { DEFAULT_DOCUMENT_PASS_CONFIG, DOCUMENTS_ANALYSER, documentPass, type DocumentPassConfig, type DocumentSnapshot } from '../media/documents/pass';
import type { OcrEngineLike } from '../media/documents/types';
import { round } from '../media/integrity/runs';
import { stage } from '../lib/profile';

export const FACES_ANALYSER = { name: 'faces', version: '1.0.0' };

export interface EnrolledFace {
  role: 'agent';
  key: string;
  /** Null when the photo holds no usable face: `problem` says why. */
  feature: Float32Array | null;
  problem?: string;
}

export interface FaceAnalyser {
  detector: FaceDetectorLike;
  embedder?: FaceEmbedderLike;
  enrolled?: EnrolledFace[];
  model: { name: string; version: string; sha256: string };
  config?: FacePassConfig;
}

export interface DocumentAnalyser {
  ocr: OcrEngineLike;
  models: { name: string; version: string; sha256: string }[];
  config?: DocumentPassConfig;
}

export interface AnalyseFileOptions {
  documents?: DocumentAnalyser;
  recordingId: string;
  signal?: AbortSignal;
  onProgress?: (stage: string, decodedS: number) => void;
  integrity?: IntegrityConfig;
  faces?: FaceAnalyser;
  now?: () => Date;
}

export interface MediaAnalysis {
  integrity: IntegrityEvidence;
  /** Present when a face detector was given and the file has video. */
  faces?: Omit<FacesEvidence, 'thumbnails'>;
  snapshots: Snapshot[];
  documents?: Omit<DocumentsEvidence, 'thumbnails'>;
  documentSnapshots: DocumentSnapshot[];
}

export async function analyseMediaFile(file: string, options: AnalyseFileOptions): Promise<MediaAnalysis> {
  const createdAt = (options.now ?? (() => new Date()))().toISOString();
  const header = { schemaVersion: EVIDENCE_SCHEMA_VERSION, recordingId: options.recordingId, createdAt };
  const probe = await stage('probe', () => probeMedia(file, options.signal));
  if (!probe.ok) {
    const defect = probe.problem.code === 'truncated' ? 'truncated' : 'unreadable';
    return {
      integrity: {
        ...header,
        kind: 'integrity',
        analyser: INTEGRITY_ANALYSER,
        readable: false,
        problem: probe.problem,
        // Without its index the file cannot say where its media ends, so a truncation has no `at` here.
        defects: [{ type: defect, reason: probe.problem.message, source: 'container' }],
        notes: [],
        measurements: {},
      },
      snapshots: [],
      documentSnapshots: [],
    };
  }
  const facts = probe.facts;
  const config = options.integrity ?? DEFAULT_INTEGRITY_CONFIG;
  const scans: TimestampScan[] = [];
  await stage('timestamps', async () => {
    if (facts.video) scans.push(await scanTimestamps(file, facts.video.index, 'video', config.gapMinS, options.signal));
    options.onProgress?.('timestamps', 0);
    if (facts.audio) scans.push(await scanTimestamps(file, facts.audio.index, 'audio', config.gapMinS, options.signal));
  });
  const integrity = integrityPass(facts, config);
  // The documents pass reads frames before and after the decode: it reports each step so the activity keeps heartbeating.
  let documentsDecodedS = 0;
  const faceConfig = options.faces?.config ?? DEFAULT_FACE_PASS_CONFIG;
  const docAnalyser = options.documents;
  const documents =
    docAnalyser && facts.video
      ? await stage('documents: clock search', () => documentPass(facts, docAnalyser.ocr, docAnalyser.config ?? DEFAULT_DOCUMENT_PASS_CONFIG, framesOf(file, facts, options.signal), options.signal, () =>
          options.onProgress?.('documents', documentsDecodedS),
        ))
      : undefined;
  const faces = options.faces && facts.video ? facePass(facts, options.faces.detector, faceConfig, options.faces.embedder, Boolean(options.faces.enrolled?.length)) : undefined;
  const decode = await stage('decode (ffmpeg + taps)', () => decodeOnce(file, facts, {
    videoTaps: [...integrity.videoTaps, ...(faces?.videoTaps ?? []), ...(documents?.videoTaps ?? [])],
    audio: integrity.audio,
    signal: options.signal,
    onProgress: (t) => options.onProgress?.('decode', t),
  }));
  documentsDecodedS = decode.videoDecodedS;
  // Decoder complaints: find where (a second, stream-by-stream pass, only for a damaged file).
  const undecodable: UndecodableSpan[] = [];
  if (decode.errorCount > 0) {
    options.onProgress?.('undecodable', decode.videoDecodedS);
    for (const [stream, kind] of [[facts.video, 'video'], [facts.audio, 'audio']] as const) {
      if (stream) undecodable.push(...(await stage('undecodable spans', () => locateUndecodable(file, stream.index, kind, options.signal))).spans);
    }
  }
  const integrityBody = integrity.finish(decode, scans, undecodable);
  const integrityEvidence: IntegrityEvidence = { ...header, kind: 'integrity', analyser: INTEGRITY_ANALYSER, ...integrityBody };
  let documentsEvidence: MediaAnalysis['documents'];
  let documentSnapshots: DocumentSnapshot[] = [];
  if (documents && options.documents) {
    const done = await stage('documents: read showings', () => documents.finish(decode.videoDecodedS));
    documentsEvidence = { ...header, kind: 'documents', analyser: DOCUMENTS_ANALYSER, model: options.documents.models, ...done.body };
    documentSnapshots = done.snapshots;
  }
  if (!faces || !options.faces) return { integrity: integrityEvidence, snapshots: [], documents: documentsEvidence, documentSnapshots };

  // Black runs and timestamp gaps are the integrity pass's findings: the face checks do not judge them twice.
  // So are undecodable pictures: nobody's presence there is known.
  const excluded = integrityBody.defects
    .filter((d) => d.type === 'black' || (d.type === 'cut' && d.source === 'container') || (d.type === 'undecodable' && d.detail?.stream === 'video'))
    .map((d) =>
      d.type === 'black'
        ? { from: d.from ?? 0, to: d.to ?? 0, why: 'black' as const }
        : d.type === 'undecodable'
          ? { from: d.from ?? 0, to: d.to ?? 0, why: 'undecodable' as const }
          : { from: d.at ?? 0, to: (d.at ?? 0) + Number(d.detail?.gapS ?? 0), why: 'timestamp_gap' as const },
    );
  const result = await stage('faces: timeline', () => faces.finish(decode.videoDecodedS, excluded));
  const t = result.timeline;
  const identity = (options.faces.enrolled ?? []).map((e) => ({
    role: e.role,
    key: e.key,
    usable: e.feature !== null,
    ...(e.problem ? { problem: e.problem } : {}),
    similarities: e.feature
      ? t.persons
          .filter((p) => result.personEmbeddings.has(p.id))
          .map((p) => ({ personId: p.id, party: p.party, medianHeightPx: p.medianHeightPx, similarity: round(cosine(e.feature!, result.personEmbeddings.get(p.id)!), 3) }))
      : [],
  }));
  return {
    integrity: integrityEvidence,
    faces: {
      ...header,
      kind: 'faces',
      analyser: FACES_ANALYSER,
      model: options.faces.model,
      sampleFps: faceConfig.fps,
      frames: result.frames,
      msPerFrame: result.msPerFrame,
      faces: t.faces,
      persons: t.persons,
      parties: t.parties,
      absences: t.absences,
      unusable: t.unusable,
      excluded,
      coframing: t.coframing,
      maxCount: t.maxCount,
      documentPhotos: result.documentPhotos,
      identity,
      tracks: result.tracks.map((tr) => ({
        id: tr.id,
        sightings: tr.sightings.map((s) => [s.t, round(s.box.x, 4), round(s.box.y, 4), round(s.box.w, 4), round(s.box.h, 4), round(s.score, 3)]),
      })),
    },
    snapshots: result.snapshots,
    documents: documentsEvidence,
    documentSnapshots,
  };
}
