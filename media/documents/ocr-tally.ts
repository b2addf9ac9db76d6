// OCR time by use (finding the clock, reading it, reading documents): the documents evidence and the bench
// report where the OCR time of a recording goes. Wraps an engine; the wrapped engine counts every call.
import { addStage } from '../../lib/profile';
import type { OcrEngineLike } from './types';

export interface OcrUse {
  calls: number;
  ms: number;
}

export type OcrUseName = 'clockSearch' | 'clock' | 'documents';

type OcrTally = Record<OcrUseName, OcrUse>;

export function emptyTally(): OcrTally {
  return { clockSearch: { calls: 0, ms: 0 }, clock: { calls: 0, ms: 0 }, documents: { calls: 0, ms: 0 } };
}

/** The engine, counting its calls and time into `tally[use]`. */
export function tallied(ocr: OcrEngineLike, tally: OcrTally, use: OcrUseName): OcrEngineLike {
  const count = async <T>(run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      const ms = performance.now() - started;
      tally[use].calls++;
      tally[use].ms += ms;
      addStage(`ocr ${use}`, ms);
    }
  };
  const recognize = ocr.recognize?.bind(ocr);
  return {
    ...(ocr.name ? { name: ocr.name } : {}),
    readLines: (rgb, width, height, opts) => count(() => ocr.readLines(rgb, width, height, opts)),
    ...(recognize ? { recognize: (rgb: Buffer, width: number, height: number, boxes: Parameters<typeof recognize>[3], opts?: { signal?: AbortSignal }) => count(() => recognize(rgb, width, height, boxes, opts)) } : {}),
  };
}
