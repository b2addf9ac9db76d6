// Reading the burned-in clock without the recognizer most of the time. A recorder draws its clock in one
// font at one place, so once the OCR has read it, where each digit sits in the crop is known (one ink run
// per character), and what each digit value looks like can be learnt from readings the clock reader
// trusted. A later crop is then read by comparing each digit's cell with the learnt digits (normalised
// cross-correlation, a small shift allowed): well under a millisecond, against ~35 ms of CPU for the
// recognizer on one line.
//
// This is an accelerator, not a second judge: the clock reader takes a glyph reading only when it agrees
// with what it expects (the reference offset, or one of the two offsets around a jump being placed).
// Anything else (a digit never learnt, an ambiguous cell, a time that does not fit) goes to the OCR, so
// every jump is seen and confirmed by the model. A clock whose picture does not split into one ink run per
// character (touching glyphs at low resolution, Chinese date characters, a busy background) is simply
// never read this way.
import { unitCosine } from '../../lib/geometry';
import { median } from '../../lib/numbers';
import { quadBounds, type OcrLineLike, type RgbImage } from './types';

export interface GlyphConfig {
  /** A cell is read as the learnt digit it correlates best with, at least this well (−1…1)… */
  minNcc: number;
  /** …and by this much more than with any other learnt digit. */
  minMargin: number;
  /** Shifts tried when comparing a cell (pixels): the glyph's ink is not exactly centred in its cell. */
  maxShiftX: number;
  maxShiftY: number;
  /** Calibrations tried (on trusted readings) before giving up on this recording's clock. */
  maxCalibrations: number;
}

export const DEFAULT_GLYPH_CONFIG: GlyphConfig = { minNcc: 0.9, minMargin: 0.05, maxShiftX: 2, maxShiftY: 1, maxCalibrations: 5 };

/** Digits in a clock: YYYY MM DD hh mm ss. */
export const CLOCK_DIGITS = 14;

interface Layout {
  /** Left column of each digit's cell, in crop pixels (the cell is `pitch` wide). */
  x0: number[];
  pitch: number;
  y0: number;
  height: number;
}

/** Luma of one pixel of a packed RGB image. */
function luma(rgb: Buffer, i: number): number {
  return 0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!;
}

/** Otsu's threshold of a set of grey values (0–255). */
export function otsu(values: Float32Array): number {
  const hist = new Float64Array(256);
  for (const v of values) hist[Math.max(0, Math.min(255, Math.round(v)))]!++;
  const total = values.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * hist[i]!;
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let threshold = 127;
  for (let i = 0; i < 256; i++) {
    wB += hist[i]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += i * hist[i]!;
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      threshold = i + 0.5;
    }
  }
  return threshold;
}

/** Column spans [from, to) of ink inside a rectangle: print is the minority side of Otsu's threshold. */
export function inkRuns(img: RgbImage, r: { x0: number; y0: number; x1: number; y1: number }): [number, number][] {
  const w = r.x1 - r.x0;
  const h = r.y1 - r.y0;
  if (w < 4 || h < 4) return [];
  const grey = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) grey[y * w + x] = luma(img.rgb, ((r.y0 + y) * img.width + r.x0 + x) * 3);
  const t = otsu(grey);
  let above = 0;
  for (const v of grey) if (v > t) above++;
  const inkIsLight = above < grey.length / 2;
  const ink = new Uint8Array(w * h);
  for (let k = 0; k < ink.length; k++) ink[k] = grey[k]! > t === inkIsLight ? 1 : 0;
  // A row mostly on the ink side is the scene past the clock's backing box, not print (print covers far
  // less of a line): such rows are left out.
  const rows: number[] = [];
  for (let y = 0; y < h; y++) {
    let n = 0;
    for (let x = 0; x < w; x++) n += ink[y * w + x]!;
    if (n <= 0.6 * w) rows.push(y);
  }
  // A column holds ink when a few of its pixels do (one stray pixel of compression noise does not).
  const minInk = Math.max(1, Math.round(0.06 * rows.length));
  const runs: [number, number][] = [];
  let start = -1;
  for (let x = 0; x <= w; x++) {
    let n = 0;
    if (x < w) for (const y of rows) n += ink[y * w + x]!;
    if (x < w && n >= minInk) {
      if (start < 0) start = x;
    } else if (start >= 0) {
      runs.push([r.x0 + start, r.x0 + x]);
      start = -1;
    }
  }
  return runs;
}

