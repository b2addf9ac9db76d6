// A requirement whose check is not built yet: it holds a step at CANNOT_JUDGE, so no step is ever passed
// on evidence this version does not read.
import type { EvidenceSet, RuleOutcome } from '../types';
import type { CheckOf } from './shared';

export function checkAnalyserRequired(rule: CheckOf<'analyser_required'>, ev: EvidenceSet): RuleOutcome {
  const failure = ev.failures?.[rule.analyser];
  const collected = (ev as Record<string, unknown>)[rule.analyser] !== undefined;
  const reason = failure
    ? `${rule.says}: the ${rule.analyser} analysis failed (${failure})`
    : collected
      ? `${rule.says}: this version does not check this requirement yet (it needs more than the ${rule.analyser} evidence), so it cannot be judged`
      : `${rule.says}: the ${rule.analyser} analyser is not available in this version, so this cannot be judged`;
  return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason, evidence: [] };
}
