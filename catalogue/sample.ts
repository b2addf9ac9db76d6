// Drawing a regulator's sample: reproducible (same catalogue, same seed → same recordings, whatever order
// rows come in) and stratified (each stratum gets its proportional share, largest remainders first).
//
// Within a stratum of N recordings of the period, the share k is drawn as k distinct positions 0…N-1 chosen
// by Floyd's algorithm from a stream of uniform integers that sha256 derives from the seed and the stratum,
// and the recordings at those positions in a fixed order (recorded time, then recording id bytewise) are
// the sample. So for any catalogue, over the seed, each stratum's sample is a simple random sample: every
// set of k of its N recordings equally likely (modelling sha256 as a random function), strata drawn
// independently; nobody can tell which recordings a seed picks before the seed is known, and the order the
// positions are read in carries no information (the positions do not depend on it). The catalogue finds the
// recordings at those positions from per-day counts without reading the period's rows
// (catalogue/postgres.ts). Until 2026-12-07 each stratum was ordered by sha256(seed, NUL, id) instead: the
// same guarantee, another draw; a sample exported before then is redrawn by an older dualqa.
import { createHash } from 'node:crypto';
import type { InspectionRow } from './types';

export const STRATUM_FIELDS = ['channel', 'verdict', 'productType'] as const;
export type StratumField = (typeof STRATUM_FIELDS)[number];

export interface SampleOptions {
  n: number;
  strata: StratumField[];
  seed: string;
}

export interface SampledRow {
  row: InspectionRow;
  stratum: string;
}

export function stratumOf(row: InspectionRow, fields: StratumField[]): string {
  return fields.length === 0 ? 'all' : fields.map((f) => `${f}=${row[f] ?? '(none)'}`).join(',');
}

/**
 * k distinct positions of 0…n-1, uniformly (every k-subset equally likely), sorted: Floyd's algorithm over
 * integers drawn from sha256(seed, NUL, stratum, NUL, counter), 48 bits each, rejection-sampled to a range.
 */
export function seededPositions(seed: string, stratum: string, k: number, n: number): number[] {
  let counter = 0;
  const below = (bound: number): number => {
    const limit = Math.floor(2 ** 48 / bound) * bound;
    for (;;) {
      const x = parseInt(createHash('sha256').update(`${seed}\u0000${stratum}\u0000${counter++}`, 'utf8').digest('hex').slice(0, 12), 16);
      if (x < limit) return x % bound;
    }
  };
  const chosen = new Set<number>();
  for (let j = n - Math.min(k, n); j < n; j++) {
    const t = below(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** The fixed order positions are counted in: recorded time, then recording id (code units; ids are ASCII, so bytewise). */
export function compareSampleOrder(a: InspectionRow, b: InspectionRow): number {
  const ta = Date.parse(a.recordedAt);
  const tb = Date.parse(b.recordedAt);
  return ta - tb || (a.recordingId < b.recordingId ? -1 : a.recordingId > b.recordingId ? 1 : 0);
}

/** Shares of n per stratum, proportional to stratum sizes (Hamilton's largest-remainder method). */
export function allocate(sizes: Map<string, number>, n: number): Map<string, number> {
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  const take = Math.min(n, total);
  const shares = new Map<string, number>();
  const remainders: { stratum: string; rest: number }[] = [];
  let given = 0;
  for (const [stratum, size] of [...sizes.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const exact = total === 0 ? 0 : (size * take) / total;
    shares.set(stratum, Math.floor(exact));
    given += Math.floor(exact);
    remainders.push({ stratum, rest: exact - Math.floor(exact) });
  }
  remainders.sort((a, b) => b.rest - a.rest || a.stratum.localeCompare(b.stratum));
  for (const r of remainders) {
    if (given >= take) break;
    if (shares.get(r.stratum)! < sizes.get(r.stratum)!) {
      shares.set(r.stratum, shares.get(r.stratum)! + 1);
      given++;
    }
  }
  return shares;
}

export function drawSample(rows: InspectionRow[], options: SampleOptions): SampledRow[] {
  const groups = new Map<string, InspectionRow[]>();
  for (const row of rows) {
    const s = stratumOf(row, options.strata);
    groups.set(s, [...(groups.get(s) ?? []), row]);
  }
  const shares = allocate(new Map([...groups].map(([s, g]) => [s, g.length])), options.n);
  const picked: SampledRow[] = [];
  for (const [stratum, group] of groups) {
    const ordered = group.slice().sort(compareSampleOrder);
    for (const p of seededPositions(options.seed, stratum, shares.get(stratum) ?? 0, ordered.length)) picked.push({ row: ordered[p]!, stratum });
  }
  return picked.sort((a, b) => a.stratum.localeCompare(b.stratum) || a.row.recordingId.localeCompare(b.row.recordingId));
}
