// The speech rule checks: statements said, misleading talk, the customer's replies. They read the
// stored transcript (pinyin matching is pure) and the analyser's forced-alignment scores, so a changed
// rulebook re-judges without running the model. A statement FAILs only when it is absent from audio good
// enough to judge; otherwise it is CANNOT_JUDGE with the reason.
import type { SpeechEvidence } from '../evidence/types';
import type { Rule } from '../rules/schema';
import { compilePhrase, concreteTexts, findAll } from '../speech/match';
import { normalizeForMatch } from '../speech/normalize';
import { bestPhrase, heardAny, replyRegion, replySyllables, type Span } from '../speech/reply';
import { pinyinOf, syllableStream, type Syllable } from '../speech/syllables';
import type { EvidenceItem, EvidenceSet, RuleOutcome } from './types';

type CheckOf<K extends Rule['check']> = Extract<Rule, { check: K }>;

const span = (from: number, to: number): string => `${from.toFixed(1)}–${to.toFixed(1)} s`;

const streams = new WeakMap<SpeechEvidence, Syllable[]>();
function streamOf(speech: SpeechEvidence): Syllable[] {
  let s = streams.get(speech);
  if (!s) {
    s = syllableStream(speech.segments);
    streams.set(speech, s);
  }
  return s;
}

/** Why speech cannot be judged at all, or null; a missing audio stream is a FAIL (nothing was said). */
function speechProblem(ruleId: string, says: string, ev: EvidenceSet): RuleOutcome | null {
  const speech = ev.speech;
  if (ev.integrity?.media && !ev.integrity.media.audio) {
    return { ruleId, verdict: 'FAIL', reason: `${says}: the recording has no audio`, evidence: [] };
  }
  if (!speech) {
    const failure = ev.failures?.speech;
    return { ruleId, verdict: 'CANNOT_JUDGE', reason: failure ? `${says}: the speech analysis failed (${failure})` : `${says}: no speech analysis`, evidence: [] };
  }
  if (!speech.audio) return { ruleId, verdict: 'FAIL', reason: `${says}: the recording has no audio`, evidence: [] };
  return null;
}

function sidecarValues(ev: EvidenceSet): Record<string, string | undefined> {
  const meta = ev.ingest?.sidecar.status === 'ok' ? ev.ingest.sidecar.meta : undefined;
  return { agentName: meta?.agent?.name };
}

/** The best forced-alignment score recorded for any of these texts (compared in normalised form). */
function verifiedScore(speech: SpeechEvidence, texts: string[], near?: Span): { score: number; from: number } | null {
  const wanted = new Set(texts.map(normalizeForMatch));
  let best: { score: number; from: number } | null = null;
  for (const v of speech.verification) {
    if (!wanted.has(normalizeForMatch(v.text))) continue;
    if (near && (v.from < near.from - 0.5 || v.from > near.to)) continue;
    if (!best || v.score > best.score) best = { score: v.score, from: v.from };
  }
  return best;
}

/**
 * Whether at least `need` people are visible throughout a span: null when they are, else the verdict and
 * why (too dark or black: CANNOT_JUDGE; fewer people in a visible picture: FAIL).
 */
