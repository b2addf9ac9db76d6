// onnxruntime-node sessions for the registry's models: the file is sha256-checked before it is handed to
// onnxruntime, and each model gets one session per process (callers cache the promise).
import * as ort from 'onnxruntime-node';

import { loadModelFile, type ModelName } from './registry';

export interface SessionOptions {
  /**
   * Threads one inference may use. Default 1 (`DUALQA_MODEL_THREADS` overrides): media workers run one
   * activity per core, so a model that takes every core only makes the others wait.
   */
  intraOpThreads?: number;
}

function defaultThreads(): number {
  const env = Number(process.env.DUALQA_MODEL_THREADS);
  return Number.isInteger(env) && env > 0 ? env : 1;
}

export async function createSession(name: ModelName, options: SessionOptions = {}): Promise<ort.InferenceSession> {
  const bytes = await loadModelFile(name);
  const threads = options.intraOpThreads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`intraOpThreads must be a positive integer, got ${threads}`);
  return ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
}

export { ort };
