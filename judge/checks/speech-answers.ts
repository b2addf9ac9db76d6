// The customer's reply to a question (customer_answers): the question placed in the transcript, the first
// reply after it read as affirmative, negation or filler, and the forced-alignment scores deciding when
// the transcript holds nothing clear. On poor audio a reply that seems wrong is CANNOT_JUDGE, not FAIL.
import type { SpeechEvidence } from '../../evidence/types';
import { normalizeForMatch } from '../../speech/normalize';
import { compilePhrase, findAll, type PhraseMatch } from '../../speech/match';
import { bestPhrase, heardAffirmative, heardAny, replyRegion, replySyllables } from '../../speech/reply';
import { pinyinOf, type Syllable } from '../../speech/syllables';
import type { EvidenceItem, EvidenceSet, RuleOutcome } from '../types';
import { leansToAgent, proxyByVoice, proxyOnAgentChannel, QUESTION_END, QUESTION_IN_REPLY } from './speech-proxy';
import { damaged, damagedNear, damagedText, defectItem, span, type CheckOf } from './shared';
import { facesDuring, sidecarValues, speechProblem, streamOf, untranscribedSpeech, verifiedScore } from './speech-common';

/** Where any of the rule's questions is heard, earliest first; overlapping matches keep the better one. */
function askingsOf(rule: CheckOf<'customer_answers'>, stream: ReturnType<typeof streamOf>, values: Record<string, string | undefined>, vad: { from: number; to: number }[]): Asked[] {
  const all: Asked[] = rule.question.flatMap((q) => findAll(stream, compilePhrase(q, values), rule.minReadRate).map((m) => ({ ...m, phrase: q })));
  all.sort((a, b) => b.readRate - a.readRate || a.start - b.start);
  const kept: Asked[] = [];
  for (const a of all) if (!kept.some((k) => a.start < k.end && k.start < a.end)) kept.push(a);
  return kept.filter((a) => !acrossTurns(a, stream, vad)).sort((a, b) => a.start - b.start);
}

type Asked = PhraseMatch & { phrase: string; /** The agent's next question came instead of a reply. */ unanswered?: { from: number; to: number } };

/**
 * A question ends in one breath: a match whose last word lies in another voice-activity region than the
 * word before it (…都明白。| 麻烦您… read as 明白吗) is not one. (Its first word may bleed into the previous
 * region: Whisper times a segment's first word loosely.)
 */
function acrossTurns(asked: Asked, stream: ReturnType<typeof streamOf>, vad: { from: number; to: number }[]): boolean {
  const regionOf = (t: number): number => vad.findIndex((r) => r.from <= t && t < r.to);
  const [prev, last] = [stream[asked.end - 2], stream[asked.end - 1]];
  if (!prev || !last) return false;
  // By where each word ends: Whisper stretches a segment's first word back to the previous segment's end.
  const [a, b] = [regionOf(prev.to - 0.05), regionOf(last.to - 0.05)];
  return a >= 0 && b >= 0 && a !== b;
}

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
  const askings = rule.askings === 'first' ? (best ? [best] : []) : askingsOf(rule, stream, values, speech.vad);
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
  const placed = answerable(rule, askings, speech, stream);
  const list: Asked[] = placed.length ? placed : askings;
  const outcomes = list.map((asked) => ({
    asked,
    outcome: asked.unanswered
      ? { ruleId: rule.id, verdict: 'FAIL' as const, reason: `${rule.says}: no reply after “${asked.heard}” (${span(asked.from, asked.to)}): the next turn is the agent’s next question (${span(asked.unanswered.from, asked.unanswered.to)})`, evidence: [{ from: asked.from, to: asked.to, kind: 'speech:question', text: asked.heard }] }
      : replyOutcome(rule, ev, speech, stream, asked),
  }));
  if (outcomes.length === 1) return outcomes[0]!.outcome;
  return combineAskings(rule, outcomes);
}

/** How far into a reply its answer may come (没有，都明白 has 明白 at the 4th syllable). */
const ANSWER_OPENING_SYLLABLES = 6;

/**
 * A long turn that opens as the agent's next instruction (请您…签名, 接下来…) is no reply: the customer said
 * nothing. A customer's 请问… (asking back) is not one of these openings.
 */
