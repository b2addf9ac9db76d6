// Runs the repository's dependency rules (.dependency-cruiser.cjs) over a tree, through dependency-cruiser's API.
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/config';

/** Every folder of source the floors apply to (tests are checked for circles only, by the CLI run in `npm run check`). */
export const SOURCE_FOLDERS = ['lib', 'models', 'rules', 'stack', 'media', 'speech', 'evidence', 'judge', 'report', 'catalogue', 'signing', 'decisions', 'review', 'activities', 'workflows', 'intake', 'cli', 'workers', 'eval', 'bench', 'fixtures', 'temporal.config.ts'];

export interface Violation {
  rule: string;
  from: string;
  to: string;
}

interface CruiseResult {
  output: { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
}

export async function violationsOf(baseDir: string, folders: string[]): Promise<Violation[]> {
  // dependency-cruiser is ESM-only (its exports have no require condition) and tsc rewrites import() to
  // require() in this CommonJS build, so the import is made at run time.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a real import(), not code from data
  const load = new Function('m', 'return import(m)') as (m: string) => Promise<{ cruise: (files: string[], options: object) => Promise<CruiseResult> }>;
  const { cruise } = await load('dependency-cruiser');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the rules file is CommonJS by dependency-cruiser's convention
  const rules = require(path.join(PROJECT_ROOT, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: Record<string, unknown> };
  const cwd = process.cwd();
  process.chdir(baseDir);
  try {
    const result = await cruise(folders, { ...rules.options, tsConfig: undefined, baseDir, ruleSet: { forbidden: rules.forbidden }, validate: true });
    return result.output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
  } finally {
    process.chdir(cwd);
  }
}
