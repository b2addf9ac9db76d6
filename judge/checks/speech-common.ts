// What the speech checks share: the transcript as a syllable stream (built once per evidence), when speech
// cannot be judged at all, the forced-alignment scores, and who is in frame while something is said.
import type { SpeechEvidence } from '../../evidence/types';
import { normalizeForMatch } from '../../speech/normalize';
import type { Span } from '../../speech/reply';
import { syllableStream, type Syllable } from '../../speech/syllables';
import type { EvidenceSet, RuleOutcome } from '../types';
import { span } from './shared';

// Every speech rule reads the same transcript: its syllable stream is built once per evidence document.
const streams = new WeakMap<SpeechEvidence, Syllable[]>();
export function streamOf(speech: SpeechEvidence): Syllable[] {
  let s = streams.get(speech);
  if (!s) {
    s = syllableStream(speech.segments);
    streams.set(speech, s);
  }
  return s;
}

/** Why speech cannot be judged at all, or null; a missing audio stream is a FAIL (nothing was said). */
export function speechProblem(ruleId: string, says: string, ev: EvidenceSet): RuleOutcome | null {
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

export function sidecarValues(ev: EvidenceSet): Record<string, string | undefined> {
  const meta = ev.ingest?.sidecar.status === 'ok' ? ev.ingest.sidecar.meta : undefined;
  return { agentName: meta?.agent?.name, company: meta?.insurer?.name, customerName: meta?.customer?.name };
}

/** The best forced-alignment score recorded for any of these texts (compared in normalised form). */
export function verifiedScore(speech: SpeechEvidence, texts: string[], near?: Span): { score: number; from: number; text: string } | null {
  const wanted = new Set(texts.map(normalizeForMatch));
  let best: { score: number; from: number; text: string } | null = null;
  for (const v of speech.verification) {
    if (!wanted.has(normalizeForMatch(v.text))) continue;
    if (near && (v.from < near.from - 0.5 || v.from > near.to)) continue;
    if (!best || v.score > best.score) best = { score: v.score, from: v.from, text: v.text };
  }
  return best;
}

/**
 * Whether at least `need` people are visible throughout a span: null when they are, else the verdict and
 * why (too dark or black: CANNOT_JUDGE; fewer people in a visible picture: FAIL).
 */
export function facesDuring(ev: EvidenceSet, s: Span, need: number, what: string): { verdict: 'FAIL' | 'CANNOT_JUDGE'; reason: string } | null {
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

/** A stretch of voice activity this long with no transcript at all could hide a statement. */
export const HIDING_SPEECH_S = 1.5;

/**
 * Where the transcript cannot vouch for the audio: voice-activity regions at least `HIDING_SPEECH_S` long
 * with no kept transcript anywhere in them (never transcribed, or set aside as unreliable). A region with
 * some words counts as transcribed: Whisper's segment times are loose at the edges. A statement not found
 * may be in such a region.
 */
export function untranscribedSpeech(speech: SpeechEvidence): Span[] {
  return speech.vad.filter((r) => r.to - r.from >= HIDING_SPEECH_S && !speech.segments.some((s) => s.to > r.from && s.from < r.to));
}
