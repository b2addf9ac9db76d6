// report.json: the product's output, one per inspection revision. schemas/report.schema.json is the
// committed contract for the same shape; a test keeps the two in step.
import type { EvidenceDefect, EvidenceNote } from '../evidence/types';
import type { DocumentSpan, FaceSpan, SpeechSpan, Verdict } from '../lib/labelled';
import type { Judgement, StepJudgement } from '../judge/types';

export const REPORT_SCHEMA_VERSION = 1 as const;

export interface ReportTiming {
  activity: string;
  ms: number;
}

export interface ReportFlag {
  type: string;
  from: number;
  to?: number;
  reason: string;
}

/** A speaker turn (report/voice-turns.ts): agent, customer or uncertain, and what said so. */
export interface ReportVoiceTurn {
  from: number;
  to: number;
  speaker: 'agent' | 'customer' | 'uncertain';
  source: 'voice' | 'profile' | 'tracks' | 'channels';
  /** Similarity to the agent's voice minus the customer's (null: too short to embed). */
  margin: number | null;
}

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  recordingId: string;
  revision: number;
  createdAt: string;
  recording: {
    bucket: string;
    /** Masked: a key may carry a personal number. */
    key: string;
    versionId: string | null;
    etag: string;
    sha256: string;
    sizeBytes: number;
    durationS: number | null;
  };
  sidecar: { status: 'absent' | 'ok' | 'invalid'; problem?: string; summary?: Record<string, string | number | boolean> };
  rulebook: Judgement['rulebook'];
  engines: { dualqa: string; ffmpeg: string; analysers: { name: string; version: string }[]; models: { name: string; version: string; sha256?: string }[] };
  inspection: { workflowId: string; runId: string };
  verdict: Verdict;
  /** One line for a person: the verdict and its first reasons. */
  summary: string;
  steps: StepJudgement[];
  faces: FaceSpan[];
  documents: DocumentSpan[];
  speech: SpeechSpan[];
  /** Who speaks when (speaker turns). Optional: reports before speaker turns, or without them, have none. */
  voices?: ReportVoiceTurn[];
  defects: EvidenceDefect[];
  /**
   * To look at: suspicions on one signal that are not established defects (labelled `flags[]`). Optional:
   * reports written before flags existed have none.
   */
  flags?: ReportFlag[];
  notes: EvidenceNote[];
  problems: { stage: string; message: string }[];
  media: null | {
    formatName: string;
    video: null | { codec: string; width: number; height: number; fps: number | null; rotation: number };
    audio: null | { codec: string; sampleRate: number; channels: number };
  };
  evidenceKeys: Record<string, string>;
  timings: ReportTiming[];
}
