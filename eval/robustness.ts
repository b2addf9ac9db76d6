// Figures of the robustness cases (fixtures/robustness.ts), one set per audio condition, and their floors
// (eval/floors-robustness.json). A condition's cases are evaluated together by the ordinary eval, so a
// false FAIL, statement recall or CER means the same here as on the regular set. Cases without a
// robustness side-file form the `clean` condition.
import { STEP_IDS } from '../lib/labelled';
import { pct } from './format';
import { belowFloors, evaluate, type EvalCase, type EvalFigures, type Floors } from './metrics';

export const CLEAN = 'clean';

export interface RobustnessFloors {
  /** Floors per condition (clean, noisy_20db, …); a condition named here must have cases. */
  conditions: Record<string, Floors>;
}

export function figuresByCondition(cases: EvalCase[]): Map<string, EvalFigures> {
  const groups = new Map<string, EvalCase[]>();
  for (const c of cases) {
    const key = c.condition ?? CLEAN;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return new Map([...groups].map(([condition, group]) => [condition, evaluate(group)]));
}

/** Every figure below its condition's floor, prefixed with the condition; empty when all hold. */
export function belowRobustnessFloors(byCondition: Map<string, EvalFigures>, floors: RobustnessFloors): string[] {
  return Object.entries(floors.conditions).flatMap(([condition, f]) => {
    const figures = byCondition.get(condition);
    return figures ? belowFloors(figures, f).map((m) => `${condition}: ${m}`) : [`${condition}: no case of this condition was evaluated`];
  });
}

/** Steps labelled PASS that a report FAILed, with the failing rules and their reasons (for a person to act on). */
export function falseFails(cases: EvalCase[]): string[] {
  return cases.flatMap((c) =>
    STEP_IDS.flatMap((id) => {
      const step = c.report.steps.find((s) => s.id === id);
      if (c.labels.steps[id] !== 'PASS' || step?.verdict !== 'FAIL') return [];
      const rules = step.rules.filter((r) => r.verdict === 'FAIL').map((r) => `${r.ruleId}: ${r.reason}`);
      return [`${c.name} ${id} FAIL — ${rules.join(' | ')}`];
    }),
  );
}

/** One line per condition: cases, step verdicts on steps labelled PASS, statements, CER. */
export function formatRobustness(byCondition: Map<string, EvalFigures>, cases: EvalCase[]): string {
  const lines = ['condition     cases  on steps labelled PASS: FAIL / CANNOT_JUDGE   statements P / R         CER (pooled)'];
  for (const [condition, f] of byCondition) {
    const group = cases.filter((c) => (c.condition ?? CLEAN) === condition);
    let fail = 0;
    let cj = 0;
    let passes = 0;
    for (const c of group) {
      for (const id of STEP_IDS) {
        if (c.labels.steps[id] !== 'PASS') continue;
        passes++;
        const v = c.report.steps.find((s) => s.id === id)?.verdict;
        if (v === 'FAIL') fail++;
        if (v === 'CANNOT_JUDGE') cj++;
      }
    }
    lines.push(
      `${condition.padEnd(13)} ${String(f.cases).padStart(5)}  ${`${fail} / ${cj} of ${passes}`.padEnd(40)} ${pct(f.statements.precision)} / ${pct(f.statements.recall)}   ${pct(f.speechCer.cer)}`,
    );
  }
  const wrong = falseFails(cases);
  lines.push('', wrong.length ? `false FAILs:\n  ${wrong.join('\n  ')}` : 'false FAILs: none');
  return lines.join('\n');
}
