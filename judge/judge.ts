// The judge: evidence + rulebook → verdicts. Pure and deterministic, so re-judging stored evidence with a
// new rulebook is cheap and the same inputs always give the same report.
import type { LoadedRulebook } from '../rules/load';
import type { AppliedOverlay } from '../rules/overlays';
import { STEP_IDS, type Verdict } from '../lib/labelled';
import type { EvidenceDefect } from '../evidence/types';
import { runCheck } from './checks/run';
import { defectSpanS } from './checks/shared';
import { outstandingFlags } from './checks/streams';
import type { EvidenceSet, Judgement, RuleOutcome, StepJudgement } from './types';

/** FAIL beats CANNOT_JUDGE beats PASS (labelled-recordings.md); nothing checked is not a PASS. */
export function combine(verdicts: Verdict[]): Verdict {
  if (verdicts.includes('FAIL')) return 'FAIL';
  if (verdicts.length === 0 || verdicts.includes('CANNOT_JUDGE')) return 'CANNOT_JUDGE';
  return 'PASS';
}

function stepReasons(verdict: Verdict, outcomes: RuleOutcome[]): string[] {
  const counted = outcomes.filter((o) => o.applies !== false);
  if (verdict === 'PASS') return counted.map((o) => `${o.ruleId}: ${o.reason}`);
  return counted.filter((o) => o.verdict === verdict).map((o) => `${o.ruleId}: ${o.reason}`);
}

export function judge(evidence: EvidenceSet, rulebook: LoadedRulebook & { overlays?: AppliedOverlay[] }): Judgement {
  const steps: StepJudgement[] = STEP_IDS.map((id) => {
    const step = rulebook.book.steps[id];
    if (!step) {
      return { id, title: id, verdict: 'CANNOT_JUDGE', reasons: [`the rulebook has no rules for ${id}`], evidence: [], rules: [] };
    }
    const outcomes = step.rules.map((rule) => runCheck(rule, evidence));
    const verdict = combine(outcomes.filter((o) => o.applies !== false).map((o) => o.verdict));
    return {
      id,
      title: step.title,
      verdict,
      reasons: stepReasons(verdict, outcomes),
      evidence: outcomes.filter((o) => o.verdict !== 'PASS' && o.applies !== false).flatMap((o) => o.evidence),
      rules: outcomes,
    };
  });
  return {
    rulebook: { id: rulebook.book.id, version: rulebook.book.version, sha256: rulebook.sha256, ...(rulebook.overlays?.length ? { overlays: rulebook.overlays } : {}) },
    verdict: combine(steps.map((s) => s.verdict)),
    steps,
    defects: countedDefects(evidence, rulebook),
    flags: outstandingFlags(evidence),
  };
}

/** The defects at or above the rulebook's thresholds: what the report's `defects` timeline lists. */
function countedDefects(evidence: EvidenceSet, rulebook: LoadedRulebook): EvidenceDefect[] {
  const minByType = new Map<string, number>();
  for (const step of Object.values(rulebook.book.steps)) {
    for (const rule of step.rules) {
      if (rule.check !== 'no_defect') continue;
      const prev = minByType.get(rule.defect);
      minByType.set(rule.defect, prev === undefined ? rule.minS : Math.min(prev, rule.minS));
    }
  }
  const clock = (evidence.documents?.defects ?? []).filter((d) => d.type === 'clock_jump');
  return [...(evidence.integrity?.defects ?? []), ...clock].filter((d) => {
    if (d.type === 'clock_jump') return true;
    if (d.type === 'no_audio' || d.type === 'no_video' || d.type === 'unreadable' || d.type === 'undecodable') return true;
    const min = minByType.get(d.type);
    return min !== undefined && defectSpanS(d) >= min;
  });
}
