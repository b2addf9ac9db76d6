// Document figures of the documents issue: type recall and precision, showing times within ±1 s, and the
// licence and ID numbers read exactly on legible showings. Pure: the caller supplies the labelled
// documents and what the documents analysis reported (its evidence showings).
//
// Numbers never leave the analysis in clear: a showing carries the masked number and, under a deployment
// key, its keyed hash. "Read exactly" compares the keyed hash of the labelled number with the showing's
// when a key is given; without one it falls back to the masked form (and, for an ID number, a valid GB 11643
// check character — a single wrong digit or swapped pair always breaks it).
import { keyedHash } from '../media/documents/fields';
import { maskIdentifier, maskText } from '../lib/mask';
import type { DocumentSpan } from '../lib/labelled';
import { round } from '../lib/numbers';

export interface ProtectedNumber {
  masked: string;
  hash?: string;
  valid?: boolean;
}

/** What the analysis says about one showing (the documents evidence's `showings[]` fits). */
export interface ReportedShowing {
  type: string;
  from: number;
  to: number;
  legible?: boolean;
  fields?: { licenceNo?: ProtectedNumber; idNumber?: ProtectedNumber } | Record<string, unknown>;
}

export interface DocumentCase {
  labelled: DocumentSpan[];
  /** Showings as reported; the labelled `documents` timeline is compared against those it would list. */
  reported: ReportedShowing[];
}

export interface DocumentFigures {
  labelled: number;
  reported: number;
  matched: number;
  precision: number | null;
  recall: number | null;
  /** Of the matched showings, the share whose from and to are both within the tolerance. */
  timed: number;
  timingWithinTolerance: number | null;
  /** Labelled legible showings that carry a number (执业证, 身份证), and those whose number was read exactly. */
  numbers: { legible: number; exact: number; rate: number | null; basis: 'keyed hash' | 'masked form' };
  /** Labelled showings and how they were matched: for diagnostics. */
  misses: string[];
}

/** a / b to four places; null when there is nothing to divide by. */
export const ratio = (a: number, b: number): number | null => (b > 0 ? round(a / b, 4) : null);

function overlapS(a: { from: number; to: number }, b: { from: number; to: number }): number {
  return Math.max(0, Math.min(a.to, b.to) - Math.max(a.from, b.from));
}

/** The reported showings a timeline would list: a known type, or text that was read. */
function listed(s: ReportedShowing): boolean {
  return s.type !== 'other' || s.legible !== false;
}

function numberOf(s: ReportedShowing): ProtectedNumber | undefined {
  const f = (s.fields ?? {}) as { licenceNo?: ProtectedNumber; idNumber?: ProtectedNumber };
  return s.type === 'id_card' ? f.idNumber : s.type === 'agent_licence' ? f.licenceNo : undefined;
}

/** The reported number is the labelled one. */
export function readExactly(labelled: string, reported: ProtectedNumber | undefined, type: string, hashKey?: string): boolean {
  if (!reported) return false;
  if (hashKey && reported.hash) return reported.hash === keyedHash(labelled, hashKey);
  if (type === 'id_card') return reported.valid === true && reported.masked === maskText(labelled);
  return reported.masked === maskIdentifier(labelled);
}

export function documentFigures(cases: DocumentCase[], options: { toleranceS?: number; hashKey?: string } = {}): DocumentFigures {
  const tol = options.toleranceS ?? 1;
  let labelled = 0;
  let reported = 0;
  let matched = 0;
  let timed = 0;
  let legible = 0;
  let exact = 0;
  let hashed = false;
  const misses: string[] = [];
  for (const c of cases) {
    const shown = c.reported.filter(listed);
    labelled += c.labelled.length;
    reported += shown.length;
    // One-to-one: each labelled showing takes the unused reported showing of its type it overlaps most.
    const used = new Set<number>();
    for (const l of c.labelled) {
      let best = -1;
      let bestOverlap = 0;
      shown.forEach((r, i) => {
        const o = overlapS(l, r);
        if (!used.has(i) && r.type === l.type && o > bestOverlap) {
          best = i;
          bestOverlap = o;
        }
      });
      const isLegible = (l as { legible?: boolean }).legible !== false;
      const number = (l as { number?: unknown }).number;
      if (isLegible && typeof number === 'string') legible++;
      if (best < 0) {
        misses.push(`${l.type} ${l.from}–${l.to} s not found`);
        continue;
      }
      used.add(best);
      matched++;
      const r = shown[best]!;
      if (Math.abs(r.from - l.from) <= tol && Math.abs(r.to - l.to) <= tol) timed++;
      else misses.push(`${l.type} ${l.from}–${l.to} s reported ${r.from}–${r.to} s`);
      if (isLegible && typeof number === 'string') {
        const got = numberOf(r);
        if (got?.hash && options.hashKey) hashed = true;
        if (readExactly(number, got, l.type, options.hashKey)) exact++;
        else misses.push(`${l.type} ${l.from}–${l.to} s: number not read exactly (${got?.masked ?? 'none read'})`);
      }
    }
  }
  return {
    labelled,
    reported,
    matched,
    precision: ratio(matched, reported),
    recall: ratio(matched, labelled),
    timed,
    timingWithinTolerance: ratio(timed, matched),
    numbers: { legible, exact, rate: ratio(exact, legible), basis: hashed ? 'keyed hash' : 'masked form' },
    misses,
  };
}
