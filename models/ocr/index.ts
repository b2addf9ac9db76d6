// OCR for documents shown to the camera and the recorder's burned-in clock.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { MODELS } from '../registry';
import type { OcrEngine } from './types';
import { PpOcrEngine } from './ppocr';
import { TesseractEngine, TESSERACT_LANGS } from './tesseract';

const OCR_ENGINES = ['ppocr', 'tesseract'] as const;
export type OcrEngineChoice = (typeof OCR_ENGINES)[number];

/** The engine chosen by DUALQA_OCR_ENGINE (default ppocr); an unknown name is an error, not a silent default. */
export function ocrEngineChoice(value: string | undefined = process.env.DUALQA_OCR_ENGINE): OcrEngineChoice {
  const v = (value ?? '').trim().toLowerCase() || 'ppocr';
  if (!(OCR_ENGINES as readonly string[]).includes(v)) throw new Error(`DUALQA_OCR_ENGINE=${value}: want one of ${OCR_ENGINES.join(', ')}`);
  return v as OcrEngineChoice;
}

/** What evidence records about the models behind an engine. */
interface OcrModelRecord {
  name: string;
  version: string;
  sha256: string;
}

interface LoadedOcr {
  ocr: OcrEngine;
  models: OcrModelRecord[];
}

/** The process's OCR engine (loaded once) and the records of its models. */
export async function loadOcr(choice: OcrEngineChoice = ocrEngineChoice()): Promise<LoadedOcr> {
  if (choice === 'tesseract') {
    const ocr = await TesseractEngine.load();
    const models = TESSERACT_LANGS.map((lang) => {
      const file = path.join(ocr.tessdata, `${lang}.traineddata`);
      return { name: `tesseract_${lang}`, version: path.basename(path.dirname(ocr.tessdata)), sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex') };
    });
    return { ocr, models };
  }
  const ocr = await PpOcrEngine.load();
  return { ocr, models: (['ppocr_det', 'ppocr_rec'] as const).map((m) => ({ name: MODELS[m].name, version: MODELS[m].version, sha256: MODELS[m].sha256 })) };
}

/** The process's OCR engine (DUALQA_OCR_ENGINE; PP-OCRv6 small by default), loaded once. */
export async function loadOcrEngine(choice: OcrEngineChoice = ocrEngineChoice()): Promise<OcrEngine> {
  return (await loadOcr(choice)).ocr;
}
