// Hand-made evidence for the judge's tests: clean by default, each builder taking the few fields a test
// changes. The speech builders are in speech-evidence.ts.
import type { DocumentsEvidence, EvidenceDefect, FacesEvidence, IngestEvidence, IntegrityEvidence } from '../../evidence/types';
import type { MediaFacts } from '../../media/probe';

export const facts = (video = true, audio = true): MediaFacts => ({
  formatName: 'mov,mp4',
  sizeBytes: 1000,
  durationS: 60,
  startS: 0,
  bitRate: null,
  videoStreams: video ? 1 : 0,
  audioStreams: audio ? 1 : 0,
  video: video ? { index: 0, codec: 'h264', width: 1280, height: 720, rotation: 0, fps: 25, durationS: 60, startS: 0 } : null,
  audio: audio ? { index: 1, codec: 'aac', sampleRate: 48000, channels: 1, durationS: 60, startS: 0 } : null,
});

export function integrity(defects: EvidenceDefect[], media: MediaFacts | undefined = facts(), readable = true): IntegrityEvidence {
  return {
    kind: 'integrity',
    schemaVersion: 1,
    recordingId: 'r',
    analyser: { name: 'integrity', version: '1' },
    createdAt: '2026-11-27T00:00:00Z',
    readable,
    ...(readable ? {} : { problem: { code: 'not_media' as const, message: 'not a readable media file' } }),
    ...(media ? { media } : {}),
    ...(readable ? { decode: { videoDecodedS: 60, audioDecodedS: 60, complete: true, errorCount: 0, errors: [], sampleFps: 10 } } : {}),
    defects,
    notes: [],
    measurements: {},
  };
}

export const ingest: IngestEvidence = {
  kind: 'ingest',
  schemaVersion: 1,
  recordingId: 'case-0123456789abcdef',
  analyser: { name: 'ingest', version: '1' },
  createdAt: '2026-11-27T00:00:00Z',
  recording: { bucket: 'recordings', key: 'bank/11010519491231002X.mp4', versionId: 'v1', etag: 'e', sizeBytes: 1000, sha256: 'a'.repeat(64), lastModified: '2026-11-27T00:00:00Z', contentType: 'video/mp4' },
  sidecar: { status: 'ok', key: 'bank/x.meta.json', meta: { agent: { name: '王芳', licenceNo: '02000132010080002345' }, channel: 'bank' } },
};

export function facesEvidence(over: Partial<FacesEvidence> = {}): FacesEvidence {
  return {
    kind: 'faces',
    schemaVersion: 1,
    recordingId: 'r',
    analyser: { name: 'faces', version: '1' },
    createdAt: '2026-11-27T00:00:00Z',
    model: { name: 'yunet', version: '2023mar', sha256: 'x' },
    sampleFps: 2,
    frames: 120,
    msPerFrame: 10,
    faces: [{ from: 0, to: 60, count: 2 }],
    persons: [],
    parties: 2,
    absences: [],
    unusable: [],
    excluded: [],
    coframing: { ratio: 1, framesTogether: 120, framesJudged: 120 },
    maxCount: 2,
    documentPhotos: [],
    identity: [],
    tracks: [],
    thumbnails: [],
    ...over,
  };
}

type Showing = DocumentsEvidence['showings'][number];

/** A document held to the camera from `from` to `to`: legible unless a reason is given. */
export function showing(id: number, type: Showing['type'], from: number, to: number, over: Partial<Showing> = {}): Showing {
  return {
    id,
    type,
    from,
    to,
    confidence: 0.9,
    legible: true,
    region: { x: 0.3, y: 0.3, w: 0.4, h: 0.3 },
    readAt: from,
    matched: [],
    fields: {},
    textSample: '',
    measurements: { heldS: to - from, stillFrames: 4, sharpness: 100, textShare: 0.5, regionPx: 300, lines: 5, chars: 60, meanScore: 0.9, textPx: 20 },
    ...over,
  };
}

/** Documents evidence with a clock read throughout and no jump, unless `over` says otherwise. */
export function documentsEvidence(over: Partial<DocumentsEvidence> = {}): DocumentsEvidence {
  return {
    kind: 'documents',
    schemaVersion: 1,
    recordingId: 'r',
    analyser: { name: 'documents', version: '1' },
    createdAt: '2026-11-27T00:00:00Z',
    model: [],
    sampleFps: 2,
    taps: { select: { width: 160 }, ocr: { width: 640 } },
    frames: 120,
    ocr: { engine: 'test', calls: 0, ms: 0, byUse: { clockSearch: { calls: 0, ms: 0 }, clock: { calls: 0, ms: 0 }, documents: { calls: 0, ms: 0 } } },
    keywordTable: 'documents-keywords@1.0.0',
    showings: [],
    documents: [],
    clock: { status: 'ok', region: null, regionFrom: null, attempts: 30, readings: 30, outliers: 0, quickReads: 0, glyphReads: 0, jumps: [], stalls: [], unread: [], series: [] },
    defects: [],
    reread: { frames: 0, ms: 0, failed: 0, notRead: 0 },
    thumbnails: [],
    ...over,
  };
}
