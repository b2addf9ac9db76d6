// Figures per variety (issue #17): the same figures for our own script, other insurers' scripts and the
// sealed check set, and per recording-style tag, so a script or style the judge does not know cannot hide
// behind the cases it does. Plus a per-rule calibration table: how often each rule FAILs, or cannot judge, on
// steps a person labelled PASS — the false alarms a rulebook author has to look at. Pure: reports and labels
// in, tables out. A case without NAME.variety.json is one of ours (the regular fixtures).
import * as fs from 'node:fs';
import { z } from 'zod';
import { STEP_IDS, type StepId, type Verdict } from '../lib/labelled';
import { pct } from './format';
import { combineLabelled, type EvalCase } from './metrics';

export const SET_ORDER = ['ours', 'other', 'sealed'] as const;
export const SET_TITLES: Record<string, string> = { ours: 'our script', other: 'other scripts', sealed: 'sealed' };

export type Variety = NonNullable<EvalCase['variety']>;

const varietySchema = z.object({
  variety: z.literal(true),
  set: z.enum(SET_ORDER),
  styles: z.array(z.string()),
  insurer: z.object({ id: z.string() }).passthrough().optional(),
  fault: z.string().nullable().optional(),
});

/** NAME.variety.json (fixtures/varied.ts writes it). */
export function readVariety(file: string): Variety {
  const side = varietySchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  return { set: side.set, styles: side.styles, ...(side.insurer ? { insurer: side.insurer.id } : {}), ...(side.fault !== undefined ? { fault: side.fault } : {}) };
}

export const setOf = (c: EvalCase): string => c.variety?.set ?? 'ours';

export interface GroupFigures {
  group: string;
  cases: number;
  /** Per standard step: labelled, right, accuracy. */
  steps: Record<StepId, { labelled: number; right: number; accuracy: number | null }>;
  /** Of the steps labelled PASS, the share reported FAIL / CANNOT_JUDGE. */
  compliantSteps: number;
  falseFailRate: number | null;
  cannotJudgeRate: number | null;
  /** Of the steps labelled FAIL (the planted faults), the share reported FAIL. */
  faultSteps: number;
  failRecall: number | null;
  /** Cases whose overall verdict is the labelled one. */
  verdictRight: number;
  verdictRate: number | null;
  /** Compliant recordings (every step labelled PASS) and how many of them the report FAILed overall. */
  compliantCases: number;
  compliantFailed: number;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? Math.round((a / b) * 10000) / 10000 : null);

const verdictOf = (c: EvalCase, id: StepId): Verdict | undefined => c.report.steps.find((s) => s.id === id)?.verdict;

export function groupFigures(group: string, cases: EvalCase[]): GroupFigures {
  const steps = Object.fromEntries(STEP_IDS.map((id) => [id, { labelled: 0, right: 0, accuracy: null as number | null }])) as GroupFigures['steps'];
  let compliantSteps = 0;
  let falseFails = 0;
  let cannotJudge = 0;
  let faultSteps = 0;
  let faultsFound = 0;
  let verdictRight = 0;
  let compliantCases = 0;
  let compliantFailed = 0;
  for (const c of cases) {
    for (const id of STEP_IDS) {
      const want = c.labels.steps[id];
      const got = verdictOf(c, id);
      if (!want || !got) continue;
      steps[id].labelled++;
      if (want === got) steps[id].right++;
      if (want === 'PASS') {
        compliantSteps++;
        if (got === 'FAIL') falseFails++;
        if (got === 'CANNOT_JUDGE') cannotJudge++;
      }
      if (want === 'FAIL') {
        faultSteps++;
        if (got === 'FAIL') faultsFound++;
      }
    }
    const expected = combineLabelled(c.labels.steps);
    if (expected === c.report.verdict) verdictRight++;
    if (expected === 'PASS') {
      compliantCases++;
      if (c.report.verdict === 'FAIL') compliantFailed++;
    }
  }
  for (const id of STEP_IDS) steps[id].accuracy = ratio(steps[id].right, steps[id].labelled);
  return {
    group,
    cases: cases.length,
    steps,
    compliantSteps,
    falseFailRate: ratio(falseFails, compliantSteps),
    cannotJudgeRate: ratio(cannotJudge, compliantSteps),
    faultSteps,
    failRecall: ratio(faultsFound, faultSteps),
    verdictRight,
    verdictRate: ratio(verdictRight, cases.length),
    compliantCases,
    compliantFailed,
  };
}

