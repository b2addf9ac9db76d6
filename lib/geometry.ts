// Overlap of axis-aligned rectangles (the face detector's suppression, the face tracker, the document
// selector) and the similarity of unit vectors (face identities, clock digit glyphs). A leaf: imports nothing.

/** A rectangle by its top-left corner and size, in any one unit (pixels, or shares of the frame). */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Area, a negative side counting as none. */
function rectArea(r: Rect): number {
  return Math.max(0, r.w) * Math.max(0, r.h);
}

/** Area of the part two rectangles share. */
export function intersectionArea(a: Rect, b: Rect): number {
  const iw = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const ih = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  return iw * ih;
}

/** Intersection over union, 0–1; 0 when both are empty. */
export function iou(a: Rect, b: Rect): number {
  const inter = intersectionArea(a, b);
  const union = rectArea(a) + rectArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** Cosine similarity of two L2-normalised vectors (e.g. face features as the embedder returns them): their dot product, over the shorter one. */
export function unitCosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) dot += a[i]! * b[i]!;
  return dot;
}
