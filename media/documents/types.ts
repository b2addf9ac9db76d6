// Shapes shared by the documents analyser: frame selection, classification, field extraction, the burned-in
// clock and the decode-pass adapter. The OCR engine is seen through a structural interface (the engine in
// models/ocr satisfies it), so these modules and their tests need no model.
import type { DocumentType } from '../../lib/labelled';

/** A corner in frame pixels. */
export type Point = [number, number];

export interface OcrLineLike {
  text: string;
  /** 0–1: the recognizer's confidence in `text`. */
  score: number;
  /** Four corners in the pixels of the image given to the engine: TL, TR, BR, BL. */
  box: Point[];
}

export interface OcrEngineLike {
  readonly name?: string;
  readLines(rgb: Buffer, width: number, height: number, opts?: { signal?: AbortSignal }): Promise<OcrLineLike[]>;
  /** Reads given line boxes without detecting text first (one line per box, in order); engines that cannot, leave it out. */
  recognize?(rgb: Buffer, width: number, height: number, boxes: readonly { box: Point[]; detScore: number }[], opts?: { signal?: AbortSignal }): Promise<OcrLineLike[]>;
}

/** A rectangle normalised to the frame (0–1), so it holds for every tap size of one video. */
export interface NormBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A packed RGB24 image, with where it was cut from (frame pixels of the tap it came from). */
export interface RgbImage {
  width: number;
  height: number;
  rgb: Buffer;
}

export type { DocumentType };

/** Grows a box by `fx`/`fy` of its own size on each side, clipped to the frame. */
export function padBox(b: NormBox, fx: number, fy: number = fx): NormBox {
  const x0 = Math.max(0, b.x - b.w * fx);
  const y0 = Math.max(0, b.y - b.h * fy);
  const x1 = Math.min(1, b.x + b.w * (1 + fx));
  const y1 = Math.min(1, b.y + b.h * (1 + fy));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** Integer pixel rectangle of a normalised box in a width × height frame (at least 1 × 1, inside the frame). */
export function toPixels(b: NormBox, width: number, height: number): { x: number; y: number; w: number; h: number } {
  const x0 = Math.max(0, Math.min(width - 1, Math.floor(b.x * width)));
  const y0 = Math.max(0, Math.min(height - 1, Math.floor(b.y * height)));
  const x1 = Math.max(x0 + 1, Math.min(width, Math.ceil((b.x + b.w) * width)));
  const y1 = Math.max(y0 + 1, Math.min(height, Math.ceil((b.y + b.h) * height)));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** Copies a rectangle out of a packed RGB24 frame. */
export function cropRgb(rgb: Buffer, width: number, height: number, r: { x: number; y: number; w: number; h: number }): RgbImage {
  if (rgb.length < width * height * 3) throw new RangeError(`frame buffer holds ${rgb.length} bytes, want ${width * height * 3}`);
  const out = Buffer.allocUnsafe(r.w * r.h * 3);
  for (let y = 0; y < r.h; y++) {
    const src = ((r.y + y) * width + r.x) * 3;
    rgb.copy(out, y * r.w * 3, src, src + r.w * 3);
  }
  return { width: r.w, height: r.h, rgb: out };
}

/** Axis-aligned bounds of an OCR quadrilateral. */
export function quadBounds(box: Point[]): { x0: number; y0: number; x1: number; y1: number } {
  const xs = box.map((p) => p[0]);
  const ys = box.map((p) => p[1]);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** Height of an OCR line: the mean of its two side edges. */
export function quadHeight(box: Point[]): number {
  const [tl, tr, br, bl] = box;
  if (!tl || !tr || !br || !bl) return 0;
  return (Math.hypot(bl[0] - tl[0], bl[1] - tl[1]) + Math.hypot(br[0] - tr[0], br[1] - tr[1])) / 2;
}

/**
 * OCR lines grouped into rows (vertical centres within half a line height) and each row's texts joined left
 * to right: a label and its value read as two boxes ("姓", "名：王丽华") become one row again.
 */
export function rowsOf(lines: OcrLineLike[]): string[] {
  const items = lines
    .filter((l) => l.text.trim().length > 0 && l.box.length >= 4)
    .map((l) => {
      const b = quadBounds(l.box);
      return { text: l.text.trim(), cx: (b.x0 + b.x1) / 2, cy: (b.y0 + b.y1) / 2, h: Math.max(1, b.y1 - b.y0) };
    })
    .sort((a, b) => a.cy - b.cy);
  const rows: { cy: number; h: number; items: typeof items }[] = [];
  for (const it of items) {
    const row = rows.at(-1);
    if (row && Math.abs(row.cy - it.cy) < 0.5 * Math.min(row.h, it.h)) row.items.push(it);
    else rows.push({ cy: it.cy, h: it.h, items: [it] });
  }
  return rows.map((r) => r.items.sort((a, b) => a.cx - b.cx).map((i) => i.text).join(' '));
}
