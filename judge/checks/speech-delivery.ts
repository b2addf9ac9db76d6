// How a required statement was delivered (issue #22): read too fast to follow, or only partly said. The
// statement is placed by its anchor terms (责任免除, 犹豫期…); its key content is groups of synonymous terms
// heard near the anchor. Coverage is the share of the groups heard; the speaking rate is characters per
// second from the first key term heard to the last. Both are figures of the stored transcript (pure, so a
// changed limit re-judges stored evidence). A FAIL needs good audio, the statement found and the speech
// around it transcribed; a statement not found is statement_said's to judge, so this rule is then unapplied.
import type { SpeechEvidence } from '../../evidence/types';
import { compilePhrase, findPhrase, type PhraseMatch } from '../../speech/match';
import type { Span } from '../../speech/span';
import type { Syllable } from '../../speech/syllables';
import type { EvidenceItem, EvidenceSet, RuleOutcome } from '../types';
import { damagedNear, damagedText, span, type CheckOf } from './shared';
import { sidecarValues, speechProblem, streamOf, untranscribedSpeech } from './speech-common';

type Rule = CheckOf<'statement_delivery'>;

/** One placing of the statement: the anchor heard, and which key-content groups were heard within reach. */
export interface Delivery {
  anchor: PhraseMatch;
  /** Per group (anchor first): the hit used, or null when not heard within reach. */
  heard: (PhraseMatch | null)[];
  coverage: number;
  /** Stream indices and media times from the first key term heard to the last. */
  start: number;
  end: number;
  from: number;
  to: number;
  /** Characters per second over [from, to), or null when the span is too short to measure. */
  charsPerS: number | null;
}

/** Seconds around the statement in which untranscribed speech could hide the rest of it. */
const HIDDEN_MARGIN_S = 3;

function notApplied(rule: Rule, why: string): RuleOutcome {
  return { ruleId: rule.id, applies: false, verdict: 'CANNOT_JUDGE', reason: `not applied: ${why}`, evidence: [] };
}

/**
 * Every place a term is heard in stream[lo, hi), overlapping places kept once (the better read). Searched
 * at each start, since the matcher returns the best place of a range and an exact mention elsewhere would
 * hide a misheard one here (先警家职 for 现金价值, 退保 said twice in a row).
 */
function termHits(stream: Syllable[], terms: string[], minReadRate: number, values: Record<string, string | undefined>, lo: number, hi: number): PhraseMatch[] {
  const found: PhraseMatch[] = [];
  for (const term of terms) {
    const phrase = compilePhrase(term, values);
    if (phrase.tokens.every((t) => t.kind === 'any')) continue;
    const width = phrase.tokens.length + 2;
    for (let at = lo; at < hi; at++) {
      const m = findPhrase(stream, phrase, { start: at, end: Math.min(hi, at + width) });
      if (m && m.start === at && m.readRate >= minReadRate) found.push(m);
    }
  }
  const kept: PhraseMatch[] = [];
  for (const m of found.sort((x, y) => y.readRate - x.readRate || x.start - y.start)) {
    if (!kept.some((k) => k.start < m.end && m.start < k.end)) kept.push(m);
  }
  return kept.sort((x, y) => x.start - y.start);
}

/**
 * Every place the statement's anchor is heard, with its key content heard within reach. The best placing
 * is the one with the most content heard: a statement said once in full is never judged on an earlier
 * passing mention of its name.
 */
export function deliveries(stream: Syllable[], rule: Rule, values: Record<string, string | undefined> = {}, vad: Span[] = []): Delivery[] {
  const reach = rule.reachSyllables;
  const anchors = termHits(stream, rule.anchor, rule.minTermReadRate, values, 0, stream.length);
  return anchors.map((anchor) => {
    const lo = Math.max(0, anchor.start - reach);
    const hi = Math.min(stream.length, anchor.end + reach);
    const heard = [
      anchor,
      ...rule.keyContent.map((group) => {
        const near = termHits(stream, group, rule.minTermReadRate, values, lo, hi);
        return near.reduce<PhraseMatch | null>((best, h) => (!best || Math.abs(h.start - anchor.start) < Math.abs(best.start - anchor.start) ? h : best), null);
      }),
    ];
    const used = heard.filter((h): h is PhraseMatch => h !== null);
    const start = Math.min(...used.map((h) => h.start));
    const end = Math.max(...used.map((h) => h.end));
    const from = stream[start]?.from ?? anchor.from;
    const to = stream[end - 1]?.to ?? anchor.to;
    // The rate over the voice-activity regions the statement lies in: the recogniser's word times are
    // loose (a word stretched into the next pause), the voice-activity edges are not. Every syllable heard
    // in those regions counts; without regions, the key terms' own span.
    const regions = vad.filter((r) => r.from < to && from < r.to);
    const inRegions = (x: Syllable): boolean => regions.some((r) => (x.from + x.to) / 2 >= r.from && (x.from + x.to) / 2 < r.to);
    const chars = regions.length ? stream.filter(inRegions).length : end - start;
    const seconds = regions.length ? regions.reduce((t, r) => t + r.to - r.from, 0) : to - from;
    const measurable = seconds >= rule.minSpanS && chars >= rule.minChars;
    const spanFrom = regions.length ? Math.min(from, regions[0]!.from) : from;
    const spanTo = regions.length ? Math.max(to, regions[regions.length - 1]!.to) : to;
    return { anchor, heard, coverage: used.length / heard.length, start, end, from: spanFrom, to: spanTo, charsPerS: measurable ? chars / seconds : null };
  });
}

