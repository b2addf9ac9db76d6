// The documents pass: two small taps on the shared decode. Small grey frames (a few per second) go to the
// selector, which finds documents held to the camera and picks the sharpest frame of each showing; the
// recorder clock's region, cut out by ffmpeg (found beforehand on a few frames decoded on their own), goes to
// the clock reader, which reads it every few seconds. No large colour frame crosses the pass: afterwards
// the one chosen frame per showing is decoded again on its own (a seek), its document read, classified and
// its fields extracted, masked (./showings.ts), and its picture kept with the numbers blacked out
// (./redact.ts); the result is the body of the documents evidence.
import type { DocumentSpan } from '../../lib/labelled';
import { round } from '../../lib/numbers';
import { resizeBilinear } from '../../models/image';
import { loadKeywordTable, type KeywordTable } from '../../rules/document-keywords';
import type { VideoFrame, VideoTap } from '../decode';
import type { EvidenceDefect } from '../defects';
import type { MediaFacts } from '../probe';
import { ClockReader, clockDefects, DEFAULT_CLOCK_CONFIG, locateClock, type ClockConfig, type ClockLocation, type ClockSummary } from './clock';
import { emptyTally, tallied, type OcrUse, type OcrUseName } from './ocr-tally';
import { redactedSnapshot, type DocumentSnapshot } from './redact';
import { cropShowing, DEFAULT_READ_CONFIG, type ReadConfig, type ShowingCrop } from './showing-crop';
import { closeShowing, DEFAULT_LEGIBILITY_CONFIG, mergeReadings, readShowing, type DocumentShowing, type Reading, type ShowingConfig } from './showings';
import { DEFAULT_SELECT_CONFIG, DocumentSelector, type SelectConfig, type Showing } from './select';
import { toPixels, type NormBox, type OcrEngineLike, type OcrLineLike, type RgbImage } from './types';

/** Re-exported for media/analyse-file.ts, which imports it from here. */
export type { DocumentSnapshot };

export const DOCUMENTS_ANALYSER = { name: 'documents', version: '1.0.0' };

/** The pass's configuration; legibility, merging and field extraction are the showings' (./showings.ts). */
export interface DocumentPassConfig extends Omit<ShowingConfig, 'keywords'> {
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
  clock: ClockConfig;
}

/** A pass configuration with its keyword table in hand. */
type PassConfig = DocumentPassConfig & { keywords: KeywordTable };

/** The keyword table the pass classifies with: the caller's, else documents-keywords@1.0.0, read when the pass starts. */
export function passKeywordTable(config: DocumentPassConfig): KeywordTable {
  return config.keywords ?? loadKeywordTable().table;
}

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
interface FrameSource {
  frameAt(t: number, width: number, height: number): Promise<RgbImage>;
}

interface DocumentPass {
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
      const result = merged.map((m, i) => closeShowing(m, i + 1, config));
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
      const snapshots = merged.flatMap((m, i) => (m.crop ? [redactedSnapshot(m, i + 1, config.keywords)] : []));
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

/** Enlarges an image (bilinear) so its long side is at least `minSide`; returns the factor used. */
function enlarge(img: RgbImage, minSide: number): { image: RgbImage; scale: number } {
  const long = Math.max(img.width, img.height);
  if (long >= minSide || long === 0) return { image: img, scale: 1 };
  const scale = minSide / long;
  const w = Math.max(1, Math.round(img.width * scale));
  const h = Math.max(1, Math.round(img.height * scale));
  return { image: { width: w, height: h, rgb: resizeBilinear(img.rgb, img.width, img.height, w, h) }, scale };
}

