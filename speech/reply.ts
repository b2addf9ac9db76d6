// Turn order: the customer's reply to a question is the first stretch of speech (voice activity) that
// starts after the question ends. Shared by the analyser (to verify reply texts there) and the judge.
import type { Syllable } from './syllables';
import { compilePhrase, findPhrase, type PhraseMatch } from './match';
import { normalizeForMatch } from './normalize';
import { speakerOf, type Parties } from './parties';
import type { Span } from './span';
import { pinyinOf } from './syllables';

/** Re-exported for speech/analyse.ts and judge/, which import it from here. */
export type { Span };

/** The best-heard alternative of a phrase list, or null when none reaches `minReadRate`. */
export function bestPhrase(stream: Syllable[], phrases: string[], minReadRate: number, values: Record<string, string | undefined> = {}): (PhraseMatch & { phrase: string }) | null {
  let best: (PhraseMatch & { phrase: string }) | null = null;
  for (const phrase of phrases) {
    const m = findPhrase(stream, compilePhrase(phrase, values));
    if (m && (!best || m.readRate > best.readRate)) best = { ...m, phrase };
  }
  return best && best.readRate >= minReadRate ? best : null;
}

/**
 * The reply by turn order: the first voice-activity region after the one in which the question ends
 * (the asker may go on after the matched words), starting within `windowS` of it, and not the agent's
 * where the recording tells the parties apart.
 */
export function replyRegion(vad: Span[], questionEnd: number, windowS: number, parties?: Parties): Span | null {
  const own = vad.find((r) => r.from <= questionEnd && questionEnd < r.to);
  const after = own ? own.to : questionEnd;
  // With a microphone per party, the agent going on after a pause is not the customer's reply.
  return vad.find((r) => r.from >= after - 0.01 && r.from <= after + windowS && speakerOf(parties, r) !== 'agent') ?? null;
}

/**
 * The reply's syllables: heard after the question (stream order) and around the reply region. Whisper
 * times the first word of a segment loosely, so a syllable starting up to half a second early counts.
 */
export function replySyllables(stream: Syllable[], questionEndIndex: number, region: Span): Syllable[] {
  return stream.slice(questionEndIndex).filter((s) => (s.from + s.to) / 2 >= region.from - 0.5 && s.from < region.to);
}

const PARTICLE_DE = new Set(['的', '地', '得']);

/** The first phrase of `list` heard in the syllables (compared in pinyin, so 请处 is 清楚). */
export function heardAny(reply: Syllable[], list: string[]): string | undefined {
  // 的/地/得 are one spoken particle that Whisper writes either way ("好地" is 好的).
  const heard = ` ${reply.map((s) => (PARTICLE_DE.has(s.char) ? 'de' : s.syl)).join(' ')} `;
  return list.find((w) => {
    const syls = pinyinOf(normalizeForMatch(w));
    return syls.length > 0 && heard.includes(` ${syls.join(' ')} `);
  });
}

/**
 * An affirmative heard with a recogniser's slip (喊得我惊出来 for 好的我清楚了): a word of two or more
 * syllables found at `minReadRate` with the graded costs of the phrase matcher. Exact words first.
 */
export function heardAffirmative(reply: Syllable[], list: string[], minReadRate = 0.75): string | undefined {
  const exact = heardAny(reply, list);
  if (exact) return exact;
  if (!reply.length) return undefined;
  return list.find((w) => {
    const phrase = compilePhrase(w);
    return phrase.tokens.length >= 2 && (findPhrase(reply, phrase)?.readRate ?? 0) >= minReadRate;
  });
}
