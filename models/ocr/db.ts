// DB (differentiable binarization) post-processing: from the detector's text-probability map to boxes.
//
// The detector marks a *shrunk* core of every text line (training shrank each polygon by
// D = A·(1 − 0.4²)/L); this turns the map into boxes: threshold (+ a 2×2 dilation), 8-connected components,
// the minimum-area rectangle of each component's pixel centres, a score (mean probability inside that
// rectangle), and the "unclip" that grows the rectangle back by D = A·r/L (area A, perimeter L, ratio r).
// For a rectangle the polygon offset by D has the rectangle grown by D on each side as its minimum-area
// rectangle, so no general polygon clipper is needed.
import { growRect, insideConvex, minAreaRect, rectCorners, type RotatedRect } from './geometry';
import type { Point } from './types';

export interface DbOptions {
  /** Probability above which a map pixel is text. Default 0.3. */
  binThreshold?: number;
  /** Mean probability inside a box below which it is dropped. Default 0.5. */
  boxThreshold?: number;
  /** How far shrunk cores are grown back (D = area·ratio/perimeter). Default 1.6. */
  unclipRatio?: number;
  /** Boxes with a side shorter than this (map pixels, before unclipping) are dropped. Default 3. */
  minSize?: number;
  /** At most this many components are looked at (largest first). Default 1000. */
  maxCandidates?: number;
  /** Dilate the binary map with a 2×2 kernel first (joins characters split by a thin gap). Default true. */
  dilate?: boolean;
}

export const DB_DEFAULTS: Required<DbOptions> = {
  binThreshold: 0.3,
  boxThreshold: 0.5,
  unclipRatio: 1.6,
  minSize: 3,
  maxCandidates: 1000,
  dilate: true,
};

interface DbBox {
  /** TL, TR, BR, BL in map pixels (pixel centres at integer coordinates). */
  corners: Point[];
  /** Mean probability inside the core rectangle. */
  score: number;
  /** The grown rectangle. */
  rect: RotatedRect;
}

interface Component {
  pixels: number;
  /** Per row y (from top): leftmost and rightmost x. */
  top: number;
  minX: Int32Array;
  maxX: Int32Array;
}

/** Binary map: prob > threshold, optionally dilated by a 2×2 kernel (anchor bottom-right, as OpenCV's). */
export function binarize(prob: Float32Array, w: number, h: number, threshold: number, dilate: boolean): Uint8Array {
  const bin = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) bin[i] = prob[i]! > threshold ? 1 : 0;
  if (!dilate) return bin;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      out[i] = bin[i]! | (x > 0 ? bin[i - 1]! : 0) | (y > 0 ? bin[i - w]! : 0) | (x > 0 && y > 0 ? bin[i - w - 1]! : 0);
    }
  }
  return out;
}

/** 8-connected components of a binary map, each as per-row extents. */
export function components(bin: Uint8Array, w: number, h: number): Component[] {
  const label = new Int32Array(w * h);
  const found: Component[] = [];
  const stack: number[] = [];
  let next = 0;
  for (let start = 0; start < w * h; start++) {
    if (!bin[start] || label[start]) continue;
    next++;
    label[start] = next;
    stack.push(start);
    let top = h;
    let bottom = -1;
    const rows = new Map<number, [number, number]>();
    let pixels = 0;
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % w;
      const y = (i - x) / w;
      pixels++;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
      const ext = rows.get(y);
      if (!ext) rows.set(y, [x, x]);
      else {
        if (x < ext[0]) ext[0] = x;
        if (x > ext[1]) ext[1] = x;
      }
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= w) continue;
          const j = ny * w + nx;
          if (bin[j] && !label[j]) {
            label[j] = next;
            stack.push(j);
          }
        }
      }
    }
    const n = bottom - top + 1;
    const minX = new Int32Array(n);
    const maxX = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const ext = rows.get(top + r)!; // 8-connected: every row between top and bottom has a pixel
      minX[r] = ext[0];
      maxX[r] = ext[1];
    }
    found.push({ pixels, top, minX, maxX });
  }
  return found;
}

/** Mean of `prob` over the map pixels whose centres lie inside the convex polygon. */
function meanInside(prob: Float32Array, w: number, h: number, poly: readonly Point[]): number {
  const xs = poly.map((p) => p[0]);
  const ys = poly.map((p) => p[1]);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(w - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(h - 1, Math.ceil(Math.max(...ys)));
  let sum = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (!insideConvex(poly, x, y)) continue;
      sum += prob[y * w + x]!;
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/** Unclip distance for a w×h rectangle: area · ratio / perimeter. */
export function unclipDistance(w: number, h: number, ratio: number): number {
  const perimeter = 2 * (w + h);
  return perimeter === 0 ? 0 : (w * h * ratio) / perimeter;
}

/** Text boxes in a w×h probability map (values 0–1). Best score first is not implied: map order. */
export function dbBoxes(prob: Float32Array, w: number, h: number, options: DbOptions = {}): DbBox[] {
  if (prob.length < w * h) throw new RangeError(`probability map holds ${prob.length} values, expected ${w}×${h}`);
  const o = { ...DB_DEFAULTS, ...options };
  const bin = binarize(prob, w, h, o.binThreshold, o.dilate);
  const comps = components(bin, w, h)
    .sort((a, b) => b.pixels - a.pixels)
    .slice(0, o.maxCandidates);
  const boxes: DbBox[] = [];
  for (const c of comps) {
    const pts: Point[] = [];
    for (let r = 0; r < c.minX.length; r++) {
      pts.push([c.minX[r]!, c.top + r]);
      if (c.maxX[r] !== c.minX[r]) pts.push([c.maxX[r]!, c.top + r]);
    }
    const core = minAreaRect(pts);
    if (Math.min(core.width, core.height) < o.minSize) continue;
    const score = meanInside(prob, w, h, rectCorners(core));
    if (score < o.boxThreshold) continue;
    const grown = growRect(core, unclipDistance(core.width, core.height, o.unclipRatio));
    if (Math.min(grown.width, grown.height) < o.minSize + 2) continue;
    boxes.push({ corners: rectCorners(grown), score, rect: grown });
  }
  return boxes;
}
