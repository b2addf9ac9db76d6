// Shapes shared by the face tracker, the timeline and the decode-pass adapter. Boxes are normalised to
// the frame (0–1) so evidence does not depend on the resolution the detector ran at.

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One face found in one sampled frame. */
export interface FaceSighting {
  t: number;
  box: Box;
  score: number;
  /** Face height in pixels of the original video (small faces cannot be recognised). */
  heightPx: number;
}

/** What a detector returns for one frame, in the pixels of the frame it was given. */
export type { DetectedFace } from '../../models/yunet';
import type { DetectedFace } from '../../models/yunet';

export interface FaceEmbedderLike {
  embed(rgb: Buffer, width: number, height: number, face: DetectedFace): Promise<Float32Array>;
}

export interface FaceDetectorLike {
  detect(rgb: Buffer, width: number, height: number): Promise<DetectedFace[]>;
}

/** Per sampled frame: when, how bright, and which tracks were seen. */
export interface FrameSummary {
  t: number;
  meanLuma: number;
  trackIds: number[];
  /** Faces found but too dark to recognise (not counted, not tracked). */
  darkFaces?: number;
}

export function centre(b: Box): { x: number; y: number } {
  return { x: b.x + b.w / 2, y: b.y + b.h / 2 };
}
