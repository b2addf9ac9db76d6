// Quantities said next to a key term (犹豫期十五天, 每年交五千二百元, 交费期间三年), read from the pinyin
// stream: Whisper writes 十五, 15 or 是五 for the same sound, so numbers are parsed from syllables, not
// characters. Used to check the policy's numbers (the sidecar's `policy`) against what the agent said.
import { compilePhrase, findAll, NUMBER_SYLLABLES } from './match';
import type { Syllable } from './syllables';
import type { PolicyNumber } from '../lib/labelled';

const DIGITS: Record<string, number> = { ling: 0, yi: 1, yao: 1, er: 2, liang: 2, san: 3, si: 4, wu: 5, liu: 6, qi: 7, ba: 8, jiu: 9 };
const UNITS: Record<string, number> = { shi: 10, bai: 100, qian: 1000 };

/**
 * The value of a spoken number in toneless pinyin (shi wu = 15, ba qian liu bai = 8600, yi wan wu qian = 15000,
 * yi dian wu wan = 15000), or null when the syllables are not one well-formed number.
 */
export function parseSpokenNumber(syls: readonly string[]): number | null {
  if (!syls.length || !syls.every((s) => NUMBER_SYLLABLES.has(s))) return null;
  const wan = syls.indexOf('wan');
  if (wan >= 0) {
    if (syls.indexOf('wan', wan + 1) >= 0 || wan === 0) return null;
    const high = parseBelowWan(syls.slice(0, wan), true);
    const rest = syls.slice(wan + 1);
    // 一万五 is 15000: a bare digit after 万 is thousands.
    const low = rest.length === 1 && DIGITS[rest[0] ?? ''] !== undefined ? (DIGITS[rest[0] ?? ''] ?? 0) * 1000 : rest.length ? parseBelowWan(rest, false) : 0;
    return high === null || low === null ? null : Math.round(high * 10000 + low);
  }
  return parseBelowWan(syls, false);
}

/** A number under 10 000 (or, before 万, a decimal such as 一点五). */
function parseBelowWan(syls: readonly string[], decimalAllowed: boolean): number | null {
  const dot = syls.indexOf('dian');
  if (dot >= 0) {
    if (!decimalAllowed || dot === 0) return null;
    const whole = parseBelowWan(syls.slice(0, dot), false);
    const frac = syls.slice(dot + 1).map((s) => DIGITS[s]);
    if (whole === null || !frac.length || frac.some((d) => d === undefined)) return null;
    return whole + Number(`0.${frac.join('')}`);
  }
  // Digit by digit (二零 for 20 is not how amounts are said, but 一五 is not a number either): positional only.
  let total = 0;
  let pending: number | null = null;
  let lastUnit = Infinity;
  for (const s of syls) {
    const d = DIGITS[s];
    if (d !== undefined) {
      if (pending !== null && !(pending === 0 || d === 0)) return null;
      pending = d === 0 ? (pending ?? 0) : d;
      continue;
    }
    const unit = UNITS[s];
    if (unit === undefined || unit >= lastUnit) return null;
    // 十五 has no digit before 十; 零 before a unit is not a count.
    total += (pending ?? (unit === 10 ? 1 : NaN)) * unit;
    if (Number.isNaN(total)) return null;
    lastUnit = unit;
    pending = null;
  }
  // 八千六 is 8600: a trailing digit after a unit counts in the next lower unit.
  if (pending !== null) total += lastUnit !== Infinity && syls.length >= 2 && UNITS[syls[syls.length - 2] ?? ''] !== undefined && lastUnit > 10 ? pending * (lastUnit / 10) : pending;
  return total;
}

export interface NumberNearTerm {
  /** The number as said (parsed), with where it was and the stream indices of the term-to-unit span. */
  value: number;
  from: number;
  to: number;
  /** The whole span, term through unit, in stream indices [start, end); the number's own indices inside it. */
  start: number;
  end: number;
  numberStart: number;
  numberEnd: number;
}

export interface NumberSpec {
  /** Key terms the number belongs to (犹豫期, 冷静期). */
  near: string[];
  /** The unit that must follow the number (天, 日; 元; 年). */
  units: string[];
  /** Syllables allowed between the term and the number (either side of the term). */
  maxGap: number;
}

/**
 * Every number said with one of the units within `maxGap` syllables of one of the terms, nearest first.
 * The number is the longest run of number syllables ending just before the unit that parses (是十五天 → 15).
 */
export function numbersNearTerms(stream: Syllable[], spec: NumberSpec): NumberNearTerm[] {
  const unitSyls = new Set(spec.units.flatMap((u) => compilePhrase(u).tokens.flatMap((t) => (t.kind === 'syl' ? [t.syl] : [])).slice(0, 1)));
  const found = new Map<number, NumberNearTerm & { distance: number }>();
  // A one-syllable term (交) must be heard exactly; longer ones forgive a slip.
  const matches = spec.near.map((term) => {
    const phrase = compilePhrase(term);
    return findAll(stream, phrase, phrase.tokens.length <= 1 ? 1 : 0.75);
  });
  // A number is never read out of a term: 期 of 交费期 is qi, not 七 (交费期十年 is 10, not 70).
  const inTerm = new Uint8Array(stream.length);
  for (const m of matches.flat()) inTerm.fill(1, m.start, m.end);
  for (const termMatches of matches) {
    for (const m of termMatches) {
      const lo = Math.max(0, m.start - spec.maxGap - 6);
      const hi = Math.min(stream.length, m.end + spec.maxGap + 8);
      for (let u = lo; u < hi; u++) {
        if (!unitSyls.has(stream[u]?.syl ?? '')) continue;
        let runStart = u;
        while (runStart > lo && NUMBER_SYLLABLES.has(stream[runStart - 1]?.syl ?? '') && !inTerm[runStart - 1] && u - runStart < 8) runStart--;
        let parsed: { value: number; at: number } | null = null;
        for (let s = runStart; s < u && !parsed; s++) {
          const v = parseSpokenNumber(stream.slice(s, u).map((x) => x.syl));
          if (v !== null) parsed = { value: v, at: s };
        }
        if (!parsed) continue;
        // The gap is counted between the term and the number, on whichever side the number is.
        const distance = parsed.at >= m.end ? parsed.at - m.end : m.start >= u + 1 ? m.start - (u + 1) : 0;
        if (distance > spec.maxGap) continue;
        const prev = found.get(parsed.at);
        if (prev && prev.distance <= distance) continue;
        const start = Math.min(m.start, parsed.at);
        const end = Math.max(m.end, u + 1);
        found.set(parsed.at, { value: parsed.value, from: stream[start]?.from ?? 0, to: stream[end - 1]?.to ?? 0, start, end, numberStart: parsed.at, numberEnd: u, distance });
      }
    }
  }
  return [...found.values()].sort((a, b) => a.distance - b.distance || a.from - b.from).map(({ distance: _d, ...n }) => n);
}

/** A policy number the rulebook asks for (the sidecar's `policy` field it is checked against). */
export interface PolicyNumberSpec extends NumberSpec {
  name: PolicyNumber;
}
