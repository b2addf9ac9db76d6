// Plane geometry for text boxes: convex hull, minimum-area rectangle, corner order, and the projective warp
// that cuts a (possibly rotated) line out of a frame at the recognizer's input height.
import type { Point } from './types';

function cross(o: Point, a: Point, b: Point): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** Convex hull (Andrew's monotone chain), counter-clockwise in a y-up sense, no repeated or collinear points. */
export function convexHull(points: readonly Point[]): Point[] {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length <= 2) return pts.filter((p, i) => i === 0 || p[0] !== pts[i - 1]![0] || p[1] !== pts[i - 1]![1]);
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return [...lower, ...upper];
}

export interface RotatedRect {
  centre: Point;
  /** Unit vector along the side called `width`. */
  axis: Point;
  width: number;
  height: number;
}

/**
 * The smallest-area rectangle holding `points` (rotating calipers over the hull's edges: the optimal
 * rectangle has a side on some hull edge). Degenerate inputs give zero-width/height rectangles.
 */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) throw new RangeError('minAreaRect of no points');
  if (hull.length === 1) return { centre: [hull[0]![0], hull[0]![1]], axis: [1, 0], width: 0, height: 0 };
  let best: RotatedRect | undefined;
  let bestArea = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len === 0) continue;
    const ux = (b[0] - a[0]) / len;
    const uy = (b[1] - a[1]) / len;
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const p of hull) {
      const u = p[0] * ux + p[1] * uy;
      const v = -p[0] * uy + p[1] * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea - 1e-9) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { centre: [cu * ux - cv * uy, cu * uy + cv * ux], axis: [ux, uy], width: maxU - minU, height: maxV - minV };
    }
  }
  return best!;
}

/** Grows a rectangle by `d` on every side. */
export function growRect(r: RotatedRect, d: number): RotatedRect {
  return { ...r, width: r.width + 2 * d, height: r.height + 2 * d };
}

/**
 * The four corners of a rotated rectangle in reading order: top-left, top-right, bottom-right, bottom-left.
 * "Across" is whichever side is nearer to horizontal (ties at 45° go to the longer side).
 */
export function rectCorners(r: RotatedRect): Point[] {
  let [ux, uy] = r.axis;
  let w = r.width;
  let h = r.height;
  // The perpendicular axis; pick the more horizontal of the two as the reading direction.
  let vx = -uy;
  let vy = ux;
  const uH = Math.abs(ux);
  const vH = Math.abs(vx);
  if (vH > uH + 1e-9 || (Math.abs(vH - uH) <= 1e-9 && h > w)) {
    [ux, uy, vx, vy] = [vx, vy, ux, uy];
    [w, h] = [h, w];
  }
  if (ux < 0 || (ux === 0 && uy < 0)) {
    ux = -ux;
    uy = -uy;
  }
  // v points "down" in image coordinates (y grows downwards).
  if (vy < 0 || (vy === 0 && vx < 0)) {
    vx = -vx;
    vy = -vy;
  }
  const [cx, cy] = r.centre;
  const hw = w / 2;
  const hh = h / 2;
  const at = (su: number, sv: number): Point => [cx + su * hw * ux + sv * hh * vx, cy + su * hw * uy + sv * hh * vy];
  return [at(-1, -1), at(1, -1), at(1, 1), at(-1, 1)];
}

/** Point-in-convex-polygon (either winding), boundary included. */
export function insideConvex(poly: readonly Point[], x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % poly.length]!;
    const c = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
    if (Math.abs(c) < 1e-9) continue;
    const s = c > 0 ? 1 : -1;
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}

/** 3×3 projective transform, row-major, mapping (u, v, 1) → (x, y, w). */
type Homography = Float64Array;