function agentGoesOn(replied: Syllable[], region: { from: number; to: number }): boolean {
  if (region.to - region.from < 2.5 || replied.length < 8) return false;
  const opening = replied.slice(0, 3).map((s) => s.char).join('');
  return AGENT_OPENINGS.some((w) => opening.startsWith(w)) && !opening.startsWith('请问');
}
const AGENT_OPENINGS = ['请您', '麻烦您', '接下来', '下面', '现在请', '现在给', '那我们'];

/** Whether a turn opens with one of the rule's short answers (是的, 好的, 不, 嗯…): the customer speaking. */
function opensWithAnswer(rule: CheckOf<'customer_answers'>, stream: ReturnType<typeof streamOf>, region: { from: number; to: number }, after: number): boolean {
  // Tighter than replySyllables' half second: the previous turn's last word must not open this one.
  const opening = ` ${replySyllables(stream, after, region).filter((s) => (s.from + s.to) / 2 >= region.from - 0.25).map((s) => s.syl).join(' ')} `;
  return [...rule.affirmative, ...rule.negative, ...rule.filler].some((w) => {
    const syls = pinyinOf(normalizeForMatch(w));
    return syls.length > 0 && syls.length <= 3 && opening.startsWith(` ${syls.join(' ')} `);
  });
}

/**
 * Askings the customer had a turn to answer. When the turn after an asking holds the next one, either the
 * customer's reply echoes the question's words (是的，我是本人 after 您是本人吗: it opens with an answer, so
 * it is a reply, not an asking), or the agent went on (请出示您的身份证, then 您是张建国本人吗 before any
 * reply) and the later asking is the one answered.
 */
function answerable(rule: CheckOf<'customer_answers'>, askings: Asked[], speech: SpeechEvidence, stream: ReturnType<typeof streamOf>): Asked[] {
  const kept: Asked[] = [];
  let echoesUntil = -Infinity;
  for (const [i, asked] of askings.entries()) {
    // The question's words inside the previous asking's reply (我都清楚 after 您是否都清楚了): an answer.
    if (asked.from < echoesUntil) continue;
    // The customer's words 是本人 in 是的，我是本人: an answer, not an asking.
    const own = speech.vad.find((r) => r.from <= asked.from && asked.from < r.to);
    if (own && own.from < asked.from - 0.3 && opensWithAnswer(rule, stream, own, 0)) continue;
    const region = replyRegion(speech.vad, asked.to, rule.windowS, speech.parties);
    const next = askings.slice(i + 1).find((b) => region && b.from < region.to && b.to > region.from);
    if (region && next) {
      // A turn that ends as a question (…本人吗) is the agent asking again; otherwise it is the reply.
      if (endsAsQuestion(stream, region)) {
        // One answered asking is enough ('any'); where each needs its answer, this one got none, unless the
        // agent asked twice in one breath (我讲清楚了吗？您听懂了吗？: one reply answers both).
        if (rule.askings === 'every' && region.from - asked.to >= DOUBLE_QUESTION_GAP_S) kept.push({ ...asked, unanswered: region });
        continue;
      }
      echoesUntil = region.to;
    }
    kept.push(asked);
  }
  return kept;
}

/** A pause shorter than this between two askings is one breath (a double question), not a wait for a reply. */
const DOUBLE_QUESTION_GAP_S = 1;

