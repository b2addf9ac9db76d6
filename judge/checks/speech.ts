// The statement checks: a required statement said, no misleading talk. They read the stored transcript
// (pinyin matching is pure) and the analyser's forced-alignment scores, so a changed rulebook re-judges
// without running the model. A statement FAILs only when it is absent from audio good enough to judge;
// otherwise it is CANNOT_JUDGE with the reason.
import type { SpeechEvidence } from '../../evidence/types';
import { compilePhrase, concreteTexts, findAll } from '../../speech/match';
import { normalizeForMatch } from '../../speech/normalize';
import { bestPhrase } from '../../speech/reply';
import type { EvidenceItem, EvidenceSet, RuleOutcome } from '../types';
import { damaged, damagedText, defectItem, span, type CheckOf } from './shared';
import { facesDuring, sidecarValues, speechProblem, streamOf, untranscribedSpeech, verifiedScore } from './speech-common';
import { findConcept } from '../../speech/concept';

type Found = { from: number; to: number; text: string; how: string };

const VALUE_NAMES = { licence: 'licence number', agentName: 'name' } as const;

/** Where the statement is heard: the insurer's own words first, then the rulebook's wordings, then its key terms. */
function heardStatement(rule: CheckOf<'statement_said'>, speech: SpeechEvidence, values: Record<string, string | undefined>): Found | null {
  const stream = streamOf(speech);
  const own = rule.insurerPhrases.length ? bestPhrase(stream, rule.insurerPhrases, rule.minReadRate, values) : null;
  if (own) return { from: own.from, to: own.to, text: own.heard, how: `heard in the insurer’s own words “${own.heard}” (read-rate ${own.readRate.toFixed(2)})` };
  const heard = rule.phrases.length ? bestPhrase(stream, rule.phrases, rule.minReadRate, values) : null;
  if (heard) return { from: heard.from, to: heard.to, text: heard.heard, how: `heard “${heard.heard}” (read-rate ${heard.readRate.toFixed(2)})` };
  const concept = rule.concept ? findConcept(stream, rule.concept, values) : null;
  if (concept) return { from: concept.from, to: concept.to, text: concept.heard, how: `heard in other words “${concept.heard}” (key terms ${concept.terms.map((t) => `“${t}”`).join(' + ')}, weakest read-rate ${concept.readRate.toFixed(2)})` };
  const texts = [...rule.insurerPhrases, ...rule.phrases].flatMap((p) => concreteTexts(p, values));
  const v = verifiedScore(speech, texts);
  if (v && v.score >= rule.minScore) {
    return { from: v.from, to: v.from, text: v.text, how: `not in the transcript, but verified against the audio from ${v.from.toFixed(1)} s (forced-alignment score ${v.score.toFixed(3)} ≥ ${rule.minScore})` };
  }
  return null;
}

/**
 * The agent's name transcribed a syllable off (王丽华 as 王立缓) keeps the statement's other words from
 * matching it; when the analyser found the name there and the audio confirms the record, the statement is
 * matched with the name left open — only where the analyser heard it.
 */
function heardWithConfirmedName(rule: CheckOf<'statement_said'>, speech: SpeechEvidence, values: Record<string, string | undefined>): Found | null {
  const checked = speech.values.agentName;
  if (!values.agentName || !checked || checked.expected !== 'near' || checked.from === undefined || checked.to === undefined) return null;
  if (!confirmedByAudio('agentName', checked, rule.minScore)) return null;
  const found = heardStatement(rule, speech, { ...values, agentName: undefined });
  const { from, to } = checked;
  return found && found.from <= to + NAME_NEAR_S && found.to >= from - NAME_NEAR_S ? found : null;
}

/** How far (s) the statement matched with the name left open may lie from where the analyser heard the name. */
const NAME_NEAR_S = 1;

/**
 * A number or name only the insurer's record knows (licence, agent name), checked by the analyser. FAIL
 * needs another value confidently heard: the cue heard, what followed differs in 3+ syllables (not a
 * recogniser's slip), and the recorded value does not verify against the audio. Anything less is unsure.
 */
