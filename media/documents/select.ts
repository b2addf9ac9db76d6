// Which frames to read: OCR is far too slow for every frame, so a cheap look at small grey frames (320 px,
// a few per second) finds when a document is held to the camera and picks one sharp frame per showing.
//
// A document is paper: a bright, roughly rectangular patch, dense with small dark strokes (text), that was
// not part of the scene a moment ago. Each frame is cut into blocks; a block's mean luma and edge energy are
// compared with a slowly adapting model of the scene (blocks under a detected document are not adapted, so
// a card held for a minute stays "new"). Changed, bright blocks are closed into connected regions; a
// region large enough, filling its bounding box and textured like print is the document. A whole-frame
// change (a cut, the camera moved) resets the scene model instead.
//
// A showing is a run of frames where the document is still (same place, little motion inside it): the
// labelled from/to is the still, fully visible part, so sliding in and out is not counted. Motion is
// measured on block means, so a hand's tremor and sensor noise do not count, a slide does. Frames without a
// still document for at most `maxGapS` do not end a showing; a large movement between two still spans does
// (a document put away and another held up in the same place). The sharpest still frame (variance of the
// Laplacian inside the region) is the one to read. A document already in view at the first frame is part
// of the scene model and is not found.
import { iou } from '../../lib/geometry';
import { median, round } from '../../lib/numbers';
import type { NormBox } from './types';

export interface SelectConfig {
  /** Block edge in pixels of the grey frames. */
  block: number;
  /** A block counts as paper when its mean luma (0–255) is at least this. */
  paperLuma: number;
  /** A block changed when its mean luma moved this far from the scene model… */
  changeLuma: number;
  /** …or its edge energy (mean |dx| + |dy|) moved this far. */
  changeEdge: number;
  /** A block with at least this edge energy is text-like. */
  textEdge: number;
  /** A document region: share of the frame's blocks (min, max). */
  minAreaShare: number;
  maxAreaShare: number;
  /**
   * Region blocks / bounding-box blocks. A card seen face-on fills its box; held tilted by 10° a 1.6:1 card
   * fills 0.72 of it, and the partial blocks along its slanted edges (not bright enough to count) take that
   * to ≈ 0.55–0.6 on a 320 px frame.
   */
  minFill: number;
  /** Share of the box's blocks that are text-like. */
  minTextShare: number;
  /** Width / height of the region's box (min, max). */
  minAspect: number;
  maxAspect: number;
  /** Scene model adaptation per frame (0–1) outside documents. */
  adapt: number;
  /** Seconds a region may freeze the scene model under it before the model adapts anyway. */
  maxFreezeS: number;
  /**
   * Seconds a changed paper block is kept out of the scene model although no document was found there yet.
   * A card laid over something as bright as itself (a white shirt, a white desk) changes only where its
   * print and rim are; without this hold the model absorbs it in ~2 s, before it has been found still twice.
   */
  holdChangedS: number;
  /** Share of blocks whose luma changed by `changeLuma` since the previous frame that makes a cut: the scene model is reset. */
  cutShare: number;
  /** Still: mean |Δ| of the block means inside the region since the previous frame at most this… */
  stillMotion: number;
  /** …and the region's box overlaps the previous one at least this much (IoU). */
  stillIou: number;
  /** Frames without a still document for at most this long do not end a showing… */
  maxGapS: number;
  /** …unless the document moved this much (mean |Δ| of block means): put away, maybe another held up. */
  interruptMotion: number;
  /**
   * Showings with fewer still frames are dropped. 1: a document still in a single frame is read and reported
   * as brief (so illegible): a reviewer looking at a glimpse beats a required document "never shown".
   */
  minFrames: number;
  /** Two still spans whose regions overlap less than this (IoU) are different showings. */
  sameIou: number;
}

export const DEFAULT_SELECT_CONFIG: SelectConfig = {
  block: 8,
  paperLuma: 150,
  changeLuma: 20,
  changeEdge: 18,
  textEdge: 10,
  minAreaShare: 0.012,
  maxAreaShare: 0.6,
  minFill: 0.5,
  minTextShare: 0.35,
  minAspect: 0.4,
  maxAspect: 3.2,
  adapt: 0.1,
  maxFreezeS: 60,
  holdChangedS: 3,
  cutShare: 0.5,
  stillMotion: 9,
  stillIou: 0.6,
  maxGapS: 0.6,
  interruptMotion: 20,
  minFrames: 1,
  sameIou: 0.3,
};

