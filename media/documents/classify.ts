// What a document is, from the text read off it. The keywords, their weights, the patterns and the layout
// cues are data (rules/documents/keywords-<version>.yaml, loaded by rules/document-keywords.ts), not code:
// the caller loads the table and passes it in. Keywords match approximately — the best-matching stretch
// of the text within a few edits (OCR reads 明诚 as 明战) — and each class scores the sum of its matched
// keywords' weights (scaled by how well they matched), plus its patterns and cues. The best class wins if
// it reaches `minScore`; else the document is `other` (text, but nothing known).
import type { DocumentType } from '../../lib/labelled';
import { round } from '../../lib/numbers';
import type { DocumentClassRule, KeywordTable } from '../../rules/document-keywords';
import { compact, findIdNumbers } from './fields';

interface Classification {
  type: DocumentType;
  /** The class's finer label, when the winning class has one. */
  label?: string;
  score: number;
  /** 0–1: how clearly the winner beat the rest (best / (best + runner-up + 1)). */
  confidence: number;
  /** The winner's matched keywords and patterns. */
  matched: string[];
  /** Score per class key (label, else type). */
  scores: Record<string, number>;
}

interface Cues {
  /** Width / height of the document region. */
  aspect?: number;
}

/**
 * Approximate substring match (Sellers): the fewest edits turning `needle` into some stretch of `hay`.
 * Compares code points, so a Han character is one symbol.
 */
export function substringEdits(needle: string, hay: string): number {
  const p = [...needle];
  const t = [...hay];
  if (p.length === 0) return 0;
  let prev = new Array<number>(t.length + 1).fill(0);
  for (let i = 1; i <= p.length; i++) {
    const cur = new Array<number>(t.length + 1);
    cur[0] = i;
    for (let j = 1; j <= t.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (p[i - 1] === t[j - 1] ? 0 : 1));
    prev = cur;
  }
  return Math.min(...prev);
}

/** How well a keyword occurs in the text: 1 − edits / length, or 0 when it does not (within the table's tolerance). */
export function keywordSimilarity(keyword: string, text: string, table: Pick<KeywordTable, 'minSimilarity' | 'exactUpTo'>): number {
  const k = compact(keyword);
  const n = [...k].length;
  if (n === 0) return 0;
  if (text.includes(k)) return 1;
  if (n <= table.exactUpTo) return 0;
  const allowed = Math.floor(n * (1 - table.minSimilarity) + 1e-9);
  if (allowed < 1) return 0;
  const edits = substringEdits(k, text);
  return edits <= allowed ? 1 - edits / n : 0;
}

function classKey(c: Pick<DocumentClassRule, 'type' | 'label'>): string {
  return c.label ?? c.type;
}

/** The table says the text of this class is personal (names, numbers, addresses). */
export function isPrivateClass(c: { type: DocumentType; label?: string }, table: KeywordTable): boolean {
  return table.privateClasses.includes(classKey(c)) || table.privateClasses.includes(c.type);
}

/** Classifies the text read off one document (lines or one string). */
export function classifyText(lines: string[] | string, table: KeywordTable, cues: Cues = {}): Classification {
  const text = compact(Array.isArray(lines) ? lines.join('') : lines);
  const scored = table.classes.map((c) => {
    let score = 0;
    const matched: string[] = [];
    for (const k of c.keywords) {
      const sim = keywordSimilarity(k.text, text, table);
      if (sim > 0) {
        score += k.weight * sim;
        matched.push(k.text);
      }
    }
    for (const p of c.patterns ?? []) {
      const hits = p.check === 'gb11643' ? findIdNumbers(text).filter((h) => h.valid).length : new RegExp(p.regex, 'u').test(text) ? 1 : 0;
      if (hits > 0) {
        score += p.weight;
        matched.push(p.name);
      }
    }
    // A layout cue only supports a class that the text already points to.
    if (c.aspect && cues.aspect !== undefined && score > 0 && cues.aspect >= c.aspect.min && cues.aspect <= c.aspect.max) {
      score += c.aspect.weight;
      matched.push(`aspect ${cues.aspect.toFixed(2)}`);
    }
    return { c, score: round(score, 2), matched };
  });
  const scores: Record<string, number> = {};
  for (const s of scored) scores[classKey(s.c)] = Math.max(scores[classKey(s.c)] ?? 0, s.score);
  const ranked = [...scored].sort((a, b) => b.score - a.score);
  const best = ranked[0];
  const second = ranked.find((s) => best && s.c.type !== best.c.type)?.score ?? 0;
  if (!best || best.score < table.minScore) {
    return { type: 'other', score: best?.score ?? 0, confidence: text.length ? 0.5 : 0, matched: [], scores };
  }
  const confidence = round(best.score / (best.score + second + 1), 3);
  return { type: best.c.type, ...(best.c.label ? { label: best.c.label } : {}), score: best.score, confidence, matched: best.matched, scores };
}
