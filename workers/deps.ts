// Builds the activities' dependencies from the resolved stack: the worker's own S3 identity (read-only
// on recordings), bucket names, scratch space, logger, rulebook loader and version facts.
import * as fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import * as path from 'node:path';
import type { ActivityDeps } from '../activities/deps';
import { keywordTableFor } from '../activities/document-keywords';
import { dataDir, PROJECT_ROOT } from '../lib/config';
import type { Logger } from '../lib/logger';
import { makeS3Client, type S3Credentials, type S3Endpoint } from '../lib/s3';
import { runFfprobe } from '../media/ffmpeg';
import { candidateRulebooks, loadRulebook } from '../rules/load';
import { loadOverlays } from '../rules/overlays';
import type { DocumentAnalyser, FaceAnalyser } from '../evidence/assemble-media';
import { loadOcr } from '../models/ocr';
import { MODELS } from '../models/registry';
import { FaceDetector } from '../models/yunet';
import { FaceEmbedder } from '../models/sface';
import type { SpeechEngine } from '../speech/engine';
import { FasterWhisperEngine } from '../speech/faster-whisper';
import { sweepBucket } from '../intake/discovery-sweep';

let documentAnalyser: Promise<DocumentAnalyser> | undefined;
/** The OCR engine, loaded once per process on first use (a failed load is retried on the next call). */
export function loadDocumentAnalyser(): Promise<DocumentAnalyser> {
  // The engine is chosen by DUALQA_OCR_ENGINE (ppocr | tesseract).
  documentAnalyser ??= loadOcr()
    .catch((err: unknown) => {
      documentAnalyser = undefined;
      throw err;
    });
  return documentAnalyser;
}

let speechEngine: Promise<SpeechEngine> | undefined;
/** The speech engine process, started once per worker process on first use (restarted after a failed start). */
export function loadSpeechEngine(logger: Logger): Promise<SpeechEngine> {
  const log = logger.child({ component: 'speech-engine' });
  speechEngine ??= FasterWhisperEngine.load({ onLog: (line) => log.debug(line) }).catch((err: unknown) => {
    speechEngine = undefined;
    throw err;
  });
  return speechEngine;
}

/** Detections kept for tracking; false ones on the registry pictures reached 0.75 (models/MODELS.md). */
const WEAK_FACE_SCORE = 0.6;

/** The face detector, loaded once per process on first use (a failed load is retried on the next call). */
let faceAnalyser: Promise<FaceAnalyser> | undefined;
export function loadFaceAnalyser(): Promise<FaceAnalyser> {
  faceAnalyser ??= Promise.all([FaceDetector.load(), FaceEmbedder.load()])
    .then(([detector, embedder]) => ({
      // Weak detections are kept so tracks can start as a face enters; the timeline only counts tracks
      // confirmed by a strong one (DEFAULT_TIMELINE_CONFIG.confirmScore).
      detector: { detect: (rgb: Buffer, width: number, height: number) => detector.detect(rgb, width, height, { scoreThreshold: WEAK_FACE_SCORE }) },
      embedder,
      model: { name: MODELS.yunet.name, version: MODELS.yunet.version, sha256: MODELS.yunet.sha256 },
    }))
    .catch((err: unknown) => {
      faceAnalyser = undefined;
      throw err;
    });
  return faceAnalyser;
}

export interface WorkerS3 {
  endpoint: S3Endpoint;
  worker: S3Credentials;
  buckets: ActivityDeps['buckets'];
}

export function dualqaVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export async function ffmpegVersion(): Promise<string> {
  // ffprobe ships in the same build as ffmpeg and prints its version on stdout.
  try {
    const out = await runFfprobe(['-version']);
    return (out.split('\n')[0]?.trim() || 'ffmpeg (version unknown)').replace(/^ffprobe/, 'ffmpeg');
  } catch {
    return 'ffmpeg (version unknown)';
  }
}

export async function createActivityDeps(
  s3: WorkerS3,
  logger: Logger,
  workDir = path.join(dataDir(), 'work'),
  temporalAt?: { address: string; namespace: string },
): Promise<ActivityDeps> {
  let temporal: Promise<Client> | undefined;
  fs.mkdirSync(workDir, { recursive: true });
  // The keyword table of rulebooks that name none: a broken one stops the worker here, with the line to fix.
  keywordTableFor({});
  const workerS3 = makeS3Client(s3.endpoint, s3.worker);
  const candidatesById = new Map<string, ReturnType<typeof candidateRulebooks>>();
  return {
    s3: workerS3,
    buckets: s3.buckets,
    workDir,
    logger,
    loadRulebook: (ref) => loadRulebook(ref),
    candidateRulebooks: (id) => {
      // Parsed once per process: every speech analysis asks for them.
      let found = candidatesById.get(id);
      if (!found) candidatesById.set(id, (found = candidateRulebooks(id)));
      return found;
    },
    loadOverlays: () => loadOverlays(),
    versions: { dualqa: dualqaVersion(), ffmpeg: await ffmpegVersion() },
    faceAnalyser: process.env.DUALQA_FACES === 'off' ? undefined : loadFaceAnalyser,
    documentAnalyser: process.env.DUALQA_DOCUMENTS === 'off' ? undefined : loadDocumentAnalyser,
    speechEngine: process.env.DUALQA_SPEECH === 'off' ? undefined : () => loadSpeechEngine(logger),
    ...(temporalAt
      ? {
          discover: async (input, progress) => {
            temporal ??= Connection.connect({ address: temporalAt.address }).then((connection) => new Client({ connection, namespace: temporalAt.namespace }));
            return sweepBucket({ client: await temporal, s3: workerS3, analysesBucket: s3.buckets.analyses, logger }, input, progress);
          },
        }
      : {}),
  };
}
