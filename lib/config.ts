// Where the project keeps its local state. Everything is under the project folder unless overridden,
// so a checkout carries its own tools and data and two checkouts never share a server by accident.
import * as path from 'node:path';

import * as fs from 'node:fs';

/** The folder holding dualqa's package.json, whether running from dist/ or from sources. */
export const PROJECT_ROOT = findProjectRoot(__dirname);

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'dualqa') return dir;
    if (path.dirname(dir) === dir) throw new Error(`dualqa package.json not found above ${start}`);
  }
}

export function toolsDir(): string {
  return process.env.DUALQA_TOOLS_DIR ?? path.join(PROJECT_ROOT, '.tools');
}

export function dataDir(): string {
  return process.env.DUALQA_DATA_DIR ?? path.join(PROJECT_ROOT, '.data');
}

export const BUCKETS = {
  recordings: process.env.DUALQA_RECORDINGS_BUCKET ?? 'recordings',
  analyses: process.env.DUALQA_ANALYSES_BUCKET ?? 'analyses',
  reports: process.env.DUALQA_REPORTS_BUCKET ?? 'reports',
} as const;

/**
 * Limits on starting inspections (discovery sweeps and the webhook): DUALQA_MAX_STARTS_PER_SWEEP,
 * DUALQA_MAX_STARTS_PER_MINUTE, DUALQA_MAX_BACKLOG (inspections running). Unset, empty or 0: no limit.
 */
export function startLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): { perSweep: number; perMinute: number; backlog: number } {
  const limit = (name: string): number => {
    const raw = env[name]?.trim();
    if (!raw) return Infinity;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number ≥ 0 (0 = no limit), not ${JSON.stringify(raw)}`);
    return n === 0 ? Infinity : n;
  };
  return { perSweep: limit('DUALQA_MAX_STARTS_PER_SWEEP'), perMinute: limit('DUALQA_MAX_STARTS_PER_MINUTE'), backlog: limit('DUALQA_MAX_BACKLOG') };
}
