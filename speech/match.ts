// Finding the script's phrases in the transcript: approximate matching over pinyin syllables. Costs are
// graded so that a near-homophone (zh/z, in/ing, n/l) costs less than a different syllable, and a phrase's
// read-rate is the share of it that the transcript covers. Placeholders stand for what varies per sale.
import { normalizeForMatch } from './normalize';
import { pinyinOf, type Syllable } from './syllables';

type PatternToken = { kind: 'syl'; syl: string; char: string } | { kind: 'number' } | { kind: 'any' };

export interface CompiledPhrase {
  template: string;
  tokens: PatternToken[];
  /** Placeholders without a value (e.g. no licence number in the sidecar): matched as anything, not checked. */
  unchecked: string[];
}

/** Toneless syllables a spoken number is made of (speech/numbers.ts parses them). */
export const NUMBER_SYLLABLES: ReadonlySet<string> = new Set(['ling', 'yi', 'er', 'san', 'si', 'wu', 'liu', 'qi', 'ba', 'jiu', 'shi', 'bai', 'qian', 'wan', 'liang', 'dian', 'yao']);

/**
 * `犹豫期为{N}天`: {N} matches any spoken number; {licence}, {agentName} and other names take the value
 * given (numbers read digit by digit); a placeholder with no value matches anything and is listed as unchecked.
 */
export function compilePhrase(template: string, values: Record<string, string | undefined> = {}): CompiledPhrase {
  const tokens: PatternToken[] = [];
  const unchecked: string[] = [];
  for (const part of template.split(/(\{[A-Za-z]+\})/)) {
    const name = /^\{([A-Za-z]+)\}$/.exec(part)?.[1];
    if (name === 'N') {
      tokens.push({ kind: 'number' });
      continue;
    }
    let text = part;
    if (name) {
      const value = values[name];
      if (!value) {
        unchecked.push(name);
        tokens.push({ kind: 'any' });
        continue;
      }
      text = /^\d+$/.test(value) ? value.replace(/\d/g, (d) => '零一二三四五六七八九'.charAt(Number(d))) : value;
    }
    const chars = normalizeForMatch(text).replace(/[A-Za-z{}]/g, '');
    const syls = pinyinOf(chars);
    [...chars].forEach((char, i) => tokens.push({ kind: 'syl', syl: syls[i] ?? char, char }));
  }
  return { template, tokens, unchecked };
}

/** Folds the distinctions Mandarin speakers and Whisper most often blur. */
function fold(s: string): string {
  return s
    .replace(/^zh/, 'z')
    .replace(/^ch/, 'c')
    .replace(/^sh/, 's')
    .replace(/^n(?=[aeiouv])/, 'l')
    .replace(/^r/, 'l')
    .replace(/ang$/, 'an')
    .replace(/eng$/, 'en')
    .replace(/ing$/, 'in');
}

/** Initials that differ only by aspiration (b/p, d/t, g/k, j/q, z/c): Whisper confuses them (陈静 → 阵径). */
function aspirationPair(s: string): string {
  return s.replace(/^p/, 'b').replace(/^t/, 'd').replace(/^k/, 'g').replace(/^q/, 'j').replace(/^c/, 'z');
}

function gradedCost(want: string, got: string): number {
  if (want === got) return 0;
  if (fold(want) === fold(got)) return 0.35;
  return aspirationPair(fold(want)) === aspirationPair(fold(got)) ? 0.5 : 1;
}

// The matcher asks for the same few hundred syllable pairs millions of times on a long recording; the
// regular expressions behind a graded cost are computed once per pair.
const costs = new Map<string, Map<string, number>>();

function syllableCost(want: string, got: string): number {
  if (want === got) return 0;
  let row = costs.get(want);
  if (!row) costs.set(want, (row = new Map<string, number>()));
  let c = row.get(got);
  if (c === undefined) row.set(got, (c = gradedCost(want, got)));
  return c;
}

function tokenCost(t: PatternToken, s: Syllable): number {
  if (t.kind === 'any') return 0;
  if (t.kind === 'number') return NUMBER_SYLLABLES.has(s.syl) ? 0 : 1;
  return syllableCost(t.syl, s.syl);
}

/** How many syllables a pattern stands for when counting its read-rate. */
function patternWeight(tokens: PatternToken[]): number {
  return tokens.reduce((n, t) => n + (t.kind === 'any' ? 0 : 1), 0);
}