/** The homography taking the 4 `from` points to the 4 `to` points (Gaussian elimination on the 8×8 system). */
export function homography(from: readonly Point[], to: readonly Point[]): Homography {
  if (from.length !== 4 || to.length !== 4) throw new RangeError('homography needs 4 point pairs');
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [u, v] = from[i]!;
    const [x, y] = to[i]!;
    a.push([u, v, 1, 0, 0, 0, -u * x, -v * x, x]);
    a.push([0, 0, 0, u, v, 1, -u * y, -v * y, y]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-12) throw new RangeError('homography: degenerate corners');
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const row = a[col]!;
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const other = a[r]!;
      const f = other[col]! / row[col]!;
      if (f === 0) continue;
      for (let k = col; k < 9; k++) other[k] = other[k]! - f * row[k]!;
    }
  }
  const h = new Float64Array(9);
  for (let i = 0; i < 8; i++) h[i] = a[i]![8]! / a[i]![i]!;
  h[8] = 1;
  return h;
}

export function applyHomography(h: Homography, u: number, v: number): Point {
  const w = h[6]! * u + h[7]! * v + h[8]!;
  return [(h[0]! * u + h[1]! * v + h[2]!) / w, (h[3]! * u + h[4]! * v + h[5]!) / w];
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/**
 * Cuts the quadrilateral `quad` (TL, TR, BR, BL, frame pixels) out of a packed RGB24 frame into an
 * outW × outH packed RGB float image (0–255). Each output pixel averages n×n bilinear samples, n growing
 * with the reduction (so a tall line shrunk to 48 px does not alias); samples outside the frame take the
 * nearest edge pixel.
 */
export function warpQuad(rgb: Uint8Array, width: number, height: number, quad: readonly Point[], outW: number, outH: number): Float32Array {
  const h = homography(
    [
      [0, 0],
      [outW, 0],
      [outW, outH],
      [0, outH],
    ],
    quad,
  );
  const reduction = Math.max(distance(quad[0]!, quad[1]!) / outW, distance(quad[3]!, quad[2]!) / outW, distance(quad[0]!, quad[3]!) / outH, distance(quad[1]!, quad[2]!) / outH);
  const n = Math.min(4, Math.max(1, Math.ceil(reduction - 0.25)));
  const out = new Float32Array(outW * outH * 3);
  const maxX = width - 1;
  const maxY = height - 1;
  const inv = 1 / (n * n);
  for (let j = 0; j < outH; j++) {
    for (let i = 0; i < outW; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sj = 0; sj < n; sj++) {
        for (let si = 0; si < n; si++) {
          const [x, y] = applyHomography(h, i + (si + 0.5) / n, j + (sj + 0.5) / n);
          const cx = Math.min(maxX, Math.max(0, x));
          const cy = Math.min(maxY, Math.max(0, y));
          const x0 = Math.min(maxX, Math.floor(cx));
          const y0 = Math.min(maxY, Math.floor(cy));
          const x1 = Math.min(maxX, x0 + 1);
          const y1 = Math.min(maxY, y0 + 1);
          const fx = cx - x0;
          const fy = cy - y0;
          const p00 = (y0 * width + x0) * 3;
          const p10 = (y0 * width + x1) * 3;
          const p01 = (y1 * width + x0) * 3;
          const p11 = (y1 * width + x1) * 3;
          const w00 = (1 - fx) * (1 - fy);
          const w10 = fx * (1 - fy);
          const w01 = (1 - fx) * fy;
          const w11 = fx * fy;
          r += rgb[p00]! * w00 + rgb[p10]! * w10 + rgb[p01]! * w01 + rgb[p11]! * w11;
          g += rgb[p00 + 1]! * w00 + rgb[p10 + 1]! * w10 + rgb[p01 + 1]! * w01 + rgb[p11 + 1]! * w11;
          b += rgb[p00 + 2]! * w00 + rgb[p10 + 2]! * w10 + rgb[p01 + 2]! * w01 + rgb[p11 + 2]! * w11;
        }
      }
      const o = (j * outW + i) * 3;
      out[o] = r * inv;
      out[o + 1] = g * inv;
      out[o + 2] = b * inv;
    }
  }
  return out;
}
