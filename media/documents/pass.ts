// The documents pass: two small taps on the shared decode. Small grey frames (a few per second) go to the
// selector, which finds documents held to the camera and picks the sharpest frame of each showing; the
// recorder clock's region, cut out by ffmpeg (found beforehand on a few frames decoded on their own), goes to
// the clock reader, which reads it every few seconds. No large colour frame crosses the pass: afterwards
// the one chosen frame per showing is decoded again on its own (a seek), and its document is read,
// classified and its fields extracted (masked); the result is the body of the documents evidence.
//
// A showing too brief, too small or too blurred to read is reported with `legible: false` and the reason:
// material for CANNOT_JUDGE, never a FAIL by itself.
import { iou } from '../../lib/geometry';
import { round, upperMedian } from '../../lib/numbers';
import type { EvidenceDefect } from '../defects';
import type { DocumentSpan } from '../../lib/labelled';
import type { VideoFrame, VideoTap } from '../decode';
import type { MediaFacts } from '../probe';
import { loadKeywordTable, type KeywordTable } from '../../rules/document-keywords';
import { classifyText, isPrivateClass } from './classify';
import { ClockReader, clockDefects, DEFAULT_CLOCK_CONFIG, locateClock, type ClockConfig, type ClockLocation, type ClockSummary } from './clock';
import { extractIdCardFields, extractLicenceFields, maskedSample, normaliseDigits, type IdCardFields, type LicenceFields } from './fields';
import { emptyTally, tallied, type OcrUse, type OcrUseName } from './ocr-tally';
import { cropShowing, DEFAULT_READ_CONFIG, type ReadConfig, type ShowingCrop } from './showing-crop';
import { DEFAULT_SELECT_CONFIG, DocumentSelector, type SelectConfig, type Showing } from './select';
import { quadBounds, quadHeight, rowsOf, toPixels, type DocumentType, type NormBox, type OcrEngineLike, type OcrLineLike, type RgbImage } from './types';

export const DOCUMENTS_ANALYSER = { name: 'documents', version: '1.0.0' };

