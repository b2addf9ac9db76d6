// The customer's reply to a question (customer_answers): the question placed in the transcript, the first
// reply after it read as affirmative, negation or filler, and the forced-alignment scores deciding when
// the transcript holds nothing clear. On poor audio a reply that seems wrong is CANNOT_JUDGE, not FAIL.
import type { SpeechEvidence } from '../../evidence/types';
import { normalizeForMatch } from '../../speech/normalize';
import { compilePhrase, findAll, type PhraseMatch } from '../../speech/match';
import { bestPhrase, heardAny, replyRegion, replySyllables } from '../../speech/reply';
import { pinyinOf } from '../../speech/syllables';
import type { EvidenceItem, EvidenceSet, RuleOutcome } from '../types';
import { damaged, damagedNear, damagedText, defectItem, span, type CheckOf } from './shared';
import { facesDuring, sidecarValues, speechProblem, streamOf, untranscribedSpeech, verifiedScore } from './speech-common';

/** Where any of the rule's questions is heard, earliest first; overlapping matches keep the better one. */
function askingsOf(rule: CheckOf<'customer_answers'>, stream: ReturnType<typeof streamOf>, values: Record<string, string | undefined>): Asked[] {
  const all: Asked[] = rule.question.flatMap((q) => findAll(stream, compilePhrase(q, values), rule.minReadRate).map((m) => ({ ...m, phrase: q })));
  all.sort((a, b) => b.readRate - a.readRate || a.start - b.start);
  const kept: Asked[] = [];
  for (const a of all) if (!kept.some((k) => a.start < k.end && k.start < a.end)) kept.push(a);
  return kept.sort((a, b) => a.start - b.start);
}

type Asked = PhraseMatch & { phrase: string };

/** What a question asks about: the rule's affirmative answers that the question itself names (清楚 in "您是否清楚"). */
function topicOf(rule: CheckOf<'customer_answers'>, asked: Asked): Set<string> {
  const heard = ` ${pinyinOf(normalizeForMatch(asked.heard)).join(' ')} `;
  return new Set(rule.affirmative.filter((w) => [...w].length >= 2 && heard.includes(` ${pinyinOf(normalizeForMatch(w)).join(' ')} `)));
}

function answersOutcome(rule: CheckOf<'customer_answers'>, ev: EvidenceSet): RuleOutcome {
  const problem = speechProblem(rule.id, rule.says, ev);
  if (problem) return rule.advisory ? { ...problem, applies: false, verdict: 'CANNOT_JUDGE', reason: `not applied: ${problem.reason}` } : problem;
  const speech = ev.speech as SpeechEvidence;
  const stream = streamOf(speech);
  const values = sidecarValues(ev);
  const best = bestPhrase(stream, rule.question, rule.minReadRate, values);
  const askings = rule.askings === 'first' ? (best ? [best] : []) : askingsOf(rule, stream, values);
  if (askings.length === 0) {
    if (rule.advisory) return { ruleId: rule.id, applies: false, verdict: 'CANNOT_JUDGE', reason: `not applied: the question “${rule.label}” was not asked (advisory)`, evidence: [] };
    const closest = bestPhrase(stream, rule.question, 0, values);
    const reason = `${rule.says}: the question “${rule.label}” was not heard${closest ? ` (closest “${closest.heard}” at ${closest.from.toFixed(1)} s, read-rate ${closest.readRate.toFixed(2)})` : ''}`;
    if (speech.quality.status === 'poor') return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${reason}, but the audio is too poor to be sure`, evidence: [] };
    if ((closest?.readRate ?? 0) >= rule.failBelowReadRate) return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${reason}: too unsure to place the reply`, evidence: [] };
    if (rule.askings !== 'first') {
      const hidden = untranscribedSpeech(speech);
      if (hidden.length) return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${reason}, but ${hidden.reduce((t, h) => t + h.to - h.from, 0).toFixed(1)} s of speech could not be transcribed (${hidden.slice(0, 3).map((h) => span(h.from, h.to)).join(', ')}): it may be there`, evidence: [] };
    }
    const holes = damaged(ev, 'audio');
    if (holes.length) return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${reason}, but ${damagedText(holes, 'audio')}: it may have been asked there`, evidence: holes.map(defectItem) };
    return { ruleId: rule.id, verdict: 'FAIL', reason, evidence: [] };
  }
  const outcomes = askings.map((asked) => ({ asked, outcome: replyOutcome(rule, ev, speech, stream, asked) }));
  if (outcomes.length === 1) return outcomes[0]!.outcome;
  return combineAskings(rule, outcomes);
}

/**
 * Several askings. `any`: one answered is enough unless a reply refuses. `every`: each needs its answer,
 * but a re-ask of the same question (same topic) soon after an unclear reply supersedes that reply.
 */
