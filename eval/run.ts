// `dualqa eval`: inspects every case of a labelled folder through the real pipeline (the same upload and
// workflow as production) and measures the reports against the labels.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { labelsSchema } from '../lib/labelled';
import { loadEvidenceSet } from '../evidence/load';
import { inspect, type InspectContext } from '../intake/inspect';
import { evaluate, type EvalCase, type EvalFigures } from './metrics';
import { keepEvalHashKey, keepEvidence } from './stored';
import { readVariety } from './variety';
import { listCases, robustnessCondition } from './cases';

export { listCases, type LabelledCase } from './cases';

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
    const caseDir = path.join(options.outDir ?? path.join('out', 'eval'), c.name);
    const outcome = await inspect(ctx, c.media, {
      meta: c.meta,
      outDir: caseDir,
      prefix: options.prefix ?? `eval/${path.basename(path.resolve(dir))}`,
      rulebook: options.rulebook,
    });
    const { failures: _failures, ...evidence } = await loadEvidenceSet(ctx.reader, ctx.info.buckets.analyses, outcome.report.evidenceKeys, {});
    // Kept so that `dualqa eval --from-evidence` can judge this folder again without the analysers.
    keepEvidence(caseDir, outcome.report, evidence);
    const { documents, speech } = evidence;
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
  keepEvalHashKey(options.outDir ?? path.join('out', 'eval'), process.env.DUALQA_HASH_KEY);
  return { figures: evaluate(evaluated, 1, process.env.DUALQA_HASH_KEY ? { hashKey: process.env.DUALQA_HASH_KEY } : {}), cases: evaluated };
}
