// What an OCR engine answers. The PP-OCR engine (./ppocr.ts) is the one dualqa ships; the interface is
// kept small so a second engine (another model, or a remote service) can stand in for it.

/** A corner in frame pixels (x right, y down; pixel (i, j) has its centre at (i, j)). */
export type Point = [number, number];

export interface OcrLine {
  text: string;
  /** 0–1: mean probability of the characters read (the recognizer's confidence in `text`). */
  score: number;
  /** The line's quadrilateral, frame pixels: top-left, top-right, bottom-right, bottom-left (reading direction). */
  box: Point[];
}

export interface OcrOptions {
  /** Detection runs on the frame scaled so its long side is at most this (then rounded to multiples of 32). */
  maxSideLen?: number;
  /** Lines whose recognition score is below this are dropped. */
  minScore?: number;
  /** Aborts between stages (detection, each recognition batch). */
  signal?: AbortSignal;
}

export interface OcrEngine {
  /** Engine and model names/versions, for evidence records. */
  readonly name: string;
  /** Lines of text in a packed RGB24 frame, in reading order (top to bottom, then left to right). */
  readLines(rgb: Buffer | Uint8Array, width: number, height: number, opts?: OcrOptions): Promise<OcrLine[]>;
}
