// A document showing after the decode: what was read off the one frame the selector chose (its text
// classified with the keyword table, its print measured), showings a brief wobble split joined again, and
// each closed for the evidence: whether a person could read it (legible, or the reason not), its fields
// (masked) and a masked sample of its text.
//
// A showing too brief, too small or too blurred to read is reported with `legible: false` and the reason:
// material for CANNOT_JUDGE, never a FAIL by itself.
import { iou } from '../../lib/geometry';
import { round, upperMedian } from '../../lib/numbers';
import type { KeywordTable } from '../../rules/document-keywords';
import { classifyText, isPrivateClass } from './classify';
import { extractIdCardFields, extractLicenceFields, maskedSample, type IdCardFields, type LicenceFields } from './fields';
import type { ShowingCrop } from './showing-crop';
import type { Showing } from './select';
import { quadHeight, rowsOf, type DocumentType, type NormBox, type OcrLineLike } from './types';

interface LegibilityConfig {
  /** A document held still for less than this cannot be read by a person reviewing the recording. */
  minHeldS: number;
  /** Characters read (in lines scoring at least `minLineScore`) for a document to count as read. */
  minChars: number;
  minLineScore: number;
  /** Unread and shorter than this on its short side (pixels of the original video): too small. */
  minRegionPx: number;
  /**
   * Below this sharpness (variance of the Laplacian on the selector's 320 px grey frames) a document is too
   * blurred to read. On the fixture cards (360p) OCR reads nearly everything down to ≈ 190 (Gaussian blur
   * σ 2.5 on the source) and little below ≈ 130 (σ 3); sharp cards measure 3,800–6,400.
   */
  minSharpness: number;
}

export const DEFAULT_LEGIBILITY_CONFIG: LegibilityConfig = { minHeldS: 1, minChars: 4, minLineScore: 0.6, minRegionPx: 48, minSharpness: 150 };

/** What reading and closing showings take from the documents pass's configuration. */
export interface ShowingConfig {
  /** The document keyword table: types the showings, and says which types are private. */
  keywords: KeywordTable;
  legibility: LegibilityConfig;
  /** Consecutive showings of one type this close (s) and overlapping are one showing (a brief wobble split it). */
  mergeGapS: number;
  /** Characters of masked text kept per showing. */
  sampleChars: number;
  /** Deployment secret for keyed hashes of numbers read (absent: no hashes). */
  hashKey?: string;
  /** What the sidecar says about the agent: compared with the 执业证 (evidence keeps the agreement, not the values). */
  expected?: { agentName?: string; licenceNo?: string };
}

export interface DocumentShowing {
  id: number;
  type: DocumentType;
  /** Finer kind from the keyword table (e.g. application_form). */
  label?: string;
  /** Still and fully visible: [from, to). */
  from: number;
  to: number;
  confidence: number;
  legible: boolean;
  /** Why it cannot be read (legible: false). */
  reason?: string;
  /** Where in the picture (normalised). */
  region: NormBox;
  /** The frame read. */
  readAt: number | null;
  /** Keywords and patterns that decided the type. */
  matched: string[];
  /** Masked fields: licence number, agent name, company (执业证); ID number (身份证). */
  fields: LicenceFields | IdCardFields | Record<string, never>;
  /** Masked excerpt of the text read (for private types only the keywords matched). */
  textSample: string;
  measurements: {
    heldS: number;
    stillFrames: number;
    sharpness: number;
    /** Share of the region that looked like print to the selector (0–1). */
    textShare: number;
    /** Short side of the document in pixels of the original video. */
    regionPx: number;
    lines: number;
    chars: number;
    meanScore: number;
    /** Median text line height in pixels of the original video. */
    textPx: number;
  };
}

/** One showing with what was read off it (before merging split showings). */
export interface Reading {
  showing: Showing;
  from: number;
  to: number;
  stillFrames: number;
  crop: ShowingCrop | undefined;
  /** Lines in crop pixels (of the enlarged crop: divide by `scale`). */
  lines: OcrLineLike[];
  scale: number;
  rows: string[];
  type: DocumentType;
  label?: string;
  confidence: number;
  matched: string[];
  chars: number;
  meanScore: number;
  textPx: number;
  regionPx: number;
}