interface GrayFrame {
  t: number;
  index: number;
  width: number;
  height: number;
  /** One byte per pixel, row-major. */
  data: Buffer;
}

/** What the selector saw in one frame. */
interface FrameLook {
  t: number;
  index: number;
  region: NormBox | null;
  /** Share of the region's box that is text-like (0 when no region). */
  text: number;
  fill: number;
  /** Variance of the Laplacian inside the region (grey levels²). */
  sharpness: number;
  /** Mean |Δ| of the block means inside the region since the previous frame. */
  motion: number;
  still: boolean;
  /** The scene model was reset here (a cut or a sudden camera move). */
  cut: boolean;
}

interface ShowingFrame {
  index: number;
  t: number;
  region: NormBox;
  sharpness: number;
}

/** A document held still in view: [from, to) covers its still frames. */
export interface Showing {
  id: number;
  from: number;
  to: number;
  /** Still frames seen. */
  frames: number;
  /** The region over the showing (median of the still frames' boxes). */
  region: NormBox;
  /** The sharpest still frame: the one to read. */
  best: ShowingFrame;
  /** Median sharpness of the still frames. */
  sharpness: number;
  /** Mean text-like share of the still frames. */
  text: number;
}

/** A change of the best frame of an open showing: the frame at `index` is now the one to keep. */
interface BestChange {
  showingId: number;
  frame: ShowingFrame;
}

interface OpenShowing {
  id: number;
  from: number;
  lastStill: number;
  /** A moving document was seen since the last still frame. */
  interrupted: boolean;
  boxes: NormBox[];
  sharpness: number[];
  text: number[];
  best: ShowingFrame;
}

export class DocumentSelector {
  private readonly closed: Showing[] = [];
  private open: OpenShowing | null = null;
  private nextId = 1;
  private bw = 0;
  private bh = 0;
  /** Frame size in pixels (the block grid may stop short of the right and bottom edges). */
  private fw = 1;
  private fh = 1;
  private mu = new Float32Array(0);
  private edge = new Float32Array(0);
  private muBg = new Float32Array(0);
  private edgeBg = new Float32Array(0);
  private muPrev = new Float32Array(0);
  /** Per block: since when it has been a changed paper block (NaN: not changed). */
  private changedSince = new Float64Array(0);
  private prev: Buffer | null = null;
  private prevRegion: NormBox | null = null;
  private regionSince = 0;
  private frameStep = 0;
  private lastT = -Infinity;

  constructor(readonly config: SelectConfig = DEFAULT_SELECT_CONFIG) {}

  /** Looks at one grey frame; returns what it saw and, when the open showing's best frame changed, that. */
  push(frame: GrayFrame): { look: FrameLook; best?: BestChange; closed?: Showing } {
    const c = this.config;
    const { width, height, data } = frame;
    if (data.length < width * height) throw new RangeError(`grey frame holds ${data.length} bytes, want ${width * height}`);
    if (Number.isFinite(this.lastT) && frame.t > this.lastT) this.frameStep = this.frameStep ? Math.min(this.frameStep, frame.t - this.lastT) : frame.t - this.lastT;
    this.lastT = frame.t;
    const first = this.blockStats(frame);
    const n = this.bw * this.bh;

    let cut = false;
    if (first) {
      this.muBg.set(this.mu);
      this.edgeBg.set(this.edge);
    } else {
      let jumped = 0;
      for (let b = 0; b < n; b++) if (Math.abs(this.mu[b]! - this.muPrev[b]!) >= c.changeLuma) jumped++;
      if (jumped >= c.cutShare * n) {
        cut = true;
        this.changedSince.fill(NaN);
        this.muBg.set(this.mu);
        this.edgeBg.set(this.edge);
      }
    }

    const found = first || cut ? null : this.findRegion(frame.t);
    let region: NormBox | null = null;
    let sharpness = 0;
    let motion = 0;
    let still = false;
    if (found) {
      region = found.box;
      sharpness = laplacianVariance(data, width, height, shrink(region, 0.06));
      motion = this.prev ? this.blockMotion(region) : Infinity;
      still = !!this.prevRegion && iou(region, this.prevRegion) >= c.stillIou && motion <= c.stillMotion;
    }

    // The scene model adapts everywhere except under a document (for at most maxFreezeS).
    if (region && !this.prevRegion) this.regionSince = frame.t;
    const freeze = region && frame.t - this.regionSince <= c.maxFreezeS ? this.blockRect(region, 1) : null;
    if (!first && !cut) {
      for (let by = 0; by < this.bh; by++) {
        for (let bx = 0; bx < this.bw; bx++) {
          if (freeze && bx >= freeze.x0 && bx <= freeze.x1 && by >= freeze.y0 && by <= freeze.y1) continue;
          const b = by * this.bw + bx;
          if (frame.t - this.changedSince[b]! <= c.holdChangedS) continue;
          this.muBg[b]! += c.adapt * (this.mu[b]! - this.muBg[b]!);
          this.edgeBg[b]! += c.adapt * (this.edge[b]! - this.edgeBg[b]!);
        }
      }
    }
    this.muPrev.set(this.mu);
    this.prev = Buffer.from(data.subarray(0, width * height));
    this.prevRegion = region;

    const look: FrameLook = {
      t: frame.t,
      index: frame.index,
      region,
      text: found ? round(found.text, 3) : 0,
      fill: found ? round(found.fill, 3) : 0,
      sharpness: Math.round(sharpness),
      motion: Number.isFinite(motion) ? round(motion, 3) : -1,
      still,
      cut,
    };
    return { look, ...this.group(look, found?.text ?? 0) };
  }

