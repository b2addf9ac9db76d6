// Drawing a regulator's sample: reproducible (same catalogue, same seed → same recordings, whatever order
// rows come in) and stratified (each stratum gets its proportional share, largest remainders first).
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

/** A row's place in the seeded random order: a hash of seed and id, so it does not depend on row order. */
function rank(seed: string, recordingId: string): string {
  return createHash('sha256').update(`${seed}\u0000${recordingId}`).digest('hex');
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
    const ordered = group.slice().sort((a, b) => rank(options.seed, a.recordingId).localeCompare(rank(options.seed, b.recordingId)));
    for (const row of ordered.slice(0, shares.get(stratum) ?? 0)) picked.push({ row, stratum });
  }
  return picked.sort((a, b) => a.stratum.localeCompare(b.stratum) || a.row.recordingId.localeCompare(b.row.recordingId));
}