/** What was read off a showing's chosen frame: its text classified with the table, and its measurements. */
export function readShowing(
  s: Showing,
  crop: ShowingCrop | undefined,
  lines: OcrLineLike[],
  scale: number,
  toSource: number,
  aspect: number,
  source: { width: number; height: number },
  config: Pick<ShowingConfig, 'keywords' | 'legibility'>,
): Reading {
  const good = lines.filter((l) => l.score >= config.legibility.minLineScore && l.text.trim().length > 0);
  const rows = rowsOf(good);
  const cls = classifyText(rows, config.keywords, { aspect });
  const chars = good.reduce((n, l) => n + [...l.text.replace(/\s/g, '')].length, 0);
  return {
    showing: s,
    from: s.from,
    to: s.to,
    stillFrames: s.frames,
    crop,
    lines,
    scale,
    rows,
    type: good.length ? cls.type : 'other',
    ...(good.length && cls.label ? { label: cls.label } : {}),
    confidence: good.length ? cls.confidence : 0,
    matched: good.length ? cls.matched : [],
    chars,
    meanScore: good.length ? round(good.reduce((a, l) => a + l.score, 0) / good.length, 2) : 0,
    textPx: round((upperMedian(good.map((l) => quadHeight(l.box))) / scale) * toSource, 2),
    regionPx: Math.round(Math.min(s.region.w * source.width, s.region.h * source.height)),
  };
}

/** Joins consecutive showings of one type that a wobble split (close in time, same place); keeps the better reading. */
export function mergeReadings(readings: Reading[], config: Pick<ShowingConfig, 'mergeGapS'>): Reading[] {
  const out: Reading[] = [];
  for (const r of readings) {
    const last = out.at(-1);
    const sameKind = last && last.type === r.type && last.label === r.label && (r.type !== 'other' || (last.chars > 0 && r.chars > 0));
    if (last && sameKind && r.from - last.to <= config.mergeGapS && iou(last.showing.region, r.showing.region) >= 0.3) {
      const better = r.chars * r.meanScore > last.chars * last.meanScore ? r : last;
      out[out.length - 1] = { ...better, from: last.from, to: r.to, stillFrames: last.stillFrames + r.stillFrames };
      continue;
    }
    out.push(r);
  }
  return out;
}

/** Closes a showing: whether a person could read it (and why not), its masked fields and text sample. */
export function closeShowing(m: Reading, id: number, config: ShowingConfig): DocumentShowing {
  const L = config.legibility;
  const heldS = round(m.to - m.from, 2);
  const reasons: string[] = [];
  if (heldS < L.minHeldS) reasons.push(`held still ${heldS} s (< ${L.minHeldS} s)`);
  const read = m.chars >= L.minChars;
  const blurred = m.showing.sharpness < L.minSharpness;
  if (blurred) reasons.push(`too blurred: sharpness ${m.showing.sharpness} (< ${L.minSharpness})`);
  if (!read && !blurred) {
    if (!m.crop) reasons.push('its frame could not be decoded again to read');
    else if (m.regionPx < L.minRegionPx) reasons.push(`too small: ${m.regionPx} px on its short side (< ${L.minRegionPx} px)`);
    else reasons.push(`no text could be read (${m.chars} characters)`);
  }
  const privateType = isPrivateClass(m, config.keywords);
  const text = m.rows.join(' ');
  const fieldOpts = { ...(config.hashKey ? { hashKey: config.hashKey } : {}), ...(config.expected ? { expected: config.expected } : {}) };
  const fields = m.type === 'agent_licence' && !m.label ? extractLicenceFields(m.rows, fieldOpts) : m.type === 'id_card' ? extractIdCardFields(m.rows, fieldOpts) : {};
  return {
    id,
    type: m.type,
    ...(m.label ? { label: m.label } : {}),
    from: m.from,
    to: m.to,
    confidence: m.confidence,
    legible: reasons.length === 0,
    ...(reasons.length ? { reason: reasons.join('; ') } : {}),
    region: m.showing.region,
    readAt: m.crop ? m.crop.t : null,
    matched: m.matched,
    fields,
    textSample: privateType ? m.matched.filter((k) => !/^aspect /.test(k)).join(' ') : maskedSample(text, config.sampleChars),
    measurements: {
      heldS,
      stillFrames: m.stillFrames,
      sharpness: m.showing.sharpness,
      textShare: m.showing.text,
      regionPx: m.regionPx,
      lines: m.lines.length,
      chars: m.chars,
      meanScore: m.meanScore,
      textPx: m.textPx,
    },
  };
}