function facesDuring(ev: EvidenceSet, s: Span, need: number, what: string): { verdict: 'FAIL' | 'CANNOT_JUDGE'; reason: string } | null {
  if (ev.integrity?.media && !ev.integrity.media.video) return { verdict: 'FAIL', reason: `${what}: the recording has no picture` };
  const faces = ev.faces;
  if (!faces) return { verdict: 'CANNOT_JUDGE', reason: `${what}: no face analysis${ev.failures?.faces ? ` (${ev.failures.faces})` : ''}` };
  const overlaps = (a: Span): boolean => a.from < s.to && s.from < a.to;
  const blind = [...faces.unusable, ...faces.excluded].filter(overlaps);
  // Count over the middle of the span: a face turning at its edges is not an absence.
  const inner = { from: s.from + (s.to - s.from) * 0.2, to: s.to - (s.to - s.from) * 0.2 };
  const few = faces.faces.filter((f) => f.from < inner.to && inner.from < f.to && f.count < need);
  const fewS = few.reduce((t, f) => t + Math.min(f.to, inner.to) - Math.max(f.from, inner.from), 0);
  if (fewS > 0.5 * Math.max(0.2, inner.to - inner.from) && !blind.length) {
    return { verdict: 'FAIL', reason: `${what}: fewer than ${need} people in frame ${span(s.from, s.to)}` };
  }
  if (blind.length) return { verdict: 'CANNOT_JUDGE', reason: `${what}: the picture cannot show who is there ${span(s.from, s.to)}` };
  return null;
}