  /** The block grid and the scene model, for diagnostics. */
  blocks(): { bw: number; bh: number; mu: Float32Array; edge: Float32Array; muBg: Float32Array; edgeBg: Float32Array } {
    return { bw: this.bw, bh: this.bh, mu: this.mu, edge: this.edge, muBg: this.muBg, edgeBg: this.edgeBg };
  }

  /** The showing still open (its best frame so far), if any. */
  current(): Showing | null {
    return this.open ? this.summarise(this.open) : null;
  }

  /** Ends the open showing; returns every showing, in time order. */
  finish(): Showing[] {
    if (this.open && this.open.boxes.length >= this.config.minFrames) this.closed.push(this.summarise(this.open));
    this.open = null;
    return [...this.closed];
  }

  private group(look: FrameLook, text: number): { best?: BestChange; closed?: Showing } {
    const c = this.config;
    const step = this.frameStep || 0.25;
    let closed: Showing | undefined;
    const close = (): void => {
      if (!this.open) return;
      if (this.open.boxes.length >= c.minFrames) {
        closed = this.summarise(this.open);
        this.closed.push(closed);
      }
      this.open = null;
    };
    if (this.open && (look.cut || look.t - this.open.lastStill > c.maxGapS + step / 2)) close();
    if (look.region && !look.still && look.motion >= c.interruptMotion && this.open) this.open.interrupted = true;
    if (!look.region || !look.still) return closed ? { closed } : {};

    const region = look.region;
    const frame: ShowingFrame = { index: look.index, t: look.t, region, sharpness: look.sharpness };
    const o = this.open;
    if (o && !o.interrupted && iou(region, o.boxes.at(-1)!) >= c.sameIou) {
      o.lastStill = look.t;
      o.boxes.push(region);
      o.sharpness.push(look.sharpness);
      o.text.push(text);
      if (look.sharpness > o.best.sharpness) {
        o.best = frame;
        return { best: { showingId: o.id, frame }, ...(closed ? { closed } : {}) };
      }
      return closed ? { closed } : {};
    }
    close();
    const id = this.nextId++;
    this.open = { id, from: look.t, lastStill: look.t, interrupted: false, boxes: [region], sharpness: [look.sharpness], text: [text], best: frame };
    return { best: { showingId: id, frame }, ...(closed ? { closed } : {}) };
  }

  private summarise(o: OpenShowing): Showing {
    const step = this.frameStep || 0.25;
    const region = {
      x: median(o.boxes.map((b) => b.x)),
      y: median(o.boxes.map((b) => b.y)),
      w: median(o.boxes.map((b) => b.w)),
      h: median(o.boxes.map((b) => b.h)),
    };
    return {
      id: o.id,
      from: round(o.from, 3),
      to: round(o.lastStill + step, 3),
      frames: o.boxes.length,
      region: roundBox(region),
      best: o.best,
      sharpness: Math.round(median(o.sharpness)),
      text: round(o.text.reduce((a, b) => a + b, 0) / o.text.length, 3),
    };
  }

