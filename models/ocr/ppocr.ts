// OCR with PaddleOCR's PP-OCRv6 small detector + recognizer (ONNX from PyPI rapidocr 3.10.0, Apache-2.0) on
// onnxruntime-node.
//
// Detector `x` [1, 3, H, W] (H, W multiples of 32) → `fetch_name_0` [1, 1, H, W] text probability (sigmoid).
// Recognizer `x` [N, 3, 48, W] → `fetch_name_0` [N, W/8, 18710] class probabilities (softmax in the graph).
// Both take planar BGR, (v/255 − 0.5)/0.5 per channel (rapidocr's PP-OCRv6 config; PaddleOCR trains on
// OpenCV's BGR decode). Checked on saturated colour pairs (red on blue, blue on yellow, …, blurred): BGR gives
// the higher detector scores (sum 5.12 vs 5.04 over 6 lines) and recognizer confidences (mean log-probability
// −0.0002 vs −0.0034); ImageNet mean/std on the detector scores lower too (5.04). Frames are not enlarged for
// the detector: 1.5× on 360p frames read no better.
import { checkFrame } from '../image';
import { loadModelFile, MODELS } from '../registry';
import { createSession, ort, type SessionOptions } from '../runtime';
import { charsetFromMetadata, ctcGreedyDecode, type Charset } from './ctc';
import { DB_DEFAULTS, dbBoxes, type DbOptions } from './db';
import { distance, warpQuad } from './geometry';
import { onnxMetadata } from './onnx-metadata';
import { detInputSize, resizeToPlanar, type ChannelOrder } from './resize';
import type { OcrEngine, OcrLine, OcrOptions, Point } from './types';

/** Recognizer input height, fixed in the model's input shape [N, 3, 48, W]. */
const REC_HEIGHT = 48;
/** The recognizer's time steps are this many input columns wide. */
const REC_STRIDE = 8;
const DEFAULT_MAX_SIDE = 960;
/** Lines read with a lower mean character probability are dropped (rapidocr's default `text_score`). */
const DEFAULT_MIN_SCORE = 0.5;
/** Lines per recognizer run; lines are sorted by aspect so a batch pads little. */
const REC_BATCH = 6;
/** Narrowest recognizer input (PaddleOCR pads to at least 320 = 48 · 20/3 px, the width it trains at). */
const REC_MIN_WIDTH = 320;
/** Longest crop fed to the recognizer (a line wider than 100 × its height is squeezed). */
const REC_MAX_WIDTH = 100 * REC_HEIGHT;
/** A crop this much taller than wide is a vertical line: turned 90° counter-clockwise before reading. */
const VERTICAL_ASPECT = 1.5;
const NORM = { mean: 0.5, std: 0.5 };
const CHANNEL_ORDER: ChannelOrder = 'bgr';

interface PpOcrOptions extends OcrOptions {
  db?: DbOptions;
}

interface TextBox {
  /** TL, TR, BR, BL in frame pixels. */
  box: Point[];
  /** Detector confidence: mean text probability inside the box's core. */
  detScore: number;
}

interface OcrTimings {
  detMs: number;
  recMs: number;
  lines: number;
  detInput: { w: number; h: number };
}

let cached: Promise<PpOcrEngine> | undefined;

export class PpOcrEngine implements OcrEngine {
  readonly name = `PP-OCRv6 small (${MODELS.ppocr_det.file}, ${MODELS.ppocr_rec.file})`;
  /** Timings of the last readLines call (diagnostics and benches). */
  lastTimings: OcrTimings | undefined;

  private constructor(
    private readonly det: ort.InferenceSession,
    private readonly rec: ort.InferenceSession,
    readonly charset: Charset,
  ) {}

