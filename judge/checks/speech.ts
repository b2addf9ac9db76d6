// The statement checks: a required statement said, no misleading talk. They read the stored transcript
// (pinyin matching is pure) and the analyser's forced-alignment scores, so a changed rulebook re-judges
// without running the model. A statement FAILs only when it is absent from audio good enough to judge;
// otherwise it is CANNOT_JUDGE with the reason.
import type { SpeechEvidence } from '../../evidence/types';
import { compilePhrase, concreteTexts, findAll } from '../../speech/match';
import { normalizeForMatch } from '../../speech/normalize';
import { bestPhrase } from '../../speech/reply';
import type { EvidenceItem, EvidenceSet, RuleOutcome } from '../types';
import { span, type CheckOf } from './shared';
import { facesDuring, sidecarValues, speechProblem, streamOf, verifiedScore } from './speech-common';

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
