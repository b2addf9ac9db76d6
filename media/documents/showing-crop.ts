// The part of a frame that shows a document: the frame chosen for a showing is decoded again on its own
// after the pass (media/frame-at.ts), and only the document's region, with a margin, is kept for reading
// and for the evidence picture.
import { cropRgb, padBox, toPixels, type NormBox, type RgbImage } from './types';

export interface ReadConfig {
  /** Showings whose frame is decoded again and read; later ones are counted, not read. */
  maxShowings: number;
  /** Margin around the region, as a share of the region's size on each side. */
  margin: number;
}

export const DEFAULT_READ_CONFIG: ReadConfig = { maxShowings: 48, margin: 0.08 };

/** A document's crop out of the frame read. */
export interface ShowingCrop extends RgbImage {
  /** Media time of the frame. */
  t: number;
  /** Where the crop sits in the frame (pixels of that frame). */
  rect: { x: number; y: number; w: number; h: number };
  frameWidth: number;
  frameHeight: number;
}

export function cropShowing(frame: RgbImage & { t: number }, region: NormBox, margin: number): ShowingCrop {
  const rect = toPixels(padBox(region, margin), frame.width, frame.height);
  const image = cropRgb(frame.rgb, frame.width, frame.height, rect);
  return { ...image, t: frame.t, rect, frameWidth: frame.width, frameHeight: frame.height };
}