  /** The process's engine (two onnxruntime sessions, loaded once); options apply to the first call only. */
  static load(options: SessionOptions = {}): Promise<PpOcrEngine> {
    cached ??= (async () => {
      const [det, rec, recBytes] = await Promise.all([createSession('ppocr_det', options), createSession('ppocr_rec', options), loadModelFile('ppocr_rec')]);
      const character = onnxMetadata(recBytes).get('character');
      if (character === undefined) throw new Error(`${MODELS.ppocr_rec.file} has no 'character' metadata`);
      const shape = rec.outputMetadata[0];
      const classCount = shape && shape.isTensor ? shape.shape[2] : undefined;
      if (typeof classCount !== 'number') throw new Error(`${MODELS.ppocr_rec.file}: class count not in the output shape`);
      return new PpOcrEngine(det, rec, charsetFromMetadata(character, classCount));
    })();
    cached.catch(() => {
      cached = undefined; // let a later call retry (e.g. after setup has run)
    });
    return cached;
  }

  async readLines(rgb: Buffer | Uint8Array, width: number, height: number, opts: PpOcrOptions = {}): Promise<OcrLine[]> {
    const t0 = performance.now();
    const { boxes, input } = await this.detectWithSize(rgb, width, height, opts);
    const t1 = performance.now();
    const lines = await this.recognize(rgb, width, height, boxes, opts);
    const t2 = performance.now();
    this.lastTimings = { detMs: t1 - t0, recMs: t2 - t1, lines: boxes.length, detInput: input };
    const minScore = opts.minScore ?? DEFAULT_MIN_SCORE;
    return lines.filter((l) => l.text.length > 0 && l.score >= minScore);
  }

  /** Text boxes in reading order. */
  async detect(rgb: Buffer | Uint8Array, width: number, height: number, opts: PpOcrOptions = {}): Promise<TextBox[]> {
    return (await this.detectWithSize(rgb, width, height, opts)).boxes;
  }

  private async detectWithSize(rgb: Uint8Array, width: number, height: number, opts: PpOcrOptions): Promise<{ boxes: TextBox[]; input: { w: number; h: number } }> {
    checkFrame(rgb, width, height);
    opts.signal?.throwIfAborted();
    const maxSide = opts.maxSideLen ?? DEFAULT_MAX_SIDE;
    if (!(maxSide >= 32)) throw new RangeError(`maxSideLen must be ≥ 32, got ${maxSide}`);
    const input = detInputSize(width, height, maxSide);
    const tensor = resizeToPlanar(rgb, width, height, input.w, input.h, NORM, CHANNEL_ORDER);
    const out = await this.det.run({ x: new ort.Tensor('float32', tensor, [1, 3, input.h, input.w]) });
    const prob = out.fetch_name_0;
    if (!prob || !(prob.data instanceof Float32Array)) throw new Error('detector output missing or not float32');
    const [, , mh, mw] = prob.dims;
    if (mh !== input.h || mw !== input.w) throw new Error(`detector map ${mw}×${mh} differs from its input ${input.w}×${input.h}`);
    const db = { ...DB_DEFAULTS, ...opts.db };
    const sx = input.w / width;
    const sy = input.h / height;
    const boxes: TextBox[] = [];
    for (const b of dbBoxes(prob.data, input.w, input.h, db)) {
      // Map pixel centres → frame pixel centres.
      const box = b.corners.map(([x, y]): Point => [clamp((x + 0.5) / sx - 0.5, -0.5, width - 0.5), clamp((y + 0.5) / sy - 0.5, -0.5, height - 0.5)]);
      boxes.push({ box, detScore: b.score });
    }
    return { boxes: readingOrder(boxes), input };
  }

  /** Reads each box (one line each), in the order given; empty text when nothing was read. */
  async recognize(rgb: Buffer | Uint8Array, width: number, height: number, boxes: readonly TextBox[], opts: PpOcrOptions = {}): Promise<OcrLine[]> {
    checkFrame(rgb, width, height);
    const crops = boxes.map((b) => cropLine(rgb, width, height, b.box));
    const order = crops.map((_, i) => i).sort((a, b) => crops[a]!.w - crops[b]!.w);
    const lines: OcrLine[] = new Array<OcrLine>(boxes.length);
    for (let start = 0; start < order.length; start += REC_BATCH) {
      opts.signal?.throwIfAborted();
      const batch = order.slice(start, start + REC_BATCH);
      const batchW = Math.max(REC_MIN_WIDTH, ...batch.map((i) => crops[i]!.w));
      const paddedW = Math.ceil(batchW / REC_STRIDE) * REC_STRIDE;
      const plane = REC_HEIGHT * paddedW;
      const data = new Float32Array(batch.length * 3 * plane); // 0 = mid-grey after normalisation
      batch.forEach((idx, n) => writeRecInput(crops[idx]!, data, n * 3 * plane, paddedW));
      const out = await this.rec.run({ x: new ort.Tensor('float32', data, [batch.length, 3, REC_HEIGHT, paddedW]) });
      const probs = out.fetch_name_0;
      if (!probs || !(probs.data instanceof Float32Array)) throw new Error('recognizer output missing or not float32');
      const [, steps, classes] = probs.dims;
      if (classes !== this.charset.classes.length || typeof steps !== 'number') throw new Error(`recognizer output ${probs.dims.join('×')} does not fit the character list`);
      batch.forEach((idx, n) => {
        const d = ctcGreedyDecode(probs.data as Float32Array, steps, this.charset, n * steps * classes);
        lines[idx] = { text: d.text, score: d.score, box: boxes[idx]!.box };
      });
    }
    return lines;
  }
}