export interface LegibilityConfig {
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

export interface DocumentPassConfig {
  fps: number;
  /** Width of the selector's grey frames. */
  selectWidth: number;
  /** Largest width of the colour frames read by OCR (never more than the video's own width). */
  ocrMaxWidth: number;
  /** Crops are enlarged (bilinear) until their long side is at least this before OCR. */
  ocrMinSide: number;
  select: SelectConfig;
  read: ReadConfig;
  /** The document keyword table, as the caller loaded it (the one the rulebook names); without it the pass loads documents-keywords@1.0.0 when it starts. */
  keywords?: KeywordTable;
  legibility: LegibilityConfig;
  clock: ClockConfig;
  /** Consecutive showings of one type this close (s) and overlapping are one showing (a brief wobble split it). */
  mergeGapS: number;
  /** Characters of masked text kept per showing. */
  sampleChars: number;
  /** Deployment secret for keyed hashes of numbers read (absent: no hashes). */
  hashKey?: string;
  /** What the sidecar says about the agent: compared with the 执业证 (evidence keeps the agreement, not the values). */
  expected?: { agentName?: string; licenceNo?: string };
}

/** A pass configuration with its keyword table in hand. */
type PassConfig = DocumentPassConfig & { keywords: KeywordTable };

/** The keyword table the pass classifies with: the caller's, else documents-keywords@1.0.0, read when the pass starts. */
export function passKeywordTable(config: DocumentPassConfig): KeywordTable {
  return config.keywords ?? loadKeywordTable().table;
}

export const DEFAULT_LEGIBILITY_CONFIG: LegibilityConfig = { minHeldS: 1, minChars: 4, minLineScore: 0.6, minRegionPx: 48, minSharpness: 150 };

export const DEFAULT_DOCUMENT_PASS_CONFIG: DocumentPassConfig = {
  fps: 4,
  selectWidth: 320,
  ocrMaxWidth: 1280,
  ocrMinSide: 480,
  select: DEFAULT_SELECT_CONFIG,
  read: DEFAULT_READ_CONFIG,
  legibility: DEFAULT_LEGIBILITY_CONFIG,
  clock: DEFAULT_CLOCK_CONFIG,
  mergeGapS: 1,
  sampleChars: 120,
};

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

export interface DocumentsBody {
  sampleFps: number;
  /** Sizes of the two taps. */
  taps: { select: { width: number }; ocr: { width: number } };
  frames: number;
  /** OCR calls and time: in all, and by use. */
  ocr: { engine: string; calls: number; ms: number; byUse: Record<OcrUseName, OcrUse> };
  keywordTable: string;
  showings: DocumentShowing[];
  /** The labelled `documents` timeline: showings whose type is known or whose text was read. */
  documents: DocumentSpan[];
  clock: ClockSummary;
  /** clock_jump defects, in the labelled shape with reason and measurements. */
  defects: EvidenceDefect[];
  /** Frames decoded again after the pass (the clock search and one per showing read), and showings beyond the cap. */
  reread: { frames: number; ms: number; failed: number; notRead: number };
}

/** A frame for the evidence: the document's crop, numbers blacked out (and the whole card coarsened for private types). */
export interface DocumentSnapshot {
  t: number;
  width: number;
  height: number;
  rgb: Buffer;
  why: string;
  showingId: number;
}

export interface DocumentPassResult {
  body: DocumentsBody;
  snapshots: DocumentSnapshot[];
}

/** Display size of the video (rotation applied). */
function displaySize(facts: MediaFacts): { width: number; height: number } {
  const v = facts.video;
  if (!v) return { width: 0, height: 0 };
  return v.rotation % 180 === 0 ? { width: v.width, height: v.height } : { width: v.height, height: v.width };
}

function even(v: number): number {
  return Math.max(2, Math.round(v / 2) * 2);
}

/** Decodes one frame again, after the pass: the frame at media time t, scaled to width × height, packed RGB. */
export interface FrameSource {
  frameAt(t: number, width: number, height: number): Promise<RgbImage>;
}

export interface DocumentPass {
  /** Taps on the shared decode: small grey frames for the selector and, when the clock was found, its region. */
  videoTaps: VideoTap[];
  finish(durationS: number): Promise<DocumentPassResult>;
}

/**
 * Prepares the documents pass of one recording: finds the burned-in clock on a few frames decoded on their
 * own, so the shared decode only cuts the clock's region out of each frame; after the decode, decodes again
 * the one frame per showing the selector chose and reads it.
 */
export async function documentPass(
  facts: MediaFacts,
  ocr: OcrEngineLike,
  options: DocumentPassConfig,
  frames: FrameSource,
  signal?: AbortSignal,
  /** Called before each frame decoded again and each OCR read outside the decode (the activity heartbeats on it). */
  onStep: () => void = () => undefined,
): Promise<DocumentPass> {
  const config: PassConfig = { ...options, keywords: passKeywordTable(options) };
  const source = displaySize(facts);
  const ocrWidth = even(Math.min(config.ocrMaxWidth, source.width || config.ocrMaxWidth));
  const ocrHeight = even((ocrWidth * (source.height || 9)) / (source.width || 16));
  const tally = emptyTally();
  const grabs = { frames: 0, ms: 0, failed: 0 };
  const grab = async (t: number): Promise<RgbImage> => {
    onStep();
    const started = performance.now();
    try {
      grabs.frames++;
      return await frames.frameAt(t, ocrWidth, ocrHeight);
    } finally {
      grabs.ms += performance.now() - started;
    }
  };
  const selector = new DocumentSelector(config.select);
  const durationS = facts.durationS ?? facts.video?.durationS ?? 0;
  const location: ClockLocation = facts.video
    ? await locateClock(tallied(ocr, tally, 'clockSearch'), grab, config.clock, durationS, signal)
    : { region: null, regionFrom: null, searches: 0 };
  const clock = new ClockReader(tallied(ocr, tally, 'clock'), config.clock, location, signal);
  const documentOcr = tallied(ocr, tally, 'documents');
  let selected = 0;

  const selectTap: VideoTap = {
    name: 'documents-select',
    width: config.selectWidth,
    fps: config.fps,
    pixFmt: 'gray',
    onFrame: (frame: VideoFrame) => {
      selected++;
      selector.push(frame);
    },
  };
  const taps: VideoTap[] = facts.video ? [selectTap] : [];
  if (facts.video && location.region) {
    // The clock's region in pixels of the displayed picture, at the scale documents are read at.
    const rect = evenRect(toPixels(location.region, source.width, source.height), source.width, source.height);
    const scale = ocrWidth / source.width;
    taps.push({
      name: 'documents-clock',
      crop: rect,
      width: even(rect.w * scale),
      height: even(rect.h * scale),
      fps: config.fps,
      pixFmt: 'rgb24',
      onFrame: (frame: VideoFrame) => clock.onCrop(frame),
    });
  }

  const read = async (img: RgbImage): Promise<{ lines: OcrLineLike[]; scale: number }> => {
    const up = enlarge(img, config.ocrMinSide);
    onStep();
    const lines = await documentOcr.readLines(up.image.rgb, up.image.width, up.image.height, signal ? { signal } : undefined);
    return { lines, scale: up.scale };
  };
  /** The chosen frame of a showing, decoded again and cropped to the document; undefined when it cannot be. */
  const cropOf = async (s: Showing): Promise<ShowingCrop | undefined> => {
    try {
      const frame = await grab(s.best.t);
      return cropShowing({ ...frame, t: s.best.t }, s.best.region, config.read.margin);
    } catch (err) {
      if (signal?.aborted) throw err;
      grabs.failed++;
      return undefined;
    }
  };

  return {
    videoTaps: taps,
    async finish(durationS: number): Promise<DocumentPassResult> {
      const showings = selector.finish();
      // Source pixels per pixel of the frames read.
      const toSource = source.height ? source.height / ocrHeight : 1;
      const aspectOf = (r: NormBox): number => (r.w * (source.width || 16)) / Math.max(1e-6, r.h * (source.height || 9));
      const readings: Reading[] = [];
      for (const [i, s] of showings.entries()) {
        const crop = i < config.read.maxShowings ? await cropOf(s) : undefined;
        const got = crop ? await read(crop) : { lines: [], scale: 1 };
        readings.push(readShowing(s, crop, got.lines, got.scale, toSource, aspectOf(s.region), source, config));
      }
      const merged = mergeReadings(readings, config);
      const result = merged.map((m, i) => finalise(m, i + 1, config));
      const clockSummary: ClockSummary = facts.video ? clock.finish() : { ...clock.finish(), status: 'not_found', reason: 'the file has no video stream' };
      const documents: DocumentSpan[] = result
        .filter((s) => s.legible || s.type !== 'other')
        .map((s) => ({
          type: s.type,
          from: s.from,
          to: Math.min(s.to, round(durationS, 2) || s.to),
          ...(s.label ? { label: s.label } : {}),
          legible: s.legible,
          confidence: s.confidence,
        }));
      const snapshots = merged.flatMap((m, i) => (m.crop ? [snapshotOf(m, i + 1, config)] : []));
      const uses = Object.values(tally);
      return {
        body: {
          sampleFps: config.fps,
          taps: { select: { width: config.selectWidth }, ocr: { width: ocrWidth } },
          frames: selected,
          ocr: {
            engine: ocr.name ?? 'ocr',
            calls: uses.reduce((n, u) => n + u.calls, 0),
            ms: Math.round(uses.reduce((n, u) => n + u.ms, 0)),
            byUse: {
              clockSearch: roundUse(tally.clockSearch),
              clock: roundUse(tally.clock),
              documents: roundUse(tally.documents),
            },
          },
          keywordTable: config.keywords.version,
          showings: result,
          documents,
          clock: clockSummary,
          defects: clockDefects(clockSummary),
          reread: { frames: grabs.frames, ms: Math.round(grabs.ms), failed: grabs.failed, notRead: Math.max(0, showings.length - config.read.maxShowings) },
        },
        snapshots,
      };
    },
  };
}

/** The rectangle with even sides (grown, or shrunk at the frame's edge): at scale 1 the tap is the crop, unresampled. */
function evenRect(r: { x: number; y: number; w: number; h: number }, width: number, height: number): { x: number; y: number; w: number; h: number } {
  const side = (pos: number, len: number, limit: number): number => {
    const grown = len + (len % 2);
    return Math.max(2, pos + grown <= limit ? grown : len - (len % 2));
  };
  return { x: r.x, y: r.y, w: side(r.x, r.w, width), h: side(r.y, r.h, height) };
}

function roundUse(u: OcrUse): OcrUse {
  return { calls: u.calls, ms: Math.round(u.ms) };
}

/** One showing with what was read off it (before merging split showings). */
interface Reading {
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

function readShowing(
  s: Showing,
  crop: ShowingCrop | undefined,
  lines: OcrLineLike[],
  scale: number,
  toSource: number,
  aspect: number,
  source: { width: number; height: number },
  config: PassConfig,
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
function mergeReadings(readings: Reading[], config: PassConfig): Reading[] {
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

function finalise(m: Reading, id: number, config: PassConfig): DocumentShowing {
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

/** Enlarges an image (bilinear) so its long side is at least `minSide`; returns the factor used. */
export function enlarge(img: RgbImage, minSide: number): { image: RgbImage; scale: number } {
  const long = Math.max(img.width, img.height);
  if (long >= minSide || long === 0) return { image: img, scale: 1 };
  const scale = minSide / long;
  const w = Math.max(1, Math.round(img.width * scale));
  const h = Math.max(1, Math.round(img.height * scale));
  const out = Buffer.allocUnsafe(w * h * 3);
  const sx = img.width / w;
  const sy = img.height / h;
  for (let y = 0; y < h; y++) {
    const fy = Math.max(0, Math.min(img.height - 1, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.max(0, Math.min(img.width - 1, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const a = img.rgb[(y0 * img.width + x0) * 3 + c]!;
        const b = img.rgb[(y0 * img.width + x1) * 3 + c]!;
        const d = img.rgb[(y1 * img.width + x0) * 3 + c]!;
        const e = img.rgb[(y1 * img.width + x1) * 3 + c]!;
        out[(y * w + x) * 3 + c] = Math.round((a * (1 - wx) + b * wx) * (1 - wy) + (d * (1 - wx) + e * wx) * wy);
      }
    }
  }
  return { image: { width: w, height: h, rgb: out }, scale };
}

/** The crop for the evidence: lines with long numbers blacked out; private types coarsened and every line blacked out. */
function snapshotOf(m: Reading, id: number, config: PassConfig): DocumentSnapshot {
  const crop = m.crop!;
  const rgb = Buffer.from(crop.rgb);
  const privateType = isPrivateClass(m, config.keywords);
  for (const l of m.lines) {
    if (!privateType && !/\d{6,}/.test(normaliseDigits(l.text.replace(/\s/g, '')))) continue;
    const b = quadBounds(l.box);
    fillRect(rgb, crop.width, crop.height, b.x0 / m.scale - 2, b.y0 / m.scale - 2, b.x1 / m.scale + 2, b.y1 / m.scale + 2);
  }
  if (privateType) pixelate(rgb, crop.width, crop.height, Math.max(4, Math.round(Math.min(crop.width, crop.height) / 24)));
  const what = m.label ?? m.type;
  return { t: crop.t, width: crop.width, height: crop.height, rgb, why: `document ${id} (${what}) shown ${m.from}–${m.to} s`, showingId: id };
}

function fillRect(rgb: Buffer, width: number, height: number, x0: number, y0: number, x1: number, y1: number): void {
  const xa = Math.max(0, Math.floor(x0));
  const ya = Math.max(0, Math.floor(y0));
  const xb = Math.min(width, Math.ceil(x1));
  const yb = Math.min(height, Math.ceil(y1));
  for (let y = ya; y < yb; y++) rgb.fill(0, (y * width + xa) * 3, (y * width + xb) * 3);
}

function pixelate(rgb: Buffer, width: number, height: number, cell: number): void {
  for (let cy = 0; cy < height; cy += cell) {
    for (let cx = 0; cx < width; cx += cell) {
      const sum = [0, 0, 0];
      let n = 0;
      for (let y = cy; y < Math.min(height, cy + cell); y++) {
        for (let x = cx; x < Math.min(width, cx + cell); x++) {
          for (let c = 0; c < 3; c++) sum[c]! += rgb[(y * width + x) * 3 + c]!;
          n++;
        }
      }
      for (let y = cy; y < Math.min(height, cy + cell); y++) {
        for (let x = cx; x < Math.min(width, cx + cell); x++) {
          for (let c = 0; c < 3; c++) rgb[(y * width + x) * 3 + c] = Math.round(sum[c]! / n);
        }
      }
    }
  }
}
