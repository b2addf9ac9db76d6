// The picture of a document kept as evidence: the crop read, with every line that holds a long number
// blacked out; for the private types (the table's privateClasses, e.g. the ID card) every line is blacked
// out and the whole card coarsened.
import type { KeywordTable } from '../../rules/document-keywords';
import { isPrivateClass } from './classify';
import { normaliseDigits } from './fields';
import type { Reading } from './showings';
import { quadBounds } from './types';

/** A frame for the evidence: the document's crop, numbers blacked out (and the whole card coarsened for private types). */
export interface DocumentSnapshot {
  t: number;
  width: number;
  height: number;
  rgb: Buffer;
  why: string;
  showingId: number;
}

/** The crop for the evidence: lines with long numbers blacked out; private types coarsened and every line blacked out. */
export function redactedSnapshot(m: Reading, id: number, keywords: KeywordTable): DocumentSnapshot {
  const crop = m.crop!;
  const rgb = Buffer.from(crop.rgb);
  const privateType = isPrivateClass(m, keywords);
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
