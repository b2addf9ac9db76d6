// What the integrity pass reports about one recording: whether it could be read at all, its streams, how
// much of it decoded, and its defects. The evidence document wraps this body with its header.
import type { EvidenceDefect, EvidenceFlag, EvidenceNote } from '../defects';
import type { MediaFacts } from '../probe';

export type MediaProblemCode = 'empty' | 'truncated' | 'not_media' | 'undecodable';

export interface IntegrityBody {
  /** False when nothing could be decoded: `problem` says why. */
  readable: boolean;
  problem?: { code: MediaProblemCode; message: string };
  media?: MediaFacts;
  decode?: {
    videoDecodedS: number;
    audioDecodedS: number;
    /** The decoder reached the end of the file without giving up. */
    complete: boolean;
    errorCount: number;
    errors: string[];
    sampleFps: number;
  };
  defects: EvidenceDefect[];
  notes: EvidenceNote[];
  /** Things for a reviewer that are not defects (one signal only). Absent in evidence written before 1.1.0. */
  flags?: EvidenceFlag[];
  measurements: Record<string, number>;
}

