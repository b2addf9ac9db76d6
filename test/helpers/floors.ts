// Runs the repository's dependency rules (.dependency-cruiser.cjs) over a tree, through dependency-cruiser's API.
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/config';

/** Every folder of source the floors apply to (tests are checked for circles only, by the CLI run in `npm run check`). */
export const SOURCE_FOLDERS = ['lib', 'models', 'rules', 'stack', 'media', 'speech', 'evidence', 'judge', 'report', 'catalogue', 'signing', 'review', 'activities', 'workflows', 'intake', 'cli', 'workers', 'eval', 'bench', 'fixtures', 'temporal.config.ts'];

export interface Violation {
  rule: string;
  from: string;
  to: string;
}

interface CruiseResult {
  output: { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
}

export async function violationsOf(baseDir: string, folders: string[]): Promise<Violation[]> {
  // dependency-cruiser is an ES module: load it at run time from this CommonJS build.
  const load = new Function('m', 'return import(m)') as (m: string) => Promise<{ cruise: (files: string[], options: object) => Promise<CruiseResult> }>;
  const { cruise } = await load('dependency-cruiser');
  const rules = (await load(path.join(PROJECT_ROOT, '.dependency-cruiser.cjs')) as unknown as { default: { forbidden: unknown[]; options: Record<string, unknown> } }).default;
  const cwd = process.cwd();
  process.chdir(baseDir);
  try {
    const result = await cruise(folders, { ...rules.options, tsConfig: undefined, baseDir, ruleSet: { forbidden: rules.forbidden }, validate: true });
    return result.output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
  } finally {
    process.chdir(cwd);
  }
}
