// `dualqa eval`: inspects every case of a labelled folder through the real pipeline (the same upload and
// workflow as production) and measures the reports against the labels.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { labelsSchema } from '../lib/labelled';
import { inspect, type InspectContext } from '../cli/inspect';
import { evaluate, type EvalCase, type EvalFigures } from './metrics';

const MEDIA = /\.(mp4|webm|mkv|flv|mov|avi|ts)$/i;

export interface LabelledCase {
  name: string;
  media: string;
  meta?: string;
  labels: string;
}

/** Cases of a labelled folder: NAME.<media> + NAME.labels.json (+ NAME.meta.json). */
export function listCases(dir: string): LabelledCase[] {
  const files = fs.readdirSync(dir);
  return files
    .filter((f) => MEDIA.test(f))
    .map((f) => {
      const name = f.replace(MEDIA, '');
      const meta = path.join(dir, `${name}.meta.json`);
      return { name, media: path.join(dir, f), labels: path.join(dir, `${name}.labels.json`), ...(fs.existsSync(meta) ? { meta } : {}) };
    })
    .filter((c) => fs.existsSync(c.labels))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function evaluateFolder(
  ctx: InspectContext,
  dir: string,
  options: { prefix?: string; outDir?: string; rulebook?: string; onCase?: (name: string, i: number, n: number) => void } = {},
): Promise<{ figures: EvalFigures; cases: EvalCase[] }> {
  const cases = listCases(dir);
  const evaluated: EvalCase[] = [];
  for (const [i, c] of cases.entries()) {
    options.onCase?.(c.name, i, cases.length);
    const labels = labelsSchema.parse(JSON.parse(fs.readFileSync(c.labels, 'utf8')));
    const outcome = await inspect(ctx, c.media, {
      meta: c.meta,
      outDir: path.join(options.outDir ?? path.join('out', 'eval'), c.name),
      prefix: options.prefix ?? `eval/${path.basename(path.resolve(dir))}`,
      rulebook: options.rulebook,
      quiet: true,
    });
    evaluated.push({ name: c.name, labels, report: outcome.report });
  }
  return { figures: evaluate(evaluated), cases: evaluated };
}