export function checkStatementSaid(rule: CheckOf<'statement_said'>, ev: EvidenceSet): RuleOutcome {
  const problem = speechProblem(rule.id, rule.says, ev);
  if (problem) return rule.advisory ? { ...problem, applies: false, verdict: 'CANNOT_JUDGE', reason: `not applied: ${problem.reason}` } : problem;
  const speech = ev.speech as SpeechEvidence;
  const values = sidecarValues(ev);
  const heard = bestPhrase(streamOf(speech), rule.phrases, rule.minReadRate, values);
  let found: { from: number; to: number; text: string; how: string } | null = null;
  if (heard) {
    found = { from: heard.from, to: heard.to, text: heard.heard, how: `heard “${heard.heard}” (read-rate ${heard.readRate.toFixed(2)})` };
  } else {
    const texts = rule.phrases.flatMap((p) => concreteTexts(p, values));
    const v = verifiedScore(speech, texts);
    if (v && v.score >= rule.minScore) {
      found = { from: v.from, to: v.from, text: texts[0] ?? rule.label, how: `not in the transcript, but verified against the audio from ${v.from.toFixed(1)} s (forced-alignment score ${v.score.toFixed(3)} ≥ ${rule.minScore})` };
    } else if (rule.advisory) {
      return { ruleId: rule.id, applies: false, verdict: 'CANNOT_JUDGE', reason: `not applied: “${rule.label}” not heard (advisory: its absence fails nothing)`, evidence: [] };
    } else {
      const best = bestPhrase(streamOf(speech), rule.phrases, 0, values);
      const near = best ? `; closest heard “${best.heard}” at ${best.from.toFixed(1)} s (read-rate ${best.readRate.toFixed(2)})` : '';
      const item: EvidenceItem[] = best ? [{ from: best.from, to: best.to, kind: 'speech:closest', text: best.heard }] : [];
      if (speech.quality.status === 'poor') {
        return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: “${rule.label}” not found, but the audio is too poor to be sure (${speech.quality.reason})${near}`, evidence: item };
      }
      const scored = v ? `best forced-alignment score ${v.score.toFixed(3)} < ${rule.minScore}` : 'not verified against the audio';
      if ((best?.readRate ?? 0) >= rule.failBelowReadRate) {
        return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: “${rule.label}” only partly heard (${scored})${near}`, evidence: item };
      }
      return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: “${rule.label}” was not said (not in the transcript; ${scored})${near}`, evidence: item };
    }
  }
  const evidence: EvidenceItem[] = [{ from: found.from, to: found.to, kind: 'speech:statement', text: found.text }];
  // Values only the sidecar knows were checked by the analyser.
  for (const name of ['licence', 'agentName'] as const) {
    if (!rule.phrases.some((p) => p.includes(`{${name}}`))) continue;
    const checked = speech.values[name];
    if (checked?.expected === 'absent') return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: the ${name === 'licence' ? 'licence number' : 'name'} said is not the insurer’s record`, evidence };
    if (checked?.expected === 'near') return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: the ${name === 'licence' ? 'licence number' : 'name'} said is close to the record but not clearly the same`, evidence };
  }
  if (rule.faces) {
    const seen = facesDuring(ev, found, rule.faces, `${rule.says} (“${rule.label}” ${span(found.from, found.to)})`);
    if (seen) return { ruleId: rule.id, ...seen, evidence };
  }
  return { ruleId: rule.id, verdict: 'PASS', reason: `“${rule.label}” ${found.how} at ${span(found.from, found.to)}`, evidence };
}

export function checkNoMisleadingTalk(rule: CheckOf<'no_misleading_talk'>, ev: EvidenceSet): RuleOutcome {
  const speech = ev.speech;
  if (ev.integrity?.media && !ev.integrity.media.audio) return { ruleId: rule.id, applies: false, verdict: 'CANNOT_JUDGE', reason: 'not applied: no audio', evidence: [] };
  if (!speech?.audio) return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: no speech analysis${ev.failures?.speech ? ` (${ev.failures.speech})` : ''}`, evidence: [] };
  const stream = streamOf(speech);
  const negations = rule.negations.map((n) => normalizeForMatch(n));
  const hits: EvidenceItem[] = [];
  for (const phrase of rule.phrases) {
    for (const m of findAll(stream, compilePhrase(phrase), rule.minReadRate)) {
      const before = stream
        .slice(Math.max(0, m.start - 3), m.start)
        .map((s) => s.char)
        .join('');
      if (negations.some((n) => before.endsWith(n) || before.slice(-2).includes(n))) continue;
      const context = stream
        .slice(Math.max(0, m.start - 6), Math.min(stream.length, m.end + 6))
        .map((s) => s.char)
        .join('');
      hits.push({ from: m.from, to: m.to, kind: 'speech:misleading', text: `“${m.heard}” in “…${context}…”` });
    }
  }
  if (hits.length) {
    hits.sort((a, b) => a.from - b.from);
    if (speech.quality.status === 'poor') {
      return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: possibly ${hits.map((h) => `${h.text} at ${h.from.toFixed(1)} s`).join('; ')} — but the audio is too poor to be sure (${speech.quality.reason})`, evidence: hits };
    }
    return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: ${hits.map((h) => `${h.text} at ${h.from.toFixed(1)} s`).join('; ')}`, evidence: hits };
  }
  if (speech.quality.status === 'poor') return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: the audio is too poor to be sure (${speech.quality.reason})`, evidence: [] };
  return { ruleId: rule.id, verdict: 'PASS', reason: `none of ${rule.phrases.length} misleading phrases heard`, evidence: [] };
}

function answersOutcome(rule: CheckOf<'customer_answers'>, ev: EvidenceSet): RuleOutcome {
  const problem = speechProblem(rule.id, rule.says, ev);
  if (problem) return problem;
  const speech = ev.speech as SpeechEvidence;
  const stream = streamOf(speech);
  const asked = bestPhrase(stream, rule.question, rule.minReadRate, sidecarValues(ev));
  if (!asked) {
    const closest = bestPhrase(stream, rule.question, 0, sidecarValues(ev));
    const reason = `${rule.says}: the question “${rule.label}” was not heard${closest ? ` (closest “${closest.heard}” at ${closest.from.toFixed(1)} s, read-rate ${closest.readRate.toFixed(2)})` : ''}`;
    if (speech.quality.status === 'poor') return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${reason}, but the audio is too poor to be sure`, evidence: [] };
    if ((closest?.readRate ?? 0) >= rule.failBelowReadRate) return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${reason}: too unsure to place the reply`, evidence: [] };
    return { ruleId: rule.id, verdict: 'FAIL', reason, evidence: [] };
  }
  const question: EvidenceItem = { from: asked.from, to: asked.to, kind: 'speech:question', text: asked.heard };
  const region = replyRegion(speech.vad, asked.to, rule.windowS, speech.parties);
  if (!region) {
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
