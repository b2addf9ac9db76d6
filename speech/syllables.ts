// The transcript as a timed stream of syllables: each Han character (after normalisation) with its
// toneless pinyin and the media time it was heard. Matching in pinyin space forgives Whisper's homophone
// errors (投保 → 头保, 犹豫期 → 由于七), which are most of its mistakes on Mandarin.
import { pinyin } from 'pinyin-pro';
import { readDigits, speakNumber, toSimplified } from './normalize';

interface TimedText {
  from: number;
  to: number;
  text: string;
}

export interface Syllable {
  syl: string;
  char: string;
  from: number;
  to: number;
}

interface TimedChar {
  char: string;
  from: number;
  to: number;
}

/** Spreads each word's characters evenly over the word's time. */
function timedChars(words: TimedText[]): TimedChar[] {
  const out: TimedChar[] = [];
  for (const w of words) {
    const chars = [...w.text.trim()];
    const step = chars.length > 0 ? (w.to - w.from) / chars.length : 0;
    chars.forEach((char, i) => out.push({ char, from: w.from + i * step, to: w.from + (i + 1) * step }));
  }
  return out;
}

function spokenNumber(run: string): string {
  const [int = '', frac] = run.split('.');
  return frac ? `${speakNumber(int)}点${readDigits(frac)}` : speakNumber(int);
}

/** Normalised Han characters with times: numbers spoken (over the time of their digits), traditional → simplified. */
function normalizedChars(words: TimedText[]): TimedChar[] {
  const raw = timedChars(words);
  const out: TimedChar[] = [];
  for (let i = 0; i < raw.length; ) {
    const c = raw[i];
    if (!c) break;
    if (/\d/.test(c.char)) {
      let j = i;
      while (j < raw.length && /[\d.]/.test(raw[j]?.char ?? '')) j++;
      const run = raw.slice(i, j);
      const spoken = [...spokenNumber(run.map((r) => r.char).join('').replace(/\.$/, ''))];
      const from = c.from;
      const to = run[run.length - 1]?.to ?? c.to;
      const step = (to - from) / Math.max(1, spoken.length);
      spoken.forEach((char, k) => out.push({ char, from: from + k * step, to: from + (k + 1) * step }));
      i = j;
      continue;
    }
    if (/\p{Script=Han}/u.test(c.char)) out.push({ ...c, char: toSimplified(c.char) });
    i++;
  }
  return out;
}

/** Toneless pinyin per character, read in context (polyphones such as 行, 还 depend on their neighbours). */
export function pinyinOf(chars: string): string[] {
  const syl = pinyin(chars, { toneType: 'none', type: 'array', v: true });
  if (syl.length === [...chars].length) return syl.map((s) => s.toLowerCase());
  return [...chars].map((c) => (pinyin(c, { toneType: 'none', type: 'array', v: true })[0] ?? c).toLowerCase());
}

/** The syllable stream of a transcript: one call per segment so pinyin context never crosses a pause. */
export function syllableStream(segments: { words: TimedText[] }[]): Syllable[] {
  const out: Syllable[] = [];
  for (const seg of segments) {
    const chars = normalizedChars(seg.words);
    const syls = pinyinOf(chars.map((c) => c.char).join(''));
    chars.forEach((c, i) => out.push({ syl: syls[i] ?? c.char, char: c.char, from: c.from, to: c.to }));
  }
  return out;
}
