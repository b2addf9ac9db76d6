// `dualqa eval`: inspects every case of a labelled folder through the real pipeline (the same upload and
// workflow as production) and measures the reports against the labels.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { labelsSchema } from '../lib/labelled';
import { getJson } from '../lib/object-store';
import type { DocumentsEvidence, SpeechEvidence } from '../evidence/types';
import { inspect, type InspectContext } from '../intake/inspect';
import { evaluate, type EvalCase, type EvalFigures } from './metrics';
import { readVariety } from './variety';

const MEDIA = /\.(mp4|webm|mkv|flv|mov|avi|ts)$/i;

export interface LabelledCase {
  name: string;
  media: string;
  meta?: string;
  labels: string;
  /** NAME.robustness.json: the case is a robustness case (fixtures/robustness.ts). */
  robustness?: string;
  /** NAME.variety.json: the case is a varied case (fixtures/varied.ts): its set and style tags. */
  variety?: string;
}

/** Cases of a labelled folder: NAME.<media> + NAME.labels.json (+ NAME.meta.json, NAME.robustness.json, NAME.variety.json). */
export function listCases(dir: string): LabelledCase[] {
  const files = fs.readdirSync(dir);
  return files
    .filter((f) => MEDIA.test(f))
    .map((f) => {
      const name = f.replace(MEDIA, '');
      const meta = path.join(dir, `${name}.meta.json`);
      const robustness = path.join(dir, `${name}.robustness.json`);
      const variety = path.join(dir, `${name}.variety.json`);
      return {
        name,
        media: path.join(dir, f),
        labels: path.join(dir, `${name}.labels.json`),
        ...(fs.existsSync(meta) ? { meta } : {}),
        ...(fs.existsSync(robustness) ? { robustness } : {}),
        ...(fs.existsSync(variety) ? { variety } : {}),
      };
    })
    .filter((c) => fs.existsSync(c.labels))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** An inspection context that can also read evidence; `embedded` when the workers run in this process's stack. */
export type EvalContext = InspectContext & { info: { buckets: { analyses: string }; embedded: boolean } };

export async function evaluateFolder(
  ctx: EvalContext,
  dir: string,
  options: { prefix?: string; outDir?: string; rulebook?: string; onCase?: (name: string, i: number, n: number) => void } = {},
): Promise<{ figures: EvalFigures; cases: EvalCase[] }> {
  const cases = listCases(dir);
  // Numbers read off documents are compared by keyed hash (evidence never holds them in clear). Workers in
  // this process read the key per activity, so an eval without a deployment key uses a throw-away one;
  // workers elsewhere without the key leave the comparison to the masked form (eval/documents.ts).
  if (!process.env.DUALQA_HASH_KEY && ctx.info.embedded) process.env.DUALQA_HASH_KEY = `eval-${randomBytes(16).toString('hex')}`;
  const evaluated: EvalCase[] = [];
  for (const [i, c] of cases.entries()) {
    options.onCase?.(c.name, i, cases.length);
    const labels = labelsSchema.parse(JSON.parse(fs.readFileSync(c.labels, 'utf8')));
    const outcome = await inspect(ctx, c.media, {
      meta: c.meta,
      outDir: path.join(options.outDir ?? path.join('out', 'eval'), c.name),
      prefix: options.prefix ?? `eval/${path.basename(path.resolve(dir))}`,
      rulebook: options.rulebook,
    });
    const key = outcome.report.evidenceKeys.documents;
    const documents = key ? await getJson<DocumentsEvidence>(ctx.reader, ctx.info.buckets.analyses, key) : null;
    const speechKey = outcome.report.evidenceKeys.speech;
    const speech = speechKey ? await getJson<SpeechEvidence>(ctx.reader, ctx.info.buckets.analyses, speechKey) : null;
    const condition = c.robustness ? robustnessCondition(c.robustness) : undefined;
    evaluated.push({
      name: c.name,
      labels,
      report: outcome.report,
      ...(documents ? { documentShowings: documents.showings } : {}),
      ...(speech ? { speechEngine: `${speech.engine} ${speech.model.name}@${speech.model.version}` } : {}),
      ...(condition ? { condition } : {}),
      ...(c.variety ? { variety: readVariety(c.variety) } : {}),
    });
  }
  return { figures: evaluate(evaluated, 1, process.env.DUALQA_HASH_KEY ? { hashKey: process.env.DUALQA_HASH_KEY } : {}), cases: evaluated };
}

/** The condition a NAME.robustness.json names (fixtures/robustness.ts writes it). */
function robustnessCondition(file: string): string {
  const side = JSON.parse(fs.readFileSync(file, 'utf8')) as { robustness?: unknown; condition?: unknown };
  if (side.robustness !== true || typeof side.condition !== 'string') throw new Error(`${file}: not a robustness side-file (want robustness: true and a condition)`);
  return side.condition;
}