function combineAskings(rule: CheckOf<'customer_answers'>, outcomes: { asked: Asked; outcome: RuleOutcome }[]): RuleOutcome {
  const evidence = outcomes.flatMap((o) => o.outcome.evidence);
  const passed = outcomes.filter((o) => o.outcome.verdict === 'PASS');
  const refused = outcomes.find((o) => o.outcome.verdict === 'FAIL' && /negation/.test(o.outcome.reason));
  if (rule.askings === 'any') {
    // The evidence is the asking that decided: other places the question's words occur are not questions the report should mark.
    if (refused) return refused.outcome;
    if (passed.length) return { ...passed[0]!.outcome, reason: `${passed[0]!.outcome.reason} (${passed.length} of ${outcomes.length} askings answered)` };
    const failed = outcomes.find((o) => o.outcome.verdict === 'FAIL');
    return (failed ?? outcomes[0]!).outcome;
  }
  const standing = outcomes.filter((o, i) => {
    if (o.outcome.verdict === 'PASS') return false;
    const topic = topicOf(rule, o.asked);
    return !outcomes.slice(i + 1).some((later) => later.outcome.verdict === 'PASS' && later.asked.from - o.asked.to <= rule.reaskWithinS && [...topicOf(rule, later.asked)].some((t) => topic.has(t)));
  });
  const failed = standing.find((o) => o.outcome.verdict === 'FAIL');
  if (failed) return { ...failed.outcome, evidence };
  if (standing.length) return { ...standing[0]!.outcome, evidence };
  return { ...passed[0]!.outcome, reason: `every one of ${outcomes.length} askings answered: ${passed.map((p) => `“${p.asked.heard}” → ${p.outcome.evidence.find((e) => e.kind === 'speech:reply')?.text ?? '?'}`).join('; ')}`, evidence };
}

function replyOutcome(rule: CheckOf<'customer_answers'>, ev: EvidenceSet, speech: SpeechEvidence, stream: ReturnType<typeof streamOf>, asked: Asked): RuleOutcome {
  const question: EvidenceItem = { from: asked.from, to: asked.to, kind: 'speech:question', text: asked.heard };
  const region = replyRegion(speech.vad, asked.to, rule.windowS, speech.parties);
  if (!region) {
    const holes = damagedNear(ev, 'audio', asked.to, asked.to + rule.windowS);
    if (holes.length) {
      return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: no reply heard within ${rule.windowS} s after “${asked.heard}” (${span(asked.from, asked.to)}), but ${damagedText(holes, 'audio')}: the reply may be there`, evidence: [question, ...holes.map(defectItem)] };
    }
    return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: no reply within ${rule.windowS} s after “${asked.heard}” (${span(asked.from, asked.to)})`, evidence: [question] };
  }
  const replied = replySyllables(stream, asked.end, region);
  const replyText = replied.map((s) => s.char).join('');
  const reply: EvidenceItem = { from: region.from, to: region.to, kind: 'speech:reply', text: replyText || '(unintelligible)' };
  const evidence = [question, reply];
  const faceCheck = (): RuleOutcome | null => {
    if (!rule.faces) return null;
    const seen = facesDuring(ev, region, rule.faces, `${rule.says} (reply ${span(region.from, region.to)})`);
    return seen ? { ruleId: rule.id, ...seen, evidence } : null;
  };
  if (rule.accept === 'any') {
    reply.answered = true;
    return faceCheck() ?? { ruleId: rule.id, verdict: 'PASS', reason: `replied “${replyText || '(speech)'}” ${span(region.from, region.to)} to “${asked.heard}”`, evidence };
  }
  const negative = heardAny(replied, rule.negative.filter((n) => n.length > 1));
  if (negative) return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: the reply “${replyText}” is a negation (${negative})`, evidence };
  const yes = heardAny(replied, rule.affirmative);
  if (yes && !(replied[0]?.syl === 'bu' && replied.length <= 3)) {
    reply.answered = true;
    return faceCheck() ?? { ruleId: rule.id, verdict: 'PASS', reason: `affirmative reply “${replyText}” (${yes}) ${span(region.from, region.to)} to “${asked.heard}”`, evidence };
  }
  const fillers = new Set(rule.filler.flatMap((f) => pinyinOf(normalizeForMatch(f))));
  if (replied.length && replied.every((s) => fillers.has(s.syl))) {
    return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: the reply is only “${replyText}”, not a clear answer`, evidence };
  }
  // Nothing (or nothing clear) transcribed: the forced-alignment scores at the reply decide.
  const near = { from: region.from - 0.3, to: region.from + 0.3 };
  const yesScore = verifiedScore(speech, rule.affirmative, near);
  const noScore = verifiedScore(speech, [...rule.negative, ...rule.filler], near);
  if (yesScore && yesScore.score >= rule.minScore && (!noScore || yesScore.score > 2 * noScore.score)) {
    reply.answered = true;
    return faceCheck() ?? { ruleId: rule.id, verdict: 'PASS', reason: `a reply at ${span(region.from, region.to)} verified as affirmative against the audio (score ${yesScore.score.toFixed(3)})`, evidence };
  }
  if (replyText) return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: the reply “${replyText}” is not an affirmative answer`, evidence };
  if (noScore && noScore.score >= rule.minScore) return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: the reply at ${span(region.from, region.to)} fits a negation or filler, not an affirmative (score ${noScore.score.toFixed(3)})`, evidence };
  return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: the reply at ${span(region.from, region.to)} could not be understood`, evidence };
}

/** On audio too poor to judge, what the transcript seems to show is not enough to FAIL: CANNOT_JUDGE, evidence kept. */
function unsureOnPoorAudio(outcome: RuleOutcome, ev: EvidenceSet): RuleOutcome {
  const quality = ev.speech?.quality;
  if (outcome.verdict !== 'FAIL' || quality?.status !== 'poor' || !ev.speech?.audio) return outcome;
  return { ...outcome, verdict: 'CANNOT_JUDGE', reason: `${outcome.reason} — but the audio is too poor to be sure (${quality.reason ?? 'poor'})` };
}

export function checkCustomerAnswers(rule: CheckOf<'customer_answers'>, ev: EvidenceSet): RuleOutcome {
  return unsureOnPoorAudio(answersOutcome(rule, ev), ev);
}
