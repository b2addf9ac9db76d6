// The catalogue at scale: loads BENCH_N (default 1,000,000) inspections into a PostgreSQL catalogue, each
// with its machine revision, 3 step outcomes and 3 rule outcomes, by multi-row inserts (unnest of arrays,
// BENCH_BATCH rows a statement), and prints the load rate and p50/p95 of what the review pages and the
// regulator ask: the review queue (needs review, one channel, newest recorded first, 50 rows), the QA
// dashboard (a year of weekly rates by channel and by rule; the agents with the highest FAIL rates per step),
// one recording's page (inspection, revisions, decisions, audit) and a stratified sample of 50 from a
// quarter. Goal: each p95 < 300 ms.
//
//   node dist/bench/catalogue.js                       # an embedded PostgreSQL in a temp data dir (removed after)
//   BENCH_DATABASE_URL=postgres://… node dist/bench/catalogue.js   # an existing, EMPTY database (its catalogue is emptied)
//   BENCH_REUSE=1 BENCH_DATABASE_URL=…   # a database this bench loaded before (BENCH_N inspections): time the queries only
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openPgCatalogue, type PgCatalogue } from '../catalogue/postgres';
import { startDatabase } from '../stack';
import { seededUniform } from '../fixtures/noise';

const N = Number(process.env.BENCH_N ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const CHANNELS = ['bank', 'agent', 'broker', 'telesales', 'internet', 'other'];
const PRODUCTS = ['traditional', 'participating', 'universal', 'investment_linked', 'health', 'other'];
const STEPS = ['continuity', 'coframing', 'opening'];
const RULES = ['CONT-CUT', 'FRAME-BOTH', 'OPEN-PROMPT'];
const START = Date.UTC(2025, 0, 1);
const SPAN_MS = 2 * 365 * 24 * 3600 * 1000;


function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function verdictOf(x: number): 'PASS' | 'FAIL' | 'CANNOT_JUDGE' {
  return x < 0.7 ? 'PASS' : x < 0.9 ? 'FAIL' : 'CANNOT_JUDGE';
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function time(label: string, runs: number, fn: (i: number) => Promise<unknown>): Promise<{ label: string; p50: number; p95: number; max: number }> {
  await fn(-1); // warm the plan and the cache once
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const out = { label, p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms[ms.length - 1]! };
  process.stdout.write(`${label.padEnd(44)} p50 ${out.p50.toFixed(1).padStart(7)} ms   p95 ${out.p95.toFixed(1).padStart(7)} ms   max ${out.max.toFixed(1).padStart(7)} ms   (${runs} runs)${out.p95 < 300 ? '' : '   ABOVE GOAL'}\n`);
  return out;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-bench-catalogue-'));
  const db = process.env.BENCH_DATABASE_URL ? { url: process.env.BENCH_DATABASE_URL, stop: () => Promise.resolve() } : await startDatabase({ dataDir: dir, name: 'bench' });
  const catalogue = await openPgCatalogue(db.url);
  try {
    const loaded = Number((await catalogue.pool.query<{ n: string }>('SELECT count(*) AS n FROM inspections')).rows[0]?.n ?? 0);
    if (process.env.BENCH_REUSE === '1' && loaded === N) process.stdout.write(`reusing the ${N.toLocaleString('en')} inspections already loaded\n`);
    else await load(catalogue);
    await timeQueries(catalogue);
  } finally {
    await catalogue.close();
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function load(catalogue: PgCatalogue): Promise<void> {
  {
    await catalogue.clearProjection();
    const r = seededUniform(19);
    process.stdout.write(`loading ${N.toLocaleString('en')} inspections (+1 revision, ${STEPS.length} step and ${RULES.length} rule outcomes each) in batches of ${BATCH}…\n`);
    const t0 = Date.now();
    for (let from = 0; from < N; from += BATCH) {
      const n = Math.min(BATCH, N - from);
      const ids: string[] = [];
      const recorded: string[] = [];
      const channels: string[] = [];
      const products: string[] = [];
      const branches: string[] = [];
      const agents: string[] = [];
      const verdicts: string[] = [];
      const firsts: string[] = [];
      const sRec: string[] = [];
      const sStep: string[] = [];
      const sVerdict: string[] = [];
      const rRule: string[] = [];
      for (let i = 0; i < n; i++) {
        const id = `bench${String(from + i).padStart(8, '0')}`;
        const first = verdictOf(r());
        // A fifth of machine FAILs were overturned on review.
        const now = first === 'FAIL' && r() < 0.2 ? 'PASS' : first;
        ids.push(id);
        recorded.push(new Date(START + Math.floor(r() * SPAN_MS)).toISOString());
        channels.push(pick(r, CHANNELS));
        products.push(pick(r, PRODUCTS));
        branches.push(`BR${String(Math.floor(r() * 30)).padStart(2, '0')}`);
        agents.push(`agent${Math.floor(r() * 2000)}`);
        verdicts.push(now);
        firsts.push(first);
        for (let k = 0; k < STEPS.length; k++) {
          sRec.push(id);
          sStep.push(STEPS[k]!);
          rRule.push(RULES[k]!);
          // The first step carries the recording's verdict; the others pass mostly.
          sVerdict.push(k === 0 ? first : verdictOf(r() * 0.95));
        }
      }
      const c = await catalogue.pool.connect();
      try {
        await c.query('BEGIN');
        await c.query(
          `INSERT INTO inspections (recording_id, bucket, object_key, version_id, etag, sha256, size_bytes, verdict, first_verdict, channel, product_type, branch, agent_key, recorded_at, inspected_at, latest_revision, rulebook)
           SELECT id, 'recordings', 'bench/' || id || '.mp4', NULL, 'e', md5(id) || md5(id), 1000000, v, f, ch, pr, br, ag, t::timestamptz, t::timestamptz + interval '1 hour', 1, 'cn-national@1.4.0'
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS x(id, t, ch, pr, br, ag, v, f)`,
          [ids, recorded, channels, products, branches, agents, verdicts, firsts],
        );
        await c.query(
          `INSERT INTO revisions (recording_id, revision, report_key, report_sha256, verdict, created_at, source, signature)
           SELECT id, 1, id || '/r1/report.json', md5(id), f, t::timestamptz, 'inspection', 'verified' FROM unnest($1::text[], $2::text[], $3::text[]) AS x(id, t, f)`,
          [ids, recorded, firsts],
        );
        await c.query(`INSERT INTO step_outcomes (recording_id, revision, step_id, verdict) SELECT id, 1, s, v FROM unnest($1::text[], $2::text[], $3::text[]) AS x(id, s, v)`, [sRec, sStep, sVerdict]);
        await c.query(
          `INSERT INTO rule_outcomes (recording_id, revision, step_id, rule_id, verdict, applies) SELECT id, 1, s, ru, v, true FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(id, s, ru, v)`,
          [sRec, sStep, rRule, sVerdict],
        );
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK');
        throw err;
      } finally {
        c.release();
      }
      if ((from / BATCH) % 10 === 9) process.stdout.write(`  ${(from + n).toLocaleString('en')} (${Math.round((from + n) / ((Date.now() - t0) / 1000))}/s)\n`);
    }
    const loadS = (Date.now() - t0) / 1000;
    process.stdout.write(`loaded ${N.toLocaleString('en')} inspections in ${loadS.toFixed(1)} s = ${Math.round(N / loadS).toLocaleString('en')} inspections/s (${Math.round((N * (2 + 2 * STEPS.length)) / loadS).toLocaleString('en')} rows/s)\n`);
    let t = Date.now();
    // What autovacuum does after a bulk load anyway: statistics, and the visibility map for index-only scans.
    await catalogue.pool.query('VACUUM ANALYZE');
    process.stdout.write(`VACUUM ANALYZE ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
    t = Date.now();
    await catalogue.refreshDashboard();
    process.stdout.write(`dashboard rollups refreshed in ${((Date.now() - t) / 1000).toFixed(1)} s (after each sync; readers not blocked)\n`);
  }
}

async function timeQueries(catalogue: PgCatalogue): Promise<void> {
  {

    const q = seededUniform(7);
    const results = [];
    results.push(
      await time('review queue (needs review, channel, 50)', 100, () =>
        catalogue.listInspections({ verdicts: ['FAIL', 'CANNOT_JUDGE'], channel: pick(q, CHANNELS), sort: 'recordedAt', descending: true, limit: 50 }),
      ),
    );
    results.push(
      await time('review queue, a month of one channel', 100, () => {
        const month = Math.floor(q() * 23);
        const from = new Date(Date.UTC(2025, month, 1)).toISOString();
        const to = new Date(Date.UTC(2025, month + 1, 1) - 1).toISOString();
        return catalogue.listInspections({ verdicts: ['FAIL', 'CANNOT_JUDGE'], channel: pick(q, CHANNELS), from, to, sort: 'recordedAt', descending: true, limit: 50 });
      }),
    );
    results.push(await time('dashboard (a year, weekly, channel and rule)', 30, () => catalogue.dashboard('2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z')));
    results.push(await time('dashboard agents (a year, per step, top 20)', 30, () => catalogue.agentSteps('2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', { minRecordings: 10, limit: 20 })));
    results.push(
      await time("one recording's page (catalogue part)", 100, async () => {
        const id = `bench${String(Math.floor(q() * N)).padStart(8, '0')}`;
        await Promise.all([catalogue.getInspection(id), catalogue.revisions(id), catalogue.decisions(id), catalogue.auditEntries({ recordingId: id, limit: 50 })]);
      }),
    );
    results.push(
      await time('stratified sample of 50 from a quarter', 20, (i) => {
        const quarter = Math.floor(q() * 8);
        const from = new Date(Date.UTC(2025, quarter * 3, 1)).toISOString();
        const to = new Date(Date.UTC(2025, quarter * 3 + 3, 1) - 1).toISOString();
        return catalogue.sample({ from, to, n: 50, strata: ['channel', 'verdict'], seed: `bench-${i}` });
      }),
    );
    const size = (await catalogue.pool.query<{ s: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS s')).rows[0]?.s;
    process.stdout.write(`database size ${size}; every p95 < 300 ms: ${results.every((x) => x.p95 < 300) ? 'yes' : 'NO'}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
