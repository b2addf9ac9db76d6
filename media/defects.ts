// What the media analysers report as defects: the labelled shape (lib/labelled.ts) with the reason, the
// part of the file it was seen in and the measurements behind it. Defined here, by the analysers that
// produce it; the evidence documents carry it as it is.
import type { Defect } from '../lib/labelled';

export type DefectSource = 'container' | 'picture' | 'sound' | 'decoder' | 'streams';

/** A defect in the labelled shape, with why it was reported and the measurements behind it. */
export type EvidenceDefect = Defect & {
  reason: string;
  source: DefectSource;
  detail?: Record<string, number | string | boolean>;
};

/** Something the analysers noticed that is not a defect (a note for the reader), at a time or over a span. */
export interface EvidenceNote {
  at?: number;
  from?: number;
  to?: number;
  text: string;
}

/**
 * Something a reviewer should look at that is not an established defect: one signal only (a picture that
 * changes at once with nothing else agreeing), or a span the sound alone cannot settle. The judge may
 * confirm a flag with evidence from another pass (the recorder clock) or set it aside (a document showing
 * that starts at that instant); report.json carries the rest as `flags`.
 */
export interface EvidenceFlag {
  type: 'suspected_splice' | 'long_silence';
  from: number;
  to?: number;
  reason: string;
  detail?: Record<string, number | string | boolean>;
}