export interface PhraseMatch {
  from: number;
  to: number;
  /** Share of the phrase the transcript covers, 0..1 (1 − edit cost ÷ phrase syllables). */
  readRate: number;
  /** The transcript's characters where the phrase was found. */
  heard: string;
  start: number;
  end: number;
}

/**
 * The best place for a phrase in stream[from..to): semi-global edit distance (the phrase whole, the stream
 * any substring). Wildcards absorb any number of (number) syllables at no cost.
 */
export function findPhrase(stream: Syllable[], phrase: CompiledPhrase, range?: { start?: number; end?: number }): PhraseMatch | null {
  const tokens = phrase.tokens;
  const lo = Math.max(0, range?.start ?? 0);
  const hi = Math.min(stream.length, range?.end ?? stream.length);
  const n = hi - lo;
  const weight = patternWeight(tokens);
  if (n <= 0 || weight === 0) return null;
  // cost[i] and begin[i]: best alignment of the pattern so far ending just before stream index lo + i.
  let cost = new Float64Array(n + 1);
  let begin = Int32Array.from({ length: n + 1 }, (_, i) => i);
  for (const t of tokens) {
    const next = new Float64Array(n + 1);
    const nextBegin = new Int32Array(n + 1);
    const skip = t.kind === 'any' ? 0 : 1;
    next[0] = (cost[0] ?? 0) + skip;
    nextBegin[0] = begin[0] ?? 0;
    for (let i = 1; i <= n; i++) {
      const s = stream[lo + i - 1] as Syllable;
      const c = tokenCost(t, s);
      let best = (cost[i - 1] ?? 0) + c;
      let from = begin[i - 1] ?? 0;
      const del = (cost[i] ?? 0) + skip;
      if (del < best) {
        best = del;
        from = begin[i] ?? 0;
      }
      // Extra syllables heard inside the phrase: free for a wildcard that can take them, else one each.
      const absorb = t.kind === 'any' || (t.kind === 'number' && c === 0) ? 0 : 1;
      const ins = (next[i - 1] ?? 0) + absorb;
      if (ins < best) {
        best = ins;
        from = nextBegin[i - 1] ?? 0;
      }
      next[i] = best;
      nextBegin[i] = from;
    }
    cost = next;
    begin = nextBegin;
  }
  let bestEnd = -1;
  let bestCost = Infinity;
  for (let i = 1; i <= n; i++) {
    const c = cost[i] ?? Infinity;
    if (c < bestCost) {
      bestCost = c;
      bestEnd = i;
    }
  }
  if (bestEnd < 0) return null;
  const start = lo + (begin[bestEnd] ?? 0);
  const end = lo + bestEnd;
  if (end <= start) return null;
  const first = stream[start] as Syllable;
  const last = stream[end - 1] as Syllable;
  return {
    from: first.from,
    to: last.to,
    readRate: Math.max(0, 1 - bestCost / weight),
    heard: stream
      .slice(start, end)
      .map((s) => s.char)
      .join(''),
    start,
    end,
  };
}

/** Every non-overlapping place a (short) phrase is heard with at least `minReadRate`, best first. */
export function findAll(stream: Syllable[], phrase: CompiledPhrase, minReadRate: number): PhraseMatch[] {
  const found: PhraseMatch[] = [];
  let start = 0;
  while (start < stream.length) {
    const m = findPhrase(stream, phrase, { start });
    if (!m || m.readRate < minReadRate) break;
    found.push(m);
    start = m.end;
  }
  return found;
}

/** The usual values of {N} in a spoken script (犹豫期 of 10, 15 or 20 days), tried when verifying against audio. */
const COMMON_NUMBERS = ['十', '十五', '二十'];

/**
 * Concrete sentences to force-align for a template: sidecar values filled (numbers read digit by digit),
 * {N} tried with its usual values; none when another placeholder has no value.
 */
export function concreteTexts(template: string, values: Record<string, string | undefined>): string[] {
  let open = false;
  const filled = template.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => {
    if (name === 'N') return whole;
    const v = values[name];
    if (!v) open = true;
    return v ? (/^\d+$/.test(v) ? v.replace(/\d/g, (d) => '零一二三四五六七八九'.charAt(Number(d))) : v) : '';
  });
  if (open) return [];
  return filled.includes('{N}') ? COMMON_NUMBERS.map((n) => filled.replace(/\{N\}/g, n)) : [filled];
}
