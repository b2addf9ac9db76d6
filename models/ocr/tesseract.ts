// The second OCR engine: Tesseract 5 (LSTM) compiled to WebAssembly (npm tesseract.js 7.0.0, Apache-2.0)
// with Debian's traineddata (tesseract-ocr-chi-sim, tesseract-ocr-eng). Everything is local: the wasm core
// is required from node_modules, the traineddata is read from the Debian folder uncompressed, and no cache is
// read or written — tesseract.js otherwise fetches traineddata from a CDN. Kept as a comparison point and a
// fallback; PP-OCRv6 reads the fixture documents better (bench/ocr-engines.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js';

import { checkFrame, resizeBilinear } from '../image';
import type { OcrEngine, OcrLine, OcrOptions } from './types';

/** Where Debian installs the traineddata (the folder name is the Tesseract major version). */
const DEBIAN_TESSDATA_DIRS = ['/usr/share/tesseract-ocr/5/tessdata', '/usr/share/tesseract-ocr/4.00/tessdata'];
export const TESSERACT_LANGS = ['chi_sim', 'eng'] as const;
/** Tesseract reads small print badly: lines shorter than this (pixels) are enlarged first. */
const MIN_LINE_PX = 32;

/** The first Debian tessdata folder holding every language (or DUALQA_TESSDATA_DIR when set). */
function findTessdata(dirs: string[] = process.env.DUALQA_TESSDATA_DIR ? [process.env.DUALQA_TESSDATA_DIR] : DEBIAN_TESSDATA_DIRS): string {
  for (const d of dirs) if (TESSERACT_LANGS.every((l) => fs.existsSync(path.join(d, `${l}.traineddata`)))) return d;
  throw new Error(`no ${TESSERACT_LANGS.join(' + ')} traineddata in ${dirs.join(', ')} (Debian tesseract-ocr-chi-sim, tesseract-ocr-eng; scripts/setup.sh installs them)`);
}

/** A packed RGB24 frame as a 24-bit BMP (the one raw format tesseract.js decodes itself, via bmp-js). */
export function rgbToBmp(rgb: Buffer | Uint8Array, width: number, height: number): Buffer {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + stride * height;
  const out = Buffer.alloc(size);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(size, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22); // positive: rows bottom-up
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(stride * height, 34);
  out.writeInt32LE(2835, 38); // 72 dpi
  out.writeInt32LE(2835, 42);
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3;
      out[row + x * 3] = rgb[s + 2]!;
      out[row + x * 3 + 1] = rgb[s + 1]!;
      out[row + x * 3 + 2] = rgb[s]!;
    }
  }
  return out;
}

interface TessLine {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

/** Chinese comes out of Tesseract with a space between characters: drop spaces between Han characters. */
export function joinHan(text: string): string {
  return text.trim().replace(/(?<=[\p{Script=Han}，。：；、（）])\s+(?=[\p{Script=Han}，。：；、（）\d])|(?<=[\d])\s+(?=[\p{Script=Han}])/gu, '');
}

let cached: Promise<TesseractEngine> | undefined;

export class TesseractEngine implements OcrEngine {
  readonly name: string;
  /** One worker: recognitions are queued, as the PP-OCR sessions are. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly worker: Worker,
    readonly tessdata: string,
  ) {
    this.name = `Tesseract 5 LSTM (tesseract.js 7.0.0, ${TESSERACT_LANGS.join('+')} from ${tessdata})`;
  }

  /** The process's engine (one wasm worker, loaded once). */
  static load(): Promise<TesseractEngine> {
    cached ??= (async () => {
      const tessdata = findTessdata();
      const worker = await createWorker([...TESSERACT_LANGS], OEM.LSTM_ONLY, {
        langPath: tessdata,
        gzip: false,
        cacheMethod: 'none',
        // Messages from the worker would go to the console: errors come back as rejections instead.
        logger: () => undefined,
        errorHandler: () => undefined,
      });
      // Documents are blocks of lines, not one column: let Tesseract segment the page itself.
      // A fixed dpi and a null debug file keep Tesseract's notes ("Estimating resolution …") off stderr.
      await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO, preserve_interword_spaces: '1', user_defined_dpi: '300', debug_file: '/dev/null' });
      return new TesseractEngine(worker, tessdata);
    })();
    cached.catch(() => (cached = undefined));
    return cached;
  }

  readLines(rgb: Buffer | Uint8Array, width: number, height: number, opts: OcrOptions = {}): Promise<OcrLine[]> {
    checkFrame(rgb, width, height);
    const run = this.queue.then(() => this.read(rgb, width, height, opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(rgb: Buffer | Uint8Array, width: number, height: number, opts: OcrOptions): Promise<OcrLine[]> {
    opts.signal?.throwIfAborted();
    // Small frames (a 360p crop) are enlarged 2× so print reaches Tesseract's comfortable size.
    const scale = Math.min(width, height) < MIN_LINE_PX * 12 ? 2 : 1;
    const img = scale === 1 ? { rgb, width, height } : upscale2(rgb, width, height);
    const result = await this.worker.recognize(rgbToBmp(img.rgb, img.width, img.height), {}, { blocks: true, text: false });
    opts.signal?.throwIfAborted();
    const minScore = opts.minScore ?? 0.5;
    const lines: TessLine[] = (result.data.blocks ?? []).flatMap((b) => b.paragraphs.flatMap((p) => p.lines));
    return lines
      .map((l) => {
        const { x0, y0, x1, y1 } = l.bbox;
        const s = 1 / scale;
        return {
          text: joinHan(l.text),
          score: Math.max(0, Math.min(1, l.confidence / 100)),
          box: [
            [x0 * s, y0 * s],
            [x1 * s, y0 * s],
            [x1 * s, y1 * s],
            [x0 * s, y1 * s],
          ] as OcrLine['box'],
        };
      })
      .filter((l) => l.text.length > 0 && l.score >= minScore);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
    cached = undefined;
  }
}

/** 2× enlargement, bilinear. */
function upscale2(rgb: Buffer | Uint8Array, width: number, height: number): { rgb: Buffer; width: number; height: number } {
  return { rgb: resizeBilinear(rgb, width, height, width * 2, height * 2), width: width * 2, height: height * 2 };
}