/** Figures per set (ours / other / sealed, in that order; sets without cases left out), then all together. */
export function figuresBySet(cases: EvalCase[]): GroupFigures[] {
  const sets = [...SET_ORDER, ...new Set(cases.map(setOf).filter((s) => !(SET_ORDER as readonly string[]).includes(s)))];
  const out = sets.map((s) => groupFigures(s, cases.filter((c) => setOf(c) === s))).filter((g) => g.cases > 0);
  out.push(groupFigures('all', cases));
  return out;
}

/**
 * Figures per style tag (`audio:gated`, `docs:screen`, …), over the cases that carry one (our regular
 * fixtures carry none). A case counts under each of its tags.
 */
export function figuresByStyle(cases: EvalCase[]): GroupFigures[] {
  const tags = [...new Set(cases.flatMap((c) => c.variety?.styles ?? []))].sort();
  return tags.map((t) => groupFigures(t, cases.filter((c) => c.variety?.styles.includes(t))));
}

export interface RuleCalibration {
  ruleId: string;
  step: StepId;
  /** Steps labelled PASS on which this rule was judged (and applies). */
  judged: number;
  fail: number;
  cannotJudge: number;
  failRate: number | null;
  cannotJudgeRate: number | null;
  /** The same counts per set. */
  bySet: Record<string, { judged: number; fail: number; cannotJudge: number }>;
  /** A few of the cases it FAILed, with its reason (never a sealed case: reasons quote what was heard). */
  examples: string[];
}

/**
 * Per rule: on steps a person labelled PASS, how often the rule FAILed and how often it could not judge.
 * Rules that do not apply (`applies: false`) are not counted. Sorted by false alarms, then CANNOT_JUDGE.
 */
export function ruleCalibration(cases: EvalCase[]): RuleCalibration[] {
  const rows = new Map<string, RuleCalibration>();
  for (const c of cases) {
    const set = setOf(c);
    for (const step of c.report.steps) {
      if (c.labels.steps[step.id] !== 'PASS') continue;
      for (const r of step.rules) {
        if (r.applies === false) continue;
        let row = rows.get(r.ruleId);
        if (!row) {
          row = { ruleId: r.ruleId, step: step.id, judged: 0, fail: 0, cannotJudge: 0, failRate: null, cannotJudgeRate: null, bySet: {}, examples: [] };
          rows.set(r.ruleId, row);
        }
        const s = (row.bySet[set] ??= { judged: 0, fail: 0, cannotJudge: 0 });
        row.judged++;
        s.judged++;
        if (r.verdict === 'FAIL') {
          row.fail++;
          s.fail++;
          // Reasons quote what was heard: never from the sealed set, whose sentences nobody may tune on.
          if (row.examples.length < 3 && set !== 'sealed') row.examples.push(`${c.name}: ${r.reason}`);
        }
        if (r.verdict === 'CANNOT_JUDGE') {
          row.cannotJudge++;
          s.cannotJudge++;
        }
      }
    }
  }
  const out = [...rows.values()];
  for (const r of out) {
    r.failRate = ratio(r.fail, r.judged);
    r.cannotJudgeRate = ratio(r.cannotJudge, r.judged);
  }
  return out.sort((a, b) => b.fail - a.fail || b.cannotJudge - a.cannotJudge || STEP_IDS.indexOf(a.step) - STEP_IDS.indexOf(b.step) || a.ruleId.localeCompare(b.ruleId));
}

const title = (g: string): string => SET_TITLES[g] ?? g;

/** One table: groups as rows; cases, false FAIL / CANNOT_JUDGE on compliant steps, FAIL recall, verdicts right. */
export function formatGroups(heading: string, groups: GroupFigures[]): string[] {
  const lines = [
    heading,
    `${'group'.padEnd(20)} ${'cases'.padStart(5)}  ${'false FAIL'.padStart(10)}  ${'CANNOT_JUDGE'.padStart(12)}  ${'of steps'.padStart(8)}  ${'FAIL recall'.padStart(11)}  ${'of faults'.padStart(9)}  ${'verdict right'.padStart(13)}  compliant recordings FAILed`,
    `${''.padEnd(20)} ${''.padStart(5)}  ${'(of steps labelled PASS)'.padStart(38)}  ${'(steps labelled FAIL)'.padStart(22)}`,
  ];
  for (const g of groups) {
    lines.push(
      `${title(g.group).padEnd(20)} ${String(g.cases).padStart(5)}  ${pct(g.falseFailRate).padStart(10)}  ${pct(g.cannotJudgeRate).padStart(12)}  ${String(g.compliantSteps).padStart(8)}  ${pct(g.failRecall).padStart(11)}  ${String(g.faultSteps).padStart(9)}  ${pct(g.verdictRate).padStart(13)}  ${g.compliantFailed}/${g.compliantCases}`,
    );
  }
  return lines;
}

