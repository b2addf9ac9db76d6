// Pixel work shared by the models: packed RGB24 frames in, planar float32 tensors (values 0–255) out, and
// a bilinear resize (OCR input enlarged).
// Coordinates follow the usual convention: pixel (i, j) has its centre at (i, j), so the frame spans
// [-0.5, width - 0.5] horizontally.
import type { Rect } from '../lib/geometry';

type ChannelOrder = 'rgb' | 'bgr';

/** A packed RGB24 image resized to w × h, bilinear (pixel centres aligned, edges clamped). */
export function resizeBilinear(rgb: Uint8Array, width: number, height: number, w: number, h: number): Buffer {
  const out = Buffer.allocUnsafe(w * h * 3);
  const sx = width / w;
  const sy = height / h;
  for (let y = 0; y < h; y++) {
    const fy = Math.max(0, Math.min(height - 1, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.max(0, Math.min(width - 1, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(width - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const a = rgb[(y0 * width + x0) * 3 + c]!;
        const b = rgb[(y0 * width + x1) * 3 + c]!;
        const d = rgb[(y1 * width + x0) * 3 + c]!;
        const e = rgb[(y1 * width + x1) * 3 + c]!;
        out[(y * w + x) * 3 + c] = Math.round((a * (1 - wx) + b * wx) * (1 - wy) + (d * (1 - wx) + e * wx) * wy);
      }
    }
  }
  return out;
}

export function checkFrame(rgb: Uint8Array, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`frame size must be positive integers, got ${width}×${height}`);
  }
  if (rgb.length !== width * height * 3) {
    throw new RangeError(`a ${width}×${height} RGB24 frame has ${width * height * 3} bytes, got ${rgb.length}`);
  }
}

/** Tensor offsets of the red and blue planes (green is always the middle plane). */
function planeOffsets(order: ChannelOrder, plane: number): { red: number; blue: number } {
  return order === 'rgb' ? { red: 0, blue: 2 * plane } : { red: 2 * plane, blue: 0 };
}

interface Taps {
  /** taps per output sample */
  n: number;
  index: Int32Array;
  weight: Float32Array;
}

/**
 * Resampling weights along one axis: a triangle filter whose support widens with the reduction factor
 * (bilinear when enlarging, an averaging filter when shrinking, so small text/edges do not alias).
 */
function axisTaps(outN: number, srcStart: number, scale: number, srcLimit: number): Taps {
  const radius = scale < 1 ? 1 / scale : 1;
  const n = 2 * Math.ceil(radius) + 1;
  const index = new Int32Array(outN * n);
  const weight = new Float32Array(outN * n);
  for (let i = 0; i < outN; i++) {
    const centre = srcStart + (i + 0.5) / scale - 0.5;
    const lo = Math.ceil(centre - radius);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const j = lo + k;
      const w = Math.max(0, 1 - Math.abs(j - centre) / radius);
      index[i * n + k] = Math.min(srcLimit - 1, Math.max(0, j));
      weight[i * n + k] = w;
      sum += w;
    }
    for (let k = 0; k < n; k++) weight[i * n + k] = weight[i * n + k]! / (sum || 1);
  }
  return { n, index, weight };
}

/**
 * Writes `region` of the frame, scaled by `scale`, into the top-left corner of a planar [3, size, size]
 * tensor (the rest stays 0: black padding). Returns the extent written (output pixels).
 */