export class ClockGlyphs {
  private layout: Layout | null = null;
  private calibrations = 0;
  /** Learnt look of each digit value: zero-mean, unit-norm grey cell. */
  private readonly glyphs = new Map<string, Float32Array>();

  constructor(readonly config: GlyphConfig = DEFAULT_GLYPH_CONFIG) {}

  /** Where the digits are is known and at least one digit's look has been learnt. */
  get ready(): boolean {
    return this.layout !== null && this.glyphs.size > 0;
  }

  /**
   * Learns from a crop whose reading the clock reader trusts: on the first, where each digit sits (from the
   * OCR line's box and text, when the picture splits into one ink run per character); then each digit
   * value's look. `digits` are the 14 digits of the reading.
   */
  learn(crop: RgbImage, line: OcrLineLike, digits: string): void {
    if (digits.length !== CLOCK_DIGITS || !/^\d+$/.test(digits)) return;
    if (!this.layout && this.calibrations < this.config.maxCalibrations) {
      this.calibrations++;
      this.layout = this.locate(crop, line, digits);
    }
    const layout = this.layout;
    if (!layout) return;
    for (let i = 0; i < CLOCK_DIGITS; i++) {
      const d = digits[i]!;
      if (this.glyphs.has(d)) continue;
      const cell = this.cell(crop, layout, i, 0, 0);
      if (cell) this.glyphs.set(d, cell);
    }
  }

  /** The 14 digits read off the crop, or null when a cell matches no learnt digit clearly. */
  read(crop: RgbImage): string | null {
    const layout = this.layout;
    if (!layout || this.glyphs.size === 0) return null;
    const c = this.config;
    let out = '';
    for (let i = 0; i < CLOCK_DIGITS; i++) {
      const windows: Float32Array[] = [];
      for (let dy = -c.maxShiftY; dy <= c.maxShiftY; dy++) {
        for (let dx = -c.maxShiftX; dx <= c.maxShiftX; dx++) {
          const cell = this.cell(crop, layout, i, dx, dy);
          if (!cell) return null;
          windows.push(cell);
        }
      }
      let best = -Infinity;
      let second = -Infinity;
      let bestDigit = '';
      for (const [digit, glyph] of this.glyphs) {
        let score = -Infinity;
        // Cells and glyphs are zero-mean and unit-norm (one layout, one size): their cosine is the normalised cross-correlation.
        for (const cell of windows) {
          const ncc = unitCosine(cell, glyph);
          if (ncc > score) score = ncc;
        }
        if (score > best) {
          second = best;
          best = score;
          bestDigit = digit;
        } else if (score > second) second = score;
      }
      if (best < c.minNcc || best - second < c.minMargin) return null;
      out += bestDigit;
    }
    return out;
  }