/** Whether a turn's last word is a question particle (吗, 呢; Whisper also writes 吗 as 嘛, 麻, 骂). */
function endsAsQuestion(stream: ReturnType<typeof streamOf>, region: { from: number; to: number }): boolean {
  const inside = stream.filter((s) => s.to - 0.05 >= region.from && s.to - 0.05 < region.to);
  const last = inside[inside.length - 1];
  return last !== undefined && (last.syl === 'ma' || last.syl === 'ne');
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

/**
 * `placed`: where the reply is, when the caller knows better than turn order (the answer after a question the
 * agent asked inside what looked like the reply).
 */
function replyOutcome(rule: CheckOf<'customer_answers'>, ev: EvidenceSet, speech: SpeechEvidence, stream: ReturnType<typeof streamOf>, asked: Asked, placed?: { from: number; to: number }): RuleOutcome {
  const question: EvidenceItem = { from: asked.from, to: asked.to, kind: 'speech:question', text: asked.heard };
  // On a microphone per party the customer's reply is looked for on the customer's channel only; an answer on
  // the agent's channel in its place is 代答, not "no reply" (nor a later reply to another question).
  const onChannel = placed ? null : proxyOnAgentChannel(rule, speech, stream, asked);
  if (onChannel) {
    const { region: r, text, because } = onChannel;
    return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: 代答 — the answer “${text}” ${span(r.from, r.to)} to “${asked.heard}” is the agent’s (${because})`, evidence: [question, { from: r.from, to: r.to, kind: 'speech:reply', text }] };
  }
  const region = placed ?? replyRegion(speech.vad, asked.to, rule.windowS, speech.parties);
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
  // A "reply" that holds a question is the agent asking again (您是投保人本人对吧, heard as 被人堆罢) with the
  // customer's short answer merged into it: the voice is the agent's, but that is not 代答.
  const asksAgain = QUESTION_IN_REPLY.test(replyText);
  const proxy = asksAgain ? null : proxyByVoice(rule, speech, region);
  if (proxy) return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: 代答 — the reply “${replyText || '(speech)'}” ${span(region.from, region.to)} is in the agent’s voice (${proxy})`, evidence };
  // A reply that would pass but whose voice leans to the agent (too short or too close to be sure): to be listened to.
  const lean = asksAgain ? null : leansToAgent(rule, speech, region);
  const passUnlessLean = (o: RuleOutcome): RuleOutcome =>
    o.verdict === 'PASS' && lean ? { ...o, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: the reply “${replyText || '(speech)'}” ${span(region.from, region.to)} may be the agent’s voice (代答?), too short or too close to tell (${lean}): to be listened to` } : o;
  if (rule.accept === 'any') {
    reply.answered = true;
    return passUnlessLean(faceCheck() ?? { ruleId: rule.id, verdict: 'PASS', reason: `replied “${replyText || '(speech)'}” ${span(region.from, region.to)} to “${asked.heard}”`, evidence });
  }
  // A refusal read through slips too when it is long enough not to be confused (没请明白 for 没听明白).
  const negative = heardAny(replied, rule.negative.filter((n) => n.length > 1)) ?? heardAffirmative(replied.slice(0, ANSWER_OPENING_SYLLABLES), rule.negative.filter((n) => [...n].length >= 3));
  if (negative) return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: the reply “${replyText}” is a negation (${negative})`, evidence };
  // An answer comes first (好的，我清楚了; 没有，都明白): a 好 at the end of a long turn is the agent going on (请您…签名…好).
  const yes = heardAffirmative(replied.slice(0, ANSWER_OPENING_SYLLABLES), rule.affirmative);
  if (yes && !(replied[0]?.syl === 'bu' && replied.length <= 3)) {
    reply.answered = true;
    return passUnlessLean(faceCheck() ?? { ruleId: rule.id, verdict: 'PASS', reason: `affirmative reply “${replyText}” (${yes}) ${span(region.from, region.to)} to “${asked.heard}”`, evidence });
  }
  const fillers = new Set(rule.filler.flatMap((f) => pinyinOf(normalizeForMatch(f))));
  // A filler and one more syllable is the filler and the next turn's first word bleeding in (嗯弄 = 嗯 + 冷静期…).
  if (replied.length && (replied.every((s) => fillers.has(s.syl)) || (fillers.has(replied[0]!.syl) && replied.length <= 2))) {
    return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: the reply is only “${replyText}”, not a clear answer`, evidence };
  }
  // Nothing (or nothing clear) transcribed: the forced-alignment scores at the reply decide.
  const near = { from: region.from - 0.3, to: region.from + 0.3 };
  const yesScore = verifiedScore(speech, rule.affirmative, near);
  const noScore = verifiedScore(speech, [...rule.negative, ...rule.filler], near);
  if (yesScore && yesScore.score >= rule.minScore && (!noScore || yesScore.score > 2 * noScore.score)) {
    reply.answered = true;
    return passUnlessLean(faceCheck() ?? { ruleId: rule.id, verdict: 'PASS', reason: `a reply at ${span(region.from, region.to)} verified as affirmative against the audio (score ${yesScore.score.toFixed(3)})`, evidence });
  }
  if (agentGoesOn(replied, region)) {
    return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: no reply after “${asked.heard}”: the next turn (${span(region.from, region.to)}) is the agent going on (“${replyText.slice(0, 16)}…”)`, evidence };
  }
  // The audio fits a filler or refusal clearly better than any affirmative (嗯 0.046 against 对 0.022 for a bare 嗯 written 那).
  if (noScore && noScore.score >= rule.minScore / 2 && (!yesScore || noScore.score > 2 * yesScore.score)) {
    return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: the reply${replyText ? ` “${replyText}”` : ''} at ${span(region.from, region.to)} fits a negation or filler, not an affirmative (score ${noScore.score.toFixed(3)}${yesScore ? ` against ${yesScore.score.toFixed(3)}` : ''})`, evidence };
  }
  if (replied[0]?.syl === 'bu' && replied.length <= 3) return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: the reply “${replyText}” is not an affirmative answer (led by 不)`, evidence };
  // Words that are neither an answer, a refusal nor a filler are as likely a recogniser's garble (一线 for 行)
  // as a wrong answer: a reviewer listens; FAIL is kept for a refusal, a bare filler or no reply.
  const unsure: RuleOutcome = { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: the reply “${replyText}” ${span(region.from, region.to)} is not recognisably an answer (not affirmative, not a refusal): to be listened to`, evidence };
  if (replyText && asksAgain && !placed) return answerAfterQuestion(rule, ev, speech, stream, replied, region) ?? unsure;
  if (replyText) return unsure;
  if (noScore && noScore.score >= rule.minScore) return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: the reply at ${span(region.from, region.to)} fits a negation or filler, not an affirmative (score ${noScore.score.toFixed(3)})`, evidence };
  return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: the reply at ${span(region.from, region.to)} could not be understood`, evidence };
}

/**
 * What looked like the reply is the agent asking (麻烦您把身份证拿到镜头前面，请问您是投保人本人吧): the
 * customer answers that question, in what follows its last question particle or in the next turn. Only a
 * clear answer (affirmative, or a refusal) is taken from there; anything else stays for a reviewer.
 */
function answerAfterQuestion(rule: CheckOf<'customer_answers'>, ev: EvidenceSet, speech: SpeechEvidence, stream: ReturnType<typeof streamOf>, replied: Syllable[], region: { from: number; to: number }): RuleOutcome | null {
  let q = -1;
  replied.forEach((s, i) => {
    if (QUESTION_END.test(s.char)) q = i;
  });
  const particle = replied[q];
  if (!particle) return null;
  const end = stream.indexOf(particle) + 1;
  if (end <= 0) return null;
  const tail = replied.slice(q + 1);
  const placed = tail.length ? { from: tail[0]!.from, to: region.to } : replyRegion(speech.vad, region.to, rule.windowS, speech.parties);
  if (!placed) return null;
  const heard = replied.slice(0, q + 1).map((s) => s.char).join('');
  const again: Asked = { from: replied[0]!.from, to: particle.to, start: stream.indexOf(replied[0]!), end, readRate: 1, heard, phrase: heard };
  const out = replyOutcome(rule, ev, speech, stream, again, placed);
  const clear = out.verdict === 'PASS' || (out.verdict === 'FAIL' && /negation/.test(out.reason));
  return clear ? { ...out, reason: `${out.reason}: the agent’s own question, asked where the reply was expected` } : null;
}

/** On audio too poor to judge, what the transcript seems to show is not enough to FAIL: CANNOT_JUDGE, evidence kept. */
function unsureOnPoorAudio(outcome: RuleOutcome, ev: EvidenceSet): RuleOutcome {
  const quality = ev.speech?.quality;
  if (outcome.verdict !== 'FAIL' || quality?.status !== 'poor' || !ev.speech?.audio) return outcome;
  return { ...outcome, verdict: 'CANNOT_JUDGE', reason: `${outcome.reason} — but the audio is too poor to be sure (${quality.reason ?? 'poor'})` };
}

export function checkCustomerAnswers(rule: CheckOf<'customer_answers'>, ev: EvidenceSet): RuleOutcome {
  const outcome = unsureOnPoorAudio(answersOutcome(rule, ev), ev);
  if (rule.unsureReply !== 'not_applied' || outcome.verdict !== 'CANNOT_JUDGE' || outcome.applies === false) return outcome;
  return { ...outcome, applies: false, reason: `not applied: ${outcome.reason} (a confirmation the regulation does not require: an unsure reply judges nothing)` };
}