export function regionToPlanar(
  rgb: Uint8Array,
  width: number,
  height: number,
  region: Rect,
  scale: number,
  out: Float32Array,
  size: number,
  order: ChannelOrder,
): { w: number; h: number } {
  const plane = size * size;
  if (out.length !== 3 * plane) throw new RangeError(`tensor must hold 3×${size}×${size} values`);
  out.fill(0);
  const ow = Math.min(size, Math.round(region.w * scale));
  const oh = Math.min(size, Math.round(region.h * scale));
  const { red, blue } = planeOffsets(order, plane);
  if (scale === 1 && Number.isInteger(region.x) && Number.isInteger(region.y)) {
    for (let y = 0; y < oh; y++) {
      const sy = Math.min(height - 1, region.y + y);
      let src = (sy * width + region.x) * 3;
      let dst = y * size;
      for (let x = 0; x < ow; x++, src += 3, dst++) {
        out[dst + red] = rgb[src]!;
        out[dst + plane] = rgb[src + 1]!;
        out[dst + blue] = rgb[src + 2]!;
      }
    }
    return { w: ow, h: oh };
  }
  const tx = axisTaps(ow, region.x, scale, width);
  const ty = axisTaps(oh, region.y, scale, height);
  // Rows the vertical pass reads, filtered horizontally once each.
  let rowLo = height;
  let rowHi = -1;
  for (let i = 0; i < ty.index.length; i++) {
    rowLo = Math.min(rowLo, ty.index[i]!);
    rowHi = Math.max(rowHi, ty.index[i]!);
  }
  const rows = rowHi - rowLo + 1;
  const mid = new Float32Array(rows * ow * 3);
  for (let r = 0; r < rows; r++) {
    const rowBase = (rowLo + r) * width * 3;
    let m = r * ow * 3;
    for (let x = 0; x < ow; x++, m += 3) {
      let a = 0;
      let b = 0;
      let c = 0;
      for (let k = 0; k < tx.n; k++) {
        const w = tx.weight[x * tx.n + k]!;
        if (w === 0) continue;
        const p = rowBase + tx.index[x * tx.n + k]! * 3;
        a += w * rgb[p]!;
        b += w * rgb[p + 1]!;
        c += w * rgb[p + 2]!;
      }
      mid[m] = a;
      mid[m + 1] = b;
      mid[m + 2] = c;
    }
  }
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < ty.n; k++) {
        const w = ty.weight[y * ty.n + k]!;
        if (w === 0) continue;
        const m = ((ty.index[y * ty.n + k]! - rowLo) * ow + x) * 3;
        r += w * mid[m]!;
        g += w * mid[m + 1]!;
        b += w * mid[m + 2]!;
      }
      const dst = y * size + x;
      out[dst + red] = r;
      out[dst + plane] = g;
      out[dst + blue] = b;
    }
  }
  return { w: ow, h: oh };
}

/** 2×3 affine map [a, b, c, d, e, f]: (x, y) → (a·x + b·y + c, d·x + e·y + f). */
export type Affine = [number, number, number, number, number, number];

export function invertAffine([a, b, c, d, e, f]: Affine): Affine {
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-12) throw new RangeError('affine map is not invertible');
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/**
 * Fills a planar [3, size, size] tensor with the frame seen through `dstToSrc` (output pixel → frame
 * position), sampling bilinearly; outside the frame is black. When the map shrinks the picture by more
 * than 1.5×, each output pixel averages an n×n grid of bilinear samples over its footprint.
 */
export function warpToPlanar(
  rgb: Uint8Array,
  width: number,
  height: number,
  dstToSrc: Affine,
  out: Float32Array,
  size: number,
  order: ChannelOrder,
): void {
  const plane = size * size;
  if (out.length !== 3 * plane) throw new RangeError(`tensor must hold 3×${size}×${size} values`);
  const [a, b, c, d, e, f] = dstToSrc;
  const footprint = Math.sqrt(Math.abs(a * e - b * d));
  const n = footprint > 1.5 ? Math.min(4, Math.ceil(footprint)) : 1;
  const { red, blue } = planeOffsets(order, plane);
  let r = 0;
  let g = 0;
  let bl = 0;
  const sample = (sx: number, sy: number): void => {
    const x0 = Math.floor(sx);
    const y0 = Math.floor(sy);
    const fx = sx - x0;
    const fy = sy - y0;
    for (let j = 0; j < 2; j++) {
      const yy = y0 + j;
      if (yy < 0 || yy >= height) continue;
      const wy = j === 0 ? 1 - fy : fy;
      for (let i = 0; i < 2; i++) {
        const xx = x0 + i;
        if (xx < 0 || xx >= width) continue;
        const w = wy * (i === 0 ? 1 - fx : fx);
        if (w === 0) continue;
        const p = (yy * width + xx) * 3;
        r += w * rgb[p]!;
        g += w * rgb[p + 1]!;
        bl += w * rgb[p + 2]!;
      }
    }
  };
  const inv = 1 / (n * n);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      r = g = bl = 0;
      for (let sj = 0; sj < n; sj++) {
        const v = y + (sj + 0.5) / n - 0.5;
        for (let si = 0; si < n; si++) {
          const u = x + (si + 0.5) / n - 0.5;
          sample(a * u + b * v + c, d * u + e * v + f);
        }
      }
      const dst = y * size + x;
      out[dst + red] = r * inv;
      out[dst + plane] = g * inv;
      out[dst + blue] = bl * inv;
    }
  }
}