  /** The digit cells: one ink run per character of the line's text, digit groups on an even pitch. */
  private locate(crop: RgbImage, line: OcrLineLike, digits: string): Layout | null {
    const b = quadBounds(line.box);
    // A clock is drawn level; a tilted box is a misplaced one.
    const [tl, tr] = line.box;
    if (!tl || !tr || Math.abs(tl[1] - tr[1]) > 0.15 * (b.y1 - b.y0)) return null;
    const rect = {
      x0: Math.max(0, Math.round(b.x0)),
      y0: Math.max(0, Math.round(b.y0)),
      x1: Math.min(crop.width, Math.round(b.x1) + 1),
      y1: Math.min(crop.height, Math.round(b.y1) + 1),
    };
    // The detector's box reaches past the print (and past a clock's backing box): its middle band holds
    // only print and what is right behind it.
    const band = (rect.y1 - rect.y0) * 0.2;
    const chars = [...line.text.replace(/\s+/g, '')];
    // The detector's box also leaves a margin around the print: a run touching its side is the edge of the
    // clock's backing box or the scene.
    const runs = inkRuns(crop, { ...rect, y0: Math.round(rect.y0 + band), y1: Math.round(rect.y1 - band) }).filter(([a, b]) => a > rect.x0 && b < rect.x1);
    if (runs.length !== chars.length) return null;
    if (chars.filter((ch) => /\d/.test(ch)).join('') !== digits) return null;
    // Digit groups (digits next to each other, on the font's digit pitch) and their ink centres. The OCR may
    // leave out the space between date and time, so a wide step also starts a group.
    const digitRuns = chars.flatMap((ch, i) => (/\d/.test(ch) ? [{ char: i, centre: (runs[i]![0] + runs[i]![1]) / 2 }] : []));
    const adjacent = digitRuns.slice(1).flatMap((x, k) => (x.char === digitRuns[k]!.char + 1 ? [x.centre - digitRuns[k]!.centre] : []));
    const pitch = Math.round(median(adjacent));
    if (!(pitch >= 4)) return null;
    const groups: { index: number; centre: number }[][] = [];
    digitRuns.forEach((x, index) => {
      const prev = digitRuns[index - 1];
      const step = prev ? x.centre - prev.centre : Infinity;
      if (prev && x.char === prev.char + 1 && step < 1.4 * pitch) {
        if (Math.abs(step - pitch) > Math.max(2, 0.25 * pitch)) return;
        groups.at(-1)!.push({ index, centre: x.centre });
      } else groups.push([{ index, centre: x.centre }]);
    });
    if (groups.reduce((n, g) => n + g.length, 0) !== CLOCK_DIGITS) return null;
    const x0 = new Array<number>(CLOCK_DIGITS);
    for (const g of groups) {
      // Cells of one group sit on the pitch; their common origin averages out each glyph's off-centre ink.
      const origin = g.reduce((a, x, k) => a + x.centre - k * pitch, 0) / g.length;
      g.forEach((x, k) => (x0[x.index] = Math.round(origin + k * pitch - pitch / 2)));
    }
    const layout: Layout = { x0, pitch, y0: rect.y0, height: rect.y1 - rect.y0 };
    const c = this.config;
    const fits = x0.every((x) => x - c.maxShiftX >= 0 && x + pitch + c.maxShiftX <= crop.width) && layout.y0 - c.maxShiftY >= 0 && layout.y0 + layout.height + c.maxShiftY <= crop.height;
    return fits ? layout : null;
  }

  /** Digit cell `i` shifted by (dx, dy): zero-mean, unit-norm grey; null when flat or outside the crop. */
  private cell(crop: RgbImage, layout: Layout, i: number, dx: number, dy: number): Float32Array | null {
    const x0 = layout.x0[i]! + dx;
    const y0 = layout.y0 + dy;
    const w = layout.pitch;
    const h = layout.height;
    if (x0 < 0 || y0 < 0 || x0 + w > crop.width || y0 + h > crop.height) return null;
    const out = new Float32Array(w * h);
    let sum = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = luma(crop.rgb, ((y0 + y) * crop.width + x0 + x) * 3);
        out[y * w + x] = v;
        sum += v;
      }
    }
    const mean = sum / out.length;
    let norm = 0;
    for (let k = 0; k < out.length; k++) {
      out[k]! -= mean;
      norm += out[k]! ** 2;
    }
    // A flat cell (a hand over the clock, a blank frame) has no shape to compare.
    if (norm < out.length * 4) return null;
    const inv = 1 / Math.sqrt(norm);
    for (let k = 0; k < out.length; k++) out[k]! *= inv;
    return out;
  }
}
