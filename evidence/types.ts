// Evidence documents: what analysers saw, stored as JSON under analyses/<recordingId>/. The judge reads
// only these, so rules can change and re-judge without running a model again.
import type { IntegrityBody } from '../media/integrity/body';

export type { DefectSource, EvidenceDefect, EvidenceFlag, EvidenceNote } from '../media/defects';
export type { IntegrityBody, MediaProblemCode } from '../media/integrity/body';

export const EVIDENCE_SCHEMA_VERSION = 1 as const;

export interface EvidenceHeader {
  kind: string;
  schemaVersion: typeof EVIDENCE_SCHEMA_VERSION;
  recordingId: string;
  analyser: { name: string; version: string };
  createdAt: string;
}

export type IntegrityEvidence = EvidenceHeader & IntegrityBody & { kind: 'integrity' };

export interface IngestEvidence extends EvidenceHeader {
  kind: 'ingest';
  recording: {
    bucket: string;
    key: string;
    versionId: string | null;
    etag: string;
    sizeBytes: number;
    sha256: string;
    lastModified: string;
    contentType: string | null;
  };
  sidecar:
    | { status: 'absent' }
    | { status: 'ok'; key: string; meta: import('../lib/labelled').Sidecar }
    | { status: 'invalid'; key: string; problem: string };
}

export interface FacesEvidence extends EvidenceHeader {
  kind: 'faces';
  model: { name: string; version: string; sha256: string };
  sampleFps: number;
  frames: number;
  msPerFrame: number;
  /** The labelled `faces` timeline: faces a person would count, over the whole video. */
  faces: import('../lib/labelled').FaceSpan[];
  persons: import('../media/faces/timeline').Person[];
  parties: number;
  /** A party not visible while the picture could show them (离框), from/to in seconds. */
  absences: import('../media/faces/timeline').Absence[];
  /** Spans where faces could not be judged (too dark), with the reason. */
  unusable: { from: number; to: number; reason: string }[];
  /** Spans set aside because the integrity pass already reports them (black, timestamp gaps). */
  excluded: { from: number; to: number; why: 'black' | 'timestamp_gap' | 'undecodable' }[];
  coframing: { ratio: number | null; framesTogether: number; framesJudged: number };
  maxCount: number;
  /** Faces that are pictures of a party present at the same time (e.g. the photo on a shown ID card): not counted as people. */
  documentPhotos: { from: number; to: number; ofPersonId: number; similarity: number; medianHeightPx: number }[];
  /** Enrolled photos (the agent's, from the sidecar) against each person seen large enough to recognise. */
  identity: {
    role: 'agent';
    key: string;
    usable: boolean;
    problem?: string;
    similarities: { personId: number; party: boolean; medianHeightPx: number; similarity: number }[];
  }[];
  /** Compact sightings per track: [t, x, y, w, h, score] with boxes normalised to the frame. */
  tracks: { id: number; sightings: number[][] }[];
  thumbnails: { at: number; key: string; why: string }[];
}

export type DocumentsEvidence = EvidenceHeader &
  import('../media/documents/pass').DocumentsBody & {
    kind: 'documents';
    model: { name: string; version: string; sha256: string }[];
    thumbnails: { at: number; key: string; why: string; showingId: number }[];
  };

export interface SpeechEvidence extends EvidenceHeader {
  kind: 'speech';
  engine: string;
  model: { name: string; version: string; sha256: string };
  /** False when the recording has no audio stream: nothing below was heard. */
  audio: boolean;
  durationS: number;
  /** Voice activity (silero VAD) and its total. */
  vad: { from: number; to: number }[];
  speechS: number;
  /** Who spoke in each voice-activity region, where the recording has a track or channel per party. */
  parties?: import('../speech/parties').Parties;
  /**
   * Who speaks, from the voice (GE2E speaker encoder, speech/speaker/turns.ts): the voice-activity regions cut
   * at changes of voice, each turn 'agent', 'customer' or 'uncertain' with its similarities. `problem` when
   * it could not be computed (the rest of the evidence stands).
   */
  speakers?: import('../speech/speaker/turns').SpeakerTurns | { problem: string };
  /** Simplified characters; runs of 8+ digits masked. */
  segments: import('../speech/transcript').TranscriptSegment[];
  dropped: import('../speech/transcript').DroppedSegment[];
  quality: { status: 'ok' | 'poor'; reason?: string; meanLogProb: number | null; transcribedShare: number | null; snrDb?: number | null; scriptCoverage?: number };
  /** Values said that only the sidecar can check (e.g. the licence number), checked at analysis time. */
  values: Partial<
    Record<
      'licence' | 'agentName' | import('../lib/labelled').PolicyNumber,
      {
        expected: 'exact' | 'near' | 'absent';
        from?: number;
        to?: number;
        readRate?: number;
        /** Absent: whether its cue (执业证号…) was heard, and how many syllables of what followed differ from the record. */
        cueHeard?: boolean;
        differs?: number;
        /** Forced-alignment score of the statement with the recorded value (the text itself is not stored). */
        verifyScore?: number;
        /** Near or differing: the score of what the recogniser wrote, at the same place (the audio's choice between the two). */
        heardScore?: number;
        /** Policy numbers (not personal data): the number heard next to its term, as a value. */
        heardValue?: number;
      }
    >
  >;
  /** Forced-alignment scores of expected texts in windows from `from` (~0.005 unsaid, 0.05–0.3 said). */
  verification: { text: string; from: number; score: number }[];
  timing: { decodeMs: number; asrMs: number; verifyMs: number; speakersMs?: number };
}

export type Evidence = IngestEvidence | IntegrityEvidence | FacesEvidence | DocumentsEvidence | SpeechEvidence;

/** Everything the judge reads for one recording. */
export interface EvidenceSet {
  ingest?: IngestEvidence;
  integrity?: IntegrityEvidence;
  faces?: FacesEvidence;
  documents?: DocumentsEvidence;
  speech?: SpeechEvidence;
  /** Analysers that ran but failed, with the reason (e.g. a model could not be loaded). */
  failures?: Partial<Record<string, string>>;
}

/** Keys of the evidence documents of one recording, by analyser name. */
export type EvidenceKeys = Partial<Record<'ingest' | 'integrity' | 'faces' | 'documents' | 'speech', string>>;
