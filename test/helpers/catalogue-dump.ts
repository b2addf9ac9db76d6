// The catalogue's whole projection of S3, every row of every table a rebuild recreates, in a fixed order:
// what `catalogue rebuild` must reproduce exactly.
import type { PgCatalogue } from '../../catalogue/postgres';

const TABLES: Record<string, string> = {
  inspections: 'recording_id',
  revisions: 'recording_id, revision',
  step_outcomes: 'recording_id, revision, step_id',
  rule_outcomes: 'recording_id, revision, step_id, rule_id',
  decisions: 'decision_id',
  approvals: 'approval_id',
  sample_strata_days: 'day, channel, verdict, product_type',
};

export async function projectionDump(catalogue: PgCatalogue): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(TABLES)) {
    // Each row as JSON text, so timestamps and numbers compare exactly as stored.
    out[table] = (await catalogue.pool.query<{ r: string }>(`SELECT to_jsonb(t)::text AS r FROM ${table} t ORDER BY ${order}`)).rows.map((x) => x.r);
  }
  return out;
}