/** Per-step accuracy, one column per group. */
export function formatStepAccuracy(groups: GroupFigures[]): string[] {
  const head = `${'step accuracy'.padEnd(18)}${groups.map((g) => title(g.group).padStart(15)).join('')}`;
  const lines = [head];
  for (const id of STEP_IDS) {
    lines.push(`${id.padEnd(18)}${groups.map((g) => `${pct(g.steps[id].accuracy)} ${`(${g.steps[id].labelled})`.padEnd(5)}`.padStart(15)).join('')}`);
  }
  return lines;
}

export function formatCalibration(rows: RuleCalibration[], sets: string[]): string[] {
  const lines = [
    'per-rule calibration on steps labelled PASS (a FAIL here is a false alarm; CANNOT_JUDGE is not automated)',
    `${'rule'.padEnd(22)} ${'step'.padEnd(17)} ${'judged'.padStart(6)}  ${'FAIL'.padStart(6)}  ${'CANNOT_JUDGE'.padStart(12)}${sets.map((s) => `${title(s)} F/CJ/n`.padStart(24)).join('')}`,
  ];
  for (const r of rows) {
    const per = sets.map((s) => {
      const b = r.bySet[s];
      return (b ? `${b.fail}/${b.cannotJudge}/${b.judged}` : '–').padStart(24);
    });
    lines.push(`${r.ruleId.padEnd(22)} ${r.step.padEnd(17)} ${String(r.judged).padStart(6)}  ${pct(r.failRate).padStart(6)}  ${pct(r.cannotJudgeRate).padStart(12)}${per.join('')}`);
  }
  const withExamples = rows.filter((r) => r.examples.length);
  if (withExamples.length) {
    lines.push('', 'false alarms, first cases (rule — case: reason):');
    for (const r of withExamples) for (const e of r.examples) lines.push(`  ${r.ruleId} — ${e}`);
  }
  return lines;
}

/** Per case: its set, tags and fault, the verdicts labelled and reported per step, and the rules that did not PASS (for re-grouping any subset). */
export function varietyCaseRows(cases: EvalCase[]): {
  name: string;
  set: string;
  styles: string[];
  fault: string | null;
  expected: Verdict | null;
  verdict: Verdict;
  steps: Record<string, { labelled: Verdict | null; reported: Verdict | null; rules: string[] }>;
}[] {
  return cases.map((c) => ({
    name: c.name,
    set: setOf(c),
    styles: c.variety?.styles ?? [],
    fault: c.variety?.fault ?? null,
    expected: combineLabelled(c.labels.steps),
    verdict: c.report.verdict,
    steps: Object.fromEntries(
      STEP_IDS.map((id) => {
        const step = c.report.steps.find((s) => s.id === id);
        // The sealed set's reasons quote its sentences as heard: rule and verdict only.
        const sealed = setOf(c) === 'sealed';
        const rules = (step?.rules ?? []).filter((r) => r.applies !== false && r.verdict !== 'PASS').map((r) => `${r.ruleId} ${r.verdict}${sealed ? '' : `: ${r.reason}`}`);
        return [id, { labelled: c.labels.steps[id] ?? null, reported: step?.verdict ?? null, rules }];
      }),
    ),
  }));
}

/** Everything a variety evaluation prints: per set, per style, per-step accuracy by set, rule calibration. */
export function formatVariety(cases: EvalCase[]): string {
  const bySet = figuresBySet(cases);
  const sets = bySet.map((g) => g.group).filter((g) => g !== 'all');
  const lines = [...formatGroups('figures per set', bySet), '', ...formatStepAccuracy(bySet)];
  const byStyle = figuresByStyle(cases);
  if (byStyle.length) lines.push('', ...formatGroups('figures per style tag (varied cases only)', byStyle));
  lines.push('', ...formatCalibration(ruleCalibration(cases), sets));
  return lines.join('\n');
}