function best(list: Delivery[]): Delivery | undefined {
  // Equal coverage: a placing whose rate can be measured (a passing mention of the name is too short), then
  // the fastest: the rate is that of the speech the whole statement lies in, and one placing read too fast
  // to follow is one too many (a slower mention elsewhere does not make it followable).
  return [...list].sort((a, b) => b.coverage - a.coverage || Number(a.charsPerS === null) - Number(b.charsPerS === null) || (b.charsPerS ?? 0) - (a.charsPerS ?? 0))[0];
}

function figures(d: Delivery): string {
  const rate = d.charsPerS === null ? 'span too short for a rate' : `${d.charsPerS.toFixed(1)} characters/s over the speech of ${span(d.from, d.to)}`;
  return `key content ${d.heard.filter(Boolean).length}/${d.heard.length} (${Math.round(d.coverage * 100)} %), ${rate}`;
}

export function checkStatementDelivery(rule: Rule, ev: EvidenceSet): RuleOutcome {
  if (speechProblem(rule.id, rule.says, ev)) return notApplied(rule, 'no speech to measure');
  const speech = ev.speech as SpeechEvidence;
  if (speech.quality.status === 'poor') return notApplied(rule, `the audio is too poor to measure delivery (${speech.quality.reason})`);
  const stream = streamOf(speech);
  const d = best(deliveries(stream, rule, sidecarValues(ev), speech.vad));
  if (!d) return notApplied(rule, `“${rule.label}” not found (statement_said judges whether it was said)`);
  const heardText = stream
    .slice(d.start, d.end)
    .map((s) => s.char)
    .join('');
  const evidence: EvidenceItem[] = [{ from: d.from, to: d.to, kind: 'speech:delivery', text: `“${heardText}” — ${figures(d)}` }];
  const missing = rule.keyContent.filter((_, i) => !d.heard[i + 1]).map((g) => g[0]);
  const short = rule.minCoverage !== undefined && d.coverage < rule.minCoverage - 1e-9;
  const fast = rule.maxCharsPerS !== undefined && d.charsPerS !== null && d.charsPerS > rule.maxCharsPerS;
  if (!short && !fast) {
    return { ruleId: rule.id, verdict: 'PASS', reason: `“${rule.label}” delivered: ${figures(d)}`, evidence };
  }
  const what = [
    ...(short ? [`only partly said: key content ${Math.round(d.coverage * 100)} % < ${Math.round((rule.minCoverage ?? 0) * 100)} % (not heard: ${missing.join('、')})`] : []),
    ...(fast ? [`read too fast: ${d.charsPerS!.toFixed(1)} characters/s > ${rule.maxCharsPerS}`] : []),
  ].join('; ');
  // Where the rest of the statement could be in speech the transcript does not cover, it is not missing.
  const around = { from: d.anchor.from - HIDDEN_MARGIN_S - (short ? 10 : 0), to: d.anchor.to + HIDDEN_MARGIN_S + (short ? 10 : 0) };
  const hidden = untranscribedSpeech(speech).filter((h) => h.from < around.to && around.from < h.to);
  if (short && hidden.length) {
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: “${rule.label}” ${what}, but speech near it could not be transcribed (${hidden.map((h) => span(h.from, h.to)).join(', ')})`, evidence };
  }
  const holes = damagedNear(ev, 'audio', around.from, around.to);
  if (holes.length) return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: “${rule.label}” ${what}, but ${damagedText(holes, 'audio')}`, evidence };
  return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: “${rule.label}” ${what}`, evidence };
}