  /** Block means and edge energies; true on the first frame (or a size change), which resets the model. */
  private blockStats(frame: GrayFrame): boolean {
    const B = this.config.block;
    const bw = Math.floor(frame.width / B);
    const bh = Math.floor(frame.height / B);
    const reset = bw !== this.bw || bh !== this.bh || this.mu.length === 0;
    if (reset) {
      this.bw = bw;
      this.bh = bh;
      this.mu = new Float32Array(bw * bh);
      this.edge = new Float32Array(bw * bh);
      this.muBg = new Float32Array(bw * bh);
      this.edgeBg = new Float32Array(bw * bh);
      this.muPrev = new Float32Array(bw * bh);
      this.changedSince = new Float64Array(bw * bh).fill(NaN);
      this.prev = null;
      this.prevRegion = null;
    }
    const { width: w, data } = frame;
    this.fw = frame.width;
    this.fh = frame.height;
    const area = B * B;
    for (let by = 0; by < bh; by++) {
      for (let bx = 0; bx < bw; bx++) {
        let sum = 0;
        let grad = 0;
        for (let y = by * B; y < (by + 1) * B; y++) {
          const row = y * w;
          const below = y + 1 < frame.height ? row + w : row;
          for (let x = bx * B; x < (bx + 1) * B; x++) {
            const v = data[row + x]!;
            sum += v;
            const right = x + 1 < w ? data[row + x + 1]! : v;
            grad += Math.abs(right - v) + Math.abs(data[below + x]! - v);
          }
        }
        this.mu[by * bw + bx] = sum / area;
        this.edge[by * bw + bx] = grad / area;
      }
    }
    return reset;
  }

  /** Mean |Δ| of block means inside a region since the previous frame: blind to sub-block tremor and noise, not to a slide. */
  private blockMotion(box: NormBox): number {
    const r = this.blockRect(box, 0);
    let sum = 0;
    let n = 0;
    for (let by = r.y0; by <= r.y1; by++) {
      for (let bx = r.x0; bx <= r.x1; bx++) {
        const b = by * this.bw + bx;
        sum += Math.abs(this.mu[b]! - this.muPrev[b]!);
        n++;
      }
    }
    return n ? sum / n : 0;
  }

  private blockRect(box: NormBox, pad: number): { x0: number; y0: number; x1: number; y1: number } {
    const sx = this.fw / this.config.block;
    const sy = this.fh / this.config.block;
    return {
      x0: Math.max(0, Math.floor(box.x * sx) - pad),
      y0: Math.max(0, Math.floor(box.y * sy) - pad),
      x1: Math.min(this.bw - 1, Math.ceil((box.x + box.w) * sx) - 1 + pad),
      y1: Math.min(this.bh - 1, Math.ceil((box.y + box.h) * sy) - 1 + pad),
    };
  }