function valueOutcome(rule: CheckOf<'statement_said'>, speech: SpeechEvidence, evidence: EvidenceItem[]): RuleOutcome | null {
  for (const name of ['licence', 'agentName'] as const) {
    if (![...rule.phrases, ...rule.insurerPhrases].some((p) => p.includes(`{${name}}`))) continue;
    const checked = speech.values[name];
    if (!checked || checked.expected === 'exact') continue;
    const what = VALUE_NAMES[name];
    if (checked.expected === 'near') {
      if (confirmedByAudio(name, checked, rule.minScore)) continue;
      const scores = checked.verifyScore !== undefined ? `; forced alignment: the record ${checked.verifyScore.toFixed(3)}${checked.heardScore !== undefined ? `, what the recogniser wrote ${checked.heardScore.toFixed(3)}` : ''}` : '';
      return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: the ${what} said is close to the record but not clearly the same (${checked.differs ?? '?'} syllables differ: a recogniser’s slip is likely${scores})`, evidence };
    }
    // Far from the transcript but the audio fits the record much better than what was written: a garbled transcript.
    if (confirmedByAudio(name, checked, rule.minScore)) continue;
    const verified = checked.verifyScore !== undefined ? `the recorded ${what} scores ${checked.verifyScore.toFixed(3)} against the audio` : `the recorded ${what} was not verified against the audio`;
    // Only a number FAILs: a name is three syllables Whisper base garbles under noise (a 10 dB recording's
    // right name came out as another one, 3 syllables off), so a name that differs is for a reviewer.
    if (name === 'licence' && checked.cueHeard && (checked.differs ?? 0) >= MIN_DIFFERING_SYLLABLES && checked.verifyScore !== undefined && checked.verifyScore < rule.minScore) {
      return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: another ${what} was said, not the insurer’s record (${checked.differs} syllables differ; ${verified} < ${rule.minScore})`, evidence };
    }
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: the ${what} said could not be confirmed as the insurer’s record (${checked.cueHeard ? `${checked.differs ?? '?'} syllables differ` : 'its cue was not clearly heard'}; ${verified})`, evidence };
  }
  return null;
}

/**
 * A value the transcript has close to the record (a syllable or two off) is the record when the audio says
 * so: its forced-alignment score is a said text's (≥ minScore) and not far below the score of what the
 * recogniser wrote at the same place (a stranger's name scores 0.01).
 */
function confirmedByAudio(name: 'licence' | 'agentName', checked: { verifyScore?: number; heardScore?: number }, minScore: number): boolean {
  return checked.verifyScore !== undefined && checked.heardScore !== undefined && checked.verifyScore >= minScore && checked.verifyScore >= CONFIRM_RATIO[name] * checked.heardScore;
}
/**
 * Names: the recogniser writes a commoner homophone-like name (the record scored 0.19–0.29 against
 * 0.38–0.73 for it on 10 recordings, 0.27–0.75 of it); numbers: a digit is rarely misheard, and a number
 * two digits off scored 0.37 of the said one, so a number needs half.
 */
const CONFIRM_RATIO = { agentName: 0.25, licence: 0.5 } as const;

/** A different value, not a slip: more syllables differ than a recogniser gets wrong in one number. */
const MIN_DIFFERING_SYLLABLES = 3;

export function checkStatementSaid(rule: CheckOf<'statement_said'>, ev: EvidenceSet): RuleOutcome {
  const problem = speechProblem(rule.id, rule.says, ev);
  if (problem) return rule.advisory ? { ...problem, applies: false, verdict: 'CANNOT_JUDGE', reason: `not applied: ${problem.reason}` } : problem;
  const speech = ev.speech as SpeechEvidence;
  const values = sidecarValues(ev);
  const found = heardStatement(rule, speech, values) ?? heardWithConfirmedName(rule, speech, values);
  if (!found) {
    if (rule.advisory) return { ruleId: rule.id, applies: false, verdict: 'CANNOT_JUDGE', reason: `not applied: “${rule.label}” not heard (advisory: its absence fails nothing)`, evidence: [] };
    return absentOutcome(rule, speech, values, ev);
  }
  const evidence: EvidenceItem[] = [{ from: found.from, to: found.to, kind: 'speech:statement', text: found.text }];
  const value = valueOutcome(rule, speech, evidence);
  if (value) return value;
  if (rule.faces) {
    const seen = facesDuring(ev, found, rule.faces, `${rule.says} (“${rule.label}” ${span(found.from, found.to)})`);
    if (seen) return { ruleId: rule.id, ...seen, evidence };
  }
  return { ruleId: rule.id, verdict: 'PASS', reason: `“${rule.label}” ${found.how} at ${span(found.from, found.to)}${confirmedValues(rule, speech)}`, evidence };
}

/** For a PASS: the values the transcript had slightly wrong that the audio confirmed, with the scores. */
function confirmedValues(rule: CheckOf<'statement_said'>, speech: SpeechEvidence): string {
  const notes = (['licence', 'agentName'] as const).flatMap((name) => {
    const checked = speech.values[name];
    if (!checked || checked.expected === 'exact' || ![...rule.phrases, ...rule.insurerPhrases].some((p) => p.includes(`{${name}}`))) return [];
    return [`the ${VALUE_NAMES[name]} transcribed ${checked.differs} syllable(s) off the record, but the audio fits the record (forced alignment ${checked.verifyScore?.toFixed(3)} against ${checked.heardScore?.toFixed(3)} for the transcript)`];
  });
  return notes.length ? `; ${notes.join('; ')}` : '';
}

/**
 * Not found. FAIL needs evidence of absence: good audio, every stretch of speech transcribed (none long
 * enough to hide the statement), no wording even partly heard, and no wording verified against the audio.
 * A value statement whose cue was heard is judged on its value instead.
 */
function absentOutcome(rule: CheckOf<'statement_said'>, speech: SpeechEvidence, values: Record<string, string | undefined>, ev: EvidenceSet): RuleOutcome {
  const stream = streamOf(speech);
  const best = bestPhrase(stream, [...rule.insurerPhrases, ...rule.phrases], 0, values);
  const near = best ? `; closest heard “${best.heard}” at ${best.from.toFixed(1)} s (read-rate ${best.readRate.toFixed(2)})` : '';
  const item: EvidenceItem[] = best ? [{ from: best.from, to: best.to, kind: 'speech:closest', text: best.heard }] : [];
  const value = valueOutcome(rule, speech, item);
  if (value && Object.values(speech.values).some((v) => v?.cueHeard)) return value;
  if (speech.quality.status === 'poor') {
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: “${rule.label}” not found, but the audio is too poor to be sure (${speech.quality.reason})${near}`, evidence: item };
  }
  const v = verifiedScore(speech, [...rule.insurerPhrases, ...rule.phrases].flatMap((p) => concreteTexts(p, values)));
  const scored = v ? `best forced-alignment score ${v.score.toFixed(3)} < ${rule.minScore}` : 'not verified against the audio';
  if ((best?.readRate ?? 0) >= rule.failBelowReadRate) {
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: “${rule.label}” only partly heard (${scored})${near}`, evidence: item };
  }
  const hidden = untranscribedSpeech(speech);
  if (hidden.length) {
    const where = hidden.slice(0, 3).map((h) => span(h.from, h.to)).join(', ');
    const total = hidden.reduce((t, h) => t + h.to - h.from, 0);
    return {
      ruleId: rule.id,
      verdict: 'CANNOT_JUDGE',
      reason: `${rule.says}: “${rule.label}” not found, but ${total.toFixed(1)} s of speech could not be transcribed (${where}${hidden.length > 3 ? ', …' : ''}): it may be there${near}`,
      evidence: [...item, ...hidden.slice(0, 3).map((h) => ({ from: h.from, to: h.to, kind: 'speech:untranscribed' }))],
    };
  }
  // Not heard is not "not said" where the sound could not be decoded.
  const holes = damaged(ev, 'audio');
  if (holes.length) {
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: “${rule.label}” not heard, but ${damagedText(holes, 'audio')}: it may have been said there${near}`, evidence: [...item, ...holes.map(defectItem)] };
  }
  return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: “${rule.label}” was not said (the whole speech transcribed, no wording or key terms found; ${scored})${near}`, evidence: item };
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