interface Crop {
  /** Packed RGB float, REC_HEIGHT rows. */
  pixels: Float32Array;
  w: number;
}

/** Warps a box to the recognizer's height, keeping its aspect; vertical lines are turned to read left-to-right. */
function cropLine(rgb: Uint8Array, width: number, height: number, box: readonly Point[]): Crop {
  let quad = box;
  const across = (distance(box[0]!, box[1]!) + distance(box[3]!, box[2]!)) / 2;
  const down = (distance(box[0]!, box[3]!) + distance(box[1]!, box[2]!)) / 2;
  let len = across;
  let thick = down;
  if (down >= VERTICAL_ASPECT * across) {
    // Read top-to-bottom: the top edge becomes the left edge.
    quad = [box[1]!, box[2]!, box[3]!, box[0]!];
    len = down;
    thick = across;
  }
  const w = Math.max(REC_STRIDE, Math.min(REC_MAX_WIDTH, Math.round((REC_HEIGHT * len) / Math.max(1, thick))));
  return { pixels: warpQuad(rgb, width, height, quad, w, REC_HEIGHT), w };
}

function writeRecInput(crop: Crop, data: Float32Array, offset: number, paddedW: number): void {
  const plane = REC_HEIGHT * paddedW;
  const a = 1 / (255 * NORM.std);
  const c = -NORM.mean / NORM.std;
  const first = CHANNEL_ORDER === 'rgb' ? 0 : 2 * plane;
  const third = CHANNEL_ORDER === 'rgb' ? 2 * plane : 0;
  for (let y = 0; y < REC_HEIGHT; y++) {
    for (let x = 0; x < crop.w; x++) {
      const p = (y * crop.w + x) * 3;
      const o = offset + y * paddedW + x;
      data[first + o] = crop.pixels[p]! * a + c;
      data[plane + o] = crop.pixels[p + 1]! * a + c;
      data[third + o] = crop.pixels[p + 2]! * a + c;
    }
  }
}

/** Top to bottom; boxes on the same line (vertical centres within half a line height) left to right. */
export function readingOrder<T extends { box: Point[] }>(items: T[]): T[] {
  const centre = (b: Point[]): Point => [(b[0]![0] + b[1]![0] + b[2]![0] + b[3]![0]) / 4, (b[0]![1] + b[1]![1] + b[2]![1] + b[3]![1]) / 4];
  const thick = (b: Point[]): number => (distance(b[0]!, b[3]!) + distance(b[1]!, b[2]!)) / 2;
  const sorted = [...items].sort((a, b) => centre(a.box)[1] - centre(b.box)[1]);
  // Insertion pass: a box on the same line as its predecessor but to its left moves before it.
  for (let i = 1; i < sorted.length; i++) {
    for (let j = i; j > 0; j--) {
      const a = sorted[j - 1]!;
      const b = sorted[j]!;
      const [ax, ay] = centre(a.box);
      const [bx, by] = centre(b.box);
      const sameLine = Math.abs(ay - by) < 0.5 * Math.min(thick(a.box), thick(b.box));
      if (!(sameLine && bx < ax)) break;
      sorted[j - 1] = b;
      sorted[j] = a;
    }
  }
  return sorted;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