  /** The largest changed, bright, rectangular, text-like region of blocks, if any. */
  private findRegion(t: number): { box: NormBox; text: number; fill: number } | null {
    const c = this.config;
    const { bw, bh } = this;
    const n = bw * bh;
    const cand = new Uint8Array(n);
    for (let by = 0; by < bh; by++) {
      for (let bx = 0; bx < bw; bx++) {
        const b = by * bw + bx;
        if (this.mu[b]! < c.paperLuma) continue;
        // Against the scene model around the block too: a sway or drift shorter than a block is no change.
        let dMu = Infinity;
        let dEdge = Infinity;
        for (let y = Math.max(0, by - 1); y <= Math.min(bh - 1, by + 1); y++) {
          for (let x = Math.max(0, bx - 1); x <= Math.min(bw - 1, bx + 1); x++) {
            dMu = Math.min(dMu, Math.abs(this.mu[b]! - this.muBg[y * bw + x]!));
            dEdge = Math.min(dEdge, Math.abs(this.edge[b]! - this.edgeBg[y * bw + x]!));
          }
        }
        cand[b] = dMu >= c.changeLuma || dEdge >= c.changeEdge ? 1 : 0;
      }
    }
    for (let b = 0; b < n; b++) {
      if (!cand[b]) this.changedSince[b] = NaN;
      else if (Number.isNaN(this.changedSince[b]!)) this.changedSince[b] = t;
    }
    const mask = close3(cand, bw, bh);
    const label = new Int32Array(n).fill(-1);
    let best: { box: NormBox; text: number; fill: number; count: number } | null = null;
    const stack: number[] = [];
    for (let s = 0; s < n; s++) {
      if (!mask[s] || label[s]! >= 0) continue;
      let count = 0;
      let x0 = bw;
      let y0 = bh;
      let x1 = -1;
      let y1 = -1;
      label[s] = s;
      stack.push(s);
      while (stack.length) {
        const b = stack.pop()!;
        count++;
        const bx = b % bw;
        const by = (b - bx) / bw;
        x0 = Math.min(x0, bx);
        x1 = Math.max(x1, bx);
        y0 = Math.min(y0, by);
        y1 = Math.max(y1, by);
        const next = [bx > 0 ? b - 1 : -1, bx < bw - 1 ? b + 1 : -1, by > 0 ? b - bw : -1, by < bh - 1 ? b + bw : -1];
        for (const nb of next) {
          if (nb >= 0 && mask[nb] && label[nb]! < 0) {
            label[nb] = s;
            stack.push(nb);
          }
        }
      }
      const boxBlocks = (x1 - x0 + 1) * (y1 - y0 + 1);
      const share = count / n;
      const fill = count / boxBlocks;
      // Blocks are square: the box's aspect in blocks is its aspect in pixels.
      const aspect = (x1 - x0 + 1) / (y1 - y0 + 1);
      if (share < c.minAreaShare || share > c.maxAreaShare || fill < c.minFill) continue;
      if (aspect < c.minAspect || aspect > c.maxAspect) continue;
      let textBlocks = 0;
      for (let by = y0; by <= y1; by++) {
        for (let bx = x0; bx <= x1; bx++) {
          const b = by * bw + bx;
          if (this.edge[b]! >= c.textEdge && this.mu[b]! >= c.paperLuma * 0.7) textBlocks++;
        }
      }
      const text = textBlocks / boxBlocks;
      if (text < c.minTextShare) continue;
      if (!best || count > best.count) {
        const B = c.block;
        const box = { x: (x0 * B) / this.fw, y: (y0 * B) / this.fh, w: ((x1 - x0 + 1) * B) / this.fw, h: ((y1 - y0 + 1) * B) / this.fh };
        best = { box, text, fill, count };
      }
    }
    return best && { box: best.box, text: best.text, fill: best.fill };
  }
}

/** A 3 × 3 closing (dilate then erode) of a block mask: fills the gaps between text lines. */
function close3(mask: Uint8Array, w: number, h: number): Uint8Array {
  const morph = (src: Uint8Array, dilate: boolean): Uint8Array => {
    const out = new Uint8Array(src.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let v = dilate ? 0 : 1;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            const yy = y + dy;
            // Outside the grid: neutral for dilation, "set" for erosion (a card at the frame edge keeps its rim).
            const s = xx < 0 || yy < 0 || xx >= w || yy >= h ? (dilate ? 0 : 1) : src[yy * w + xx]!;
            if (dilate ? s : !s) {
              v = dilate ? 1 : 0;
            }
          }
        }
        out[y * w + x] = v;
      }
    }
    return out;
  };
  return morph(morph(mask, true), false);
}

function shrink(b: NormBox, f: number): NormBox {
  return { x: b.x + b.w * f, y: b.y + b.h * f, w: b.w * (1 - 2 * f), h: b.h * (1 - 2 * f) };
}

function roundBox(b: NormBox): NormBox {
  return { x: round(b.x, 4), y: round(b.y, 4), w: round(b.w, 4), h: round(b.h, 4) };
}

function pixelRect(b: NormBox, width: number, height: number): { x0: number; y0: number; x1: number; y1: number } {
  return {
    x0: Math.max(1, Math.floor(b.x * width)),
    y0: Math.max(1, Math.floor(b.y * height)),
    x1: Math.min(width - 1, Math.ceil((b.x + b.w) * width)),
    y1: Math.min(height - 1, Math.ceil((b.y + b.h) * height)),
  };
}

/** Variance of the 4-neighbour Laplacian over a region of a grey frame: high for crisp print, low for blur. */
export function laplacianVariance(data: Buffer, width: number, height: number, region: NormBox): number {
  const { x0, y0, x1, y1 } = pixelRect(region, width, height);
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let y = y0; y < y1 - 1; y++) {
    for (let x = x0; x < x1 - 1; x++) {
      const i = y * width + x;
      const lap = data[i - 1]! + data[i + 1]! + data[i - width]! + data[i + width]! - 4 * data[i]!;
      sum += lap;
      sum2 += lap * lap;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sum2 / n - mean * mean;
}

