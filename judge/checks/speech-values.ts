// The policy's numbers said as the insurer's record has them (犹豫期 15 days, premium 8 600 yuan, 5 years
// of payments). Whisper mishears numbers (十五 → 是五, 十), so a differing number FAILs only when the audio
// itself prefers it: the record's text scores as unsaid and the heard text as said, at the same place.
import type { EvidenceSet, RuleOutcome } from '../types';
import { span, type CheckOf } from './shared';
import { speechProblem } from './speech-common';
import { readInteger } from '../../speech/normalize';

/** The audio prefers the heard number when the record scores below this share of it (a said text scores 0.07–0.35, unsaid ~0.005). */
const PREFERS_RATIO = 0.25;

/**
 * One number's spoken form inside the other's (十 in 二十, 五 in 十五, 二十 in 二十五): aligning the shorter
 * text finds its syllables inside the longer one said, so a fair score for the record proves nothing.
 */
function spokenInside(a: number, b: number): boolean {
  if (!Number.isInteger(a) || !Number.isInteger(b)) return false;
  const sa = readInteger(a);
  const sb = readInteger(b);
  return sa.includes(sb) || sb.includes(sa);
}

export function checkValueSaid(rule: CheckOf<'value_said'>, ev: EvidenceSet): RuleOutcome {
  const meta = ev.ingest?.sidecar.status === 'ok' ? ev.ingest.sidecar.meta : undefined;
  const record = meta?.policy?.[rule.value];
  if (record === undefined) return { ruleId: rule.id, applies: false, verdict: 'CANNOT_JUDGE', reason: `not applied: the sidecar gives no policy.${rule.value}`, evidence: [] };
  const problem = speechProblem(rule.id, rule.says, ev);
  if (problem) return problem;
  const speech = ev.speech;
  const checked = speech?.values[rule.value];
  if (!speech || !checked) {
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: the speech analysis did not look for the ${rule.label} (evidence from an analyser without rule ${rule.id}: analyse again)`, evidence: [] };
  }
  const where = checked.from !== undefined && checked.to !== undefined ? span(checked.from, checked.to) : '';
  const evidence = checked.from !== undefined && checked.to !== undefined ? [{ from: checked.from, to: checked.to, kind: 'speech:value', text: `${rule.label} ${checked.heardValue ?? '?'}` }] : [];
  if (checked.expected === 'exact') return { ruleId: rule.id, verdict: 'PASS', reason: `${rule.label} said as the record has it (${record}) at ${where}`, evidence };
  if (checked.expected === 'absent') {
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: no number with ${rule.units.join('/')} heard next to ${rule.near.join('/')} (the record has ${record}); whether it was said is for the statement rule and a reviewer`, evidence: [] };
  }
  const heard = checked.heardValue;
  const { verifyScore: recordScore, heardScore } = checked;
  const scores = recordScore !== undefined && heardScore !== undefined ? `forced alignment: the record ${recordScore.toFixed(3)}, what was heard ${heardScore.toFixed(3)}` : 'not verified against the audio';
  // Nested forms: the record must fit the audio at least as well as what was heard, not merely a share of it.
  const nested = heard !== undefined && spokenInside(heard, record);
  const fitsRatio = nested ? 1 : PREFERS_RATIO;
  if (recordScore !== undefined && recordScore >= rule.minScore && (heardScore === undefined || recordScore >= fitsRatio * heardScore)) {
    return { ruleId: rule.id, verdict: 'PASS', reason: `${rule.label} transcribed as ${heard} at ${where}, but the audio fits the record’s ${record} (${scores})`, evidence };
  }
  const poor = speech.quality.status === 'poor';
  if (!poor && recordScore !== undefined && heardScore !== undefined && heardScore >= rule.minScore && recordScore < rule.minScore && recordScore < PREFERS_RATIO * heardScore) {
    return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: ${heard} said at ${where}, the insurer’s record has ${record} (${scores})`, evidence };
  }
  const why = `${poor ? `the audio is poor: ${speech.quality.reason}; ` : ''}${nested ? 'one number is said inside the other, so the record must fit at least as well; ' : ''}${scores}`;
  return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: heard ${heard} at ${where} where the record has ${record}, but the audio does not settle it (${why})`, evidence };
}
