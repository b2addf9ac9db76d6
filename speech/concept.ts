// A statement as a concept rather than a sentence: groups of key terms (each group a set of synonyms) that
// must all be heard close together, optionally in order, none of them negated. "退保的话会损失一部分",
// "提前退保会有损失" and "解除合同只能退还现金价值" all say 退保损失; a rulebook lists the terms, not
// every insurer's sentence. Matching is in pinyin with the graded costs of match.ts, so recogniser
// homophones (由于期 for 犹豫期) still count.
import { compilePhrase, findAll, type CompiledPhrase, type PhraseMatch } from './match';
import { normalizeForMatch } from './normalize';
import type { Syllable } from './syllables';

export interface Concept {
  /** Every group must be heard; any one synonym of a group is enough. Placeholders as in phrases. */
  all: string[][];
  /** Terms heard in the groups' order only (else any order). */
  ordered: boolean;
  /** Largest gap between consecutive terms, in syllables heard (words inserted between and around them). */
  maxGap: number;
  /** Ending at most 3 syllables before a term, these invert it: "不会有任何损失" is not 退保损失. */
  negations: string[];
  /** Read-rate a short term must reach (2-syllable terms: one folded slip at most). */
  minTermReadRate: number;
}

export interface ConceptMatch {
  from: number;
  to: number;
  /** Lowest read-rate among the terms used: how sure the weakest of them is. */
  readRate: number;
  /** The transcript from the first term to the last. */
  heard: string;
  /** Each group's term as heard, in group order. */
  terms: string[];
  start: number;
  end: number;
}

interface Hit extends PhraseMatch {
  group: number;
}

/** A negation counts when it ends at most this many syllables before the term ("不会有任何损失"). */
const NEGATION_GAP = 3;
/** How far back a (multi-syllable) negation may start. */
const NEGATION_REACH = 8;

function negated(stream: Syllable[], m: PhraseMatch, negations: string[]): boolean {
  const before = stream
    .slice(Math.max(0, m.start - NEGATION_REACH), m.start)
    .map((s) => s.char)
    .join('');
  return negations.some((n) => {
    for (let at = before.indexOf(n); at >= 0; at = before.indexOf(n, at + 1)) {
      if (before.length - (at + n.length) <= NEGATION_GAP) return true;
    }
    return false;
  });
}

/** A group whose only term is a placeholder without a value (no name in the sidecar): it asks nothing. */
const OPEN: Hit[] = [];

/** Every un-negated place each group's terms are heard. */
function hitsOf(stream: Syllable[], concept: Concept, values: Record<string, string | undefined>): Hit[][] {
  const negations = concept.negations.map(normalizeForMatch).filter(Boolean);
  return concept.all.map((group, g) => {
    const hits: Hit[] = [];
    for (const term of group) {
      const compiled: CompiledPhrase = compilePhrase(term, values);
      if (compiled.tokens.every((t) => t.kind === 'any')) return OPEN;
      for (const m of findAll(stream, compiled, concept.minTermReadRate)) {
        if (!negated(stream, m, negations)) hits.push({ ...m, group: g });
      }
    }
    return hits.sort((a, b) => a.start - b.start);
  });
}

/**
 * The best place where every group is heard within `maxGap` syllables of the next term (in order when
 * `ordered`), or null. Best = highest weakest read-rate, then shortest span.
 */
export function findConcept(stream: Syllable[], concept: Concept, values: Record<string, string | undefined> = {}): ConceptMatch | null {
  const groups = hitsOf(stream, concept, values).filter((g) => g !== OPEN);
  if (groups.length === 0 || groups.some((g) => g.length === 0)) return null;
  let best: { hits: Hit[]; rate: number; span: number } | null = null;
  // Anchor on each hit of the rarest group and pick, per other group, the hit closest to the anchor;
  // then check the gaps. Cheap and enough for a handful of terms per statement.
  const rarest = groups.reduce((a, b) => (b.length < a.length ? b : a));
  for (const anchor of rarest) {
    const chosen = groups.map((hits) => (hits === rarest ? anchor : nearest(hits, anchor, concept.ordered ? anchor.group : null)));
    if (chosen.some((h) => h === null)) continue;
    const hits = chosen as Hit[];
    if (concept.ordered && !inGroupOrder(hits)) continue;
    const sorted = [...hits].sort((a, b) => a.start - b.start);
    if (!withinGaps(sorted, concept.maxGap)) continue;
    const rate = Math.min(...hits.map((h) => h.readRate));
    const span = (sorted[sorted.length - 1]?.end ?? 0) - (sorted[0]?.start ?? 0);
    if (!best || rate > best.rate + 1e-9 || (Math.abs(rate - best.rate) <= 1e-9 && span < best.span)) best = { hits, rate, span };
  }
  if (!best) return null;
  const sorted = [...best.hits].sort((a, b) => a.start - b.start);
  const start = sorted[0]!.start;
  const end = Math.max(...sorted.map((h) => h.end));
  return {
    from: sorted[0]!.from,
    to: Math.max(...sorted.map((h) => h.to)),
    readRate: best.rate,
    heard: stream
      .slice(start, end)
      .map((s) => s.char)
      .join(''),
    terms: best.hits.map((h) => h.heard),
    start,
    end,
  };
}

/** The hit of one group nearest the anchor; with order, only on the side the group order allows. */
function nearest(hits: Hit[], anchor: Hit, anchorGroup: number | null): Hit | null {
  let best: Hit | null = null;
  let bestDistance = Infinity;
  for (const h of hits) {
    if (anchorGroup !== null && ((h.group < anchorGroup && h.start >= anchor.start) || (h.group > anchorGroup && h.start <= anchor.start))) continue;
    const d = Math.abs(h.start - anchor.start);
    if (d < bestDistance) {
      best = h;
      bestDistance = d;
    }
  }
  return best;
}

function inGroupOrder(hits: Hit[]): boolean {
  for (let i = 1; i < hits.length; i++) if ((hits[i]?.start ?? 0) <= (hits[i - 1]?.start ?? 0)) return false;
  return true;
}

function withinGaps(sorted: Hit[], maxGap: number): boolean {
  for (let i = 1; i < sorted.length; i++) {
    const gap = (sorted[i]?.start ?? 0) - (sorted[i - 1]?.end ?? 0);
    if (gap > maxGap) return false;
  }
  return true;
}
