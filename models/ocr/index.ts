// OCR for documents shown to the camera and the recorder's burned-in clock.
export type { OcrEngine, OcrLine, OcrOptions, Point } from './types';
export { PpOcrEngine, DEFAULT_MAX_SIDE, DEFAULT_MIN_SCORE, REC_HEIGHT, type PpOcrOptions, type TextBox, type OcrTimings } from './ppocr';
export { ctcGreedyDecode, charsetFromMetadata, type Charset, type Decoded } from './ctc';
export { dbBoxes, DB_DEFAULTS, type DbBox, type DbOptions } from './db';

import type { OcrEngine } from './types';
import { PpOcrEngine } from './ppocr';

/** The process's default OCR engine (PP-OCRv6 small), loaded once. */
export function loadOcrEngine(): Promise<OcrEngine> {
  return PpOcrEngine.load();
}
