// The catalogue in PostgreSQL (node-postgres pool). The schema is versioned SQL in catalogue/migrations,
// applied by node-pg-migrate (which holds an advisory lock while it migrates, so several processes may
// open the catalogue at once). Every write is an upsert or is guarded by ON CONFLICT, so several review
// servers and `catalogue sync` runs can write side by side; a revision is added with its outcomes in one
// transaction.
import * as path from 'node:path';
import { runner } from 'node-pg-migrate';
import { Pool, type PoolClient } from 'pg';
import { PROJECT_ROOT } from '../lib/config';
import type { Verdict } from '../lib/labelled';
import { allocate, seededPositions } from './sample';
import type { AgentSteps, ApprovalRow, AuditRow, Catalogue, DecisionRow, InspectionFilter, InspectionRow, ReviewerAccount, RevisionRow, Role } from './types';

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'catalogue', 'migrations');

/**
 * Applies every pending migration (a no-op when the schema is current). node-pg-migrate takes an advisory
 * lock and refuses when another process holds it; then we wait for that one to finish and look again.
 */
export async function migrateCatalogue(url: string, timeoutMs = 120_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const done = await runner({
        databaseUrl: url,
        dir: MIGRATIONS_DIR,
        direction: 'up',
        migrationsTable: 'pgmigrations',
        count: Infinity,
        log: () => undefined,
        verbose: false,
      });
      return done.map((m) => m.name);
    } catch (err) {
      if (!/Another migration is already running/.test(String(err)) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
}

const SORT_COLUMNS: Record<NonNullable<InspectionFilter['sort']>, string> = {
  recordedAt: 'recorded_at',
  verdict: 'verdict',
  channel: 'channel',
  productType: 'product_type',
  inspectedAt: 'inspected_at',
};

type Row = Record<string, unknown>;

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

function toInspection(r: Row): InspectionRow {
  return {
    recordingId: String(r.recording_id),
    bucket: String(r.bucket),
    objectKey: String(r.object_key),
    versionId: (r.version_id as string | null) ?? null,
    etag: String(r.etag),
    sha256: String(r.sha256),
    sizeBytes: Number(r.size_bytes),
    verdict: r.verdict as Verdict,
    firstVerdict: r.first_verdict as Verdict,
    channel: (r.channel as string | null) ?? null,
    productType: (r.product_type as string | null) ?? null,
    branch: (r.branch as string | null) ?? null,
    agentKey: (r.agent_key as string | null) ?? null,
    recordedAt: iso(r.recorded_at),
    inspectedAt: iso(r.inspected_at),
    latestRevision: Number(r.latest_revision),
    rulebook: String(r.rulebook),
    signatureProblem: Boolean(r.signature_problem),
  };
}

function toAccount(r: Row): ReviewerAccount {
  return { id: String(r.id), name: String(r.name), role: r.role as Role, disabled: Boolean(r.disabled) };
}

export interface PgCatalogue extends Catalogue {
  pool: Pool;
}

/** Opens the catalogue at `url` (migrating it first unless `migrate: false`). */
export async function openPgCatalogue(url: string, options: { migrate?: boolean; max?: number } = {}): Promise<PgCatalogue> {
  if (options.migrate !== false) await migrateCatalogue(url);
  const pool = new Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const q = async (sql: string, params: unknown[] = []): Promise<Row[]> => (await pool.query(sql, params)).rows as Row[];

  async function tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  return {
    pool,

    async upsertInspection(r) {
      await q(
        `INSERT INTO inspections (recording_id, bucket, object_key, version_id, etag, sha256, size_bytes, verdict, first_verdict, channel, product_type, branch, agent_key, recorded_at, inspected_at, latest_revision, rulebook)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)
         ON CONFLICT (recording_id) DO UPDATE SET
           verdict = CASE WHEN excluded.latest_revision >= inspections.latest_revision THEN excluded.verdict ELSE inspections.verdict END,
           latest_revision = GREATEST(inspections.latest_revision, excluded.latest_revision),
           channel = excluded.channel, product_type = excluded.product_type, branch = excluded.branch, agent_key = excluded.agent_key, recorded_at = excluded.recorded_at`,
        [r.recordingId, r.bucket, r.objectKey, r.versionId, r.etag, r.sha256, r.sizeBytes, r.verdict, r.firstVerdict, r.channel, r.productType, r.branch ?? null, r.agentKey ?? null, r.recordedAt, r.inspectedAt, r.latestRevision, r.rulebook],
      );
    },

    async addRevision(r) {
      return tx(async (c) => {
        const inserted = await c.query(
          `INSERT INTO revisions (recording_id, revision, report_key, report_sha256, verdict, created_at, source, signature)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING RETURNING 1`,
          [r.recordingId, r.revision, r.reportKey, r.reportSha256, r.verdict, r.createdAt, r.source, r.signature ?? 'unchecked'],
        );
        if (inserted.rowCount === 0) return false;
        if (r.steps.length > 0) {
          await c.query(
            `INSERT INTO step_outcomes (recording_id, revision, step_id, verdict)
             SELECT $1, $2, s, v FROM unnest($3::text[], $4::text[]) AS t(s, v)`,
            [r.recordingId, r.revision, r.steps.map((s) => s.id), r.steps.map((s) => s.verdict)],
          );
        }
        const rules = r.rules ?? [];
        if (rules.length > 0) {
          await c.query(
            `INSERT INTO rule_outcomes (recording_id, revision, step_id, rule_id, verdict, applies)
             SELECT $1, $2, s, id, v, a FROM unnest($3::text[], $4::text[], $5::text[], $6::boolean[]) AS t(s, id, v, a) ON CONFLICT DO NOTHING`,
            [r.recordingId, r.revision, rules.map((x) => x.stepId), rules.map((x) => x.ruleId), rules.map((x) => x.verdict), rules.map((x) => x.applies)],
          );
        }
        // The inspection shows the newest revision's verdict, whatever order revisions are added in.
        await c.query('UPDATE inspections SET verdict = $1, latest_revision = $2 WHERE recording_id = $3 AND latest_revision <= $2', [r.verdict, r.revision, r.recordingId]);
        if (r.signature === 'invalid') await c.query('UPDATE inspections SET signature_problem = true WHERE recording_id = $1', [r.recordingId]);
        return true;
      });
    },

    async hasRevision(recordingId, revision) {
      return (await q('SELECT 1 FROM revisions WHERE recording_id = $1 AND revision = $2', [recordingId, revision])).length > 0;
    },

    async getInspection(recordingId) {
      const found = await q('SELECT * FROM inspections WHERE recording_id = $1', [recordingId]);
      return found[0] ? toInspection(found[0]) : null;
    },

    async listInspections(filter = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      const p = (v: unknown) => {
        params.push(v);
        return `$${params.length}`;
      };
      if (filter.verdicts?.length) where.push(`verdict = ANY(${p(filter.verdicts)}::text[])`);
      if (filter.channel) where.push(`channel = ${p(filter.channel)}`);
      if (filter.productType) where.push(`product_type = ${p(filter.productType)}`);
      if (filter.from) where.push(`recorded_at >= ${p(filter.from)}`);
      if (filter.to) where.push(`recorded_at <= ${p(filter.to)}`);
      if (filter.reviewer) where.push(`EXISTS (SELECT 1 FROM decisions d WHERE d.recording_id = inspections.recording_id AND d.reviewer = ${p(filter.reviewer)})`);
      const order = SORT_COLUMNS[filter.sort ?? 'recordedAt'];
      const dir = filter.descending ? 'DESC' : 'ASC';
      const sql =
        `SELECT * FROM inspections ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ` +
        `ORDER BY ${order} ${dir}, recording_id ASC ${filter.limit ? `LIMIT ${Math.floor(filter.limit)}` : ''}`;
      return (await q(sql, params)).map(toInspection);
    },

    async revisions(recordingId) {
      const [revs, steps, rules] = await Promise.all([
        q('SELECT * FROM revisions WHERE recording_id = $1 ORDER BY revision', [recordingId]),
        q('SELECT * FROM step_outcomes WHERE recording_id = $1 ORDER BY revision, step_id', [recordingId]),
        q('SELECT * FROM rule_outcomes WHERE recording_id = $1 ORDER BY revision, step_id, rule_id', [recordingId]),
      ]);
      return revs.map(
        (r): RevisionRow => ({
          recordingId: String(r.recording_id),
          revision: Number(r.revision),
          reportKey: String(r.report_key),
          reportSha256: String(r.report_sha256),
          verdict: r.verdict as Verdict,
          createdAt: iso(r.created_at),
          source: r.source as RevisionRow['source'],
          signature: r.signature as RevisionRow['signature'],
          steps: steps.filter((s) => Number(s.revision) === Number(r.revision)).map((s) => ({ id: String(s.step_id), verdict: s.verdict as Verdict })),
          rules: rules
            .filter((s) => Number(s.revision) === Number(r.revision))
            .map((s) => ({ stepId: String(s.step_id), ruleId: String(s.rule_id), verdict: s.verdict as Verdict, applies: Boolean(s.applies) })),
        }),
      );
    },

    async addDecision(d) {
      await q(
        `INSERT INTO decisions (decision_id, recording_id, revision, reviewer, step_id, before_verdict, after_verdict, comment, decided_at, pending_approval)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (decision_id) DO NOTHING`,
        [d.decisionId, d.recordingId, d.revision, d.reviewer, d.stepId, d.before, d.after, d.comment, d.decidedAt, d.pendingApproval === true],
      );
    },

    async decisions(recordingId) {
      const sql = `SELECT d.*, (SELECT a.lead FROM approvals a WHERE a.decision_id = d.decision_id LIMIT 1) AS approved_by FROM decisions d`;
      const found = recordingId
        ? await q(`${sql} WHERE d.recording_id = $1 ORDER BY d.decided_at, d.decision_id`, [recordingId])
        : await q(`${sql} ORDER BY d.decided_at, d.decision_id`);
      return found.map(
        (r): DecisionRow => ({
          decisionId: String(r.decision_id),
          recordingId: String(r.recording_id),
          revision: Number(r.revision),
          reviewer: String(r.reviewer),
          stepId: String(r.step_id),
          before: r.before_verdict as Verdict,
          after: r.after_verdict as Verdict,
          comment: String(r.comment),
          decidedAt: iso(r.decided_at),
          pendingApproval: Boolean(r.pending_approval),
          approvedBy: (r.approved_by as string | null) ?? null,
        }),
      );
    },

    async addApproval(a) {
      await q(
        `INSERT INTO approvals (approval_id, decision_id, recording_id, revision, lead, comment, approved_at) VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (approval_id) DO NOTHING`,
        [a.approvalId, a.decisionId, a.recordingId, a.revision, a.lead, a.comment, a.approvedAt],
      );
    },

    async approvals(recordingId) {
      return (await q('SELECT * FROM approvals WHERE recording_id = $1 ORDER BY approved_at, approval_id', [recordingId])).map(
        (r): ApprovalRow => ({
          approvalId: String(r.approval_id),
          decisionId: String(r.decision_id),
          recordingId: String(r.recording_id),
          revision: Number(r.revision),
          lead: String(r.lead),
          comment: String(r.comment),
          approvedAt: iso(r.approved_at),
        }),
      );
    },

    async audit(e) {
      await q('INSERT INTO audit (at, actor, action, recording_id, detail) VALUES (COALESCE($1::timestamptz, now()), $2, $3, $4, $5)', [e.at ?? null, e.actor, e.action, e.recordingId, e.detail]);
    },

    async auditEntries(filter = {}) {
      const limit = Math.floor(filter.limit ?? 500);
      const found = filter.recordingId
        ? await q(`SELECT * FROM audit WHERE recording_id = $1 ORDER BY id DESC LIMIT ${limit}`, [filter.recordingId])
        : await q(`SELECT * FROM audit ORDER BY id DESC LIMIT ${limit}`);
      return found.map((r): AuditRow => ({ id: Number(r.id), at: iso(r.at), actor: String(r.actor), action: String(r.action), recordingId: (r.recording_id as string | null) ?? null, detail: String(r.detail) }));
    },

    async facets() {
      const [channels, products] = await Promise.all([
        q('SELECT DISTINCT channel AS v FROM inspections WHERE channel IS NOT NULL ORDER BY 1'),
        q('SELECT DISTINCT product_type AS v FROM inspections WHERE product_type IS NOT NULL ORDER BY 1'),
      ]);
      return { channels: channels.map((r) => String(r.v)), productTypes: products.map((r) => String(r.v)) };
    },

    async refreshDashboard() {
      await q('REFRESH MATERIALIZED VIEW CONCURRENTLY weekly_verdicts');
      await q('REFRESH MATERIALIZED VIEW CONCURRENTLY weekly_rule_outcomes');
      await q('REFRESH MATERIALIZED VIEW CONCURRENTLY monthly_agent_steps');
    },

    async agentSteps(from, to, options = {}) {
      const limit = options.limit === undefined ? 'ALL' : String(Math.max(0, Math.floor(options.limit)));
      // Agents ranked on their whole-recording rows (step_id ''), then only the shown agents' steps read.
      const rows = await q(
        `WITH top AS (
           SELECT agent_key, row_number() OVER (ORDER BY sum(fails)::float8 / sum(n) DESC, sum(n) DESC, agent_key) AS place
             FROM monthly_agent_steps
            WHERE step_id = '' AND month >= date_trunc('month', $1::timestamptz) AND month < $2
            GROUP BY agent_key HAVING sum(n) >= $3
            ORDER BY place LIMIT ${limit})
         SELECT m.agent_key, m.step_id, sum(m.n)::integer AS n, sum(m.fails)::integer AS fails, sum(m.cannot_judge)::integer AS cannot_judge, min(top.place) AS place
           FROM top JOIN monthly_agent_steps m USING (agent_key)
          WHERE m.month >= date_trunc('month', $1::timestamptz) AND m.month < $2
          GROUP BY m.agent_key, m.step_id ORDER BY place, m.step_id`,
        [from, to, Math.max(1, Math.floor(options.minRecordings ?? 1))],
      );
      const out = new Map<string, AgentSteps>();
      for (const r of rows) {
        const agentKey = String(r.agent_key);
        const a = out.get(agentKey) ?? { agentKey, recordings: 0, fails: 0, cannotJudge: 0, steps: [] };
        if (r.step_id === '') Object.assign(a, { recordings: Number(r.n), fails: Number(r.fails), cannotJudge: Number(r.cannot_judge) });
        else a.steps.push({ stepId: String(r.step_id), total: Number(r.n), fails: Number(r.fails), cannotJudge: Number(r.cannot_judge) });
        out.set(agentKey, a);
      }
      return [...out.values()];
    },

    async dashboard(from, to, dimension = 'channel') {
      const [verdicts, rules] = await Promise.all([
        q(
          `SELECT week, value,
                  sum(n) FILTER (WHERE verdict = 'PASS') AS pass, sum(n) FILTER (WHERE verdict = 'FAIL') AS fail,
                  sum(n) FILTER (WHERE verdict = 'CANNOT_JUDGE') AS cannot_judge,
                  sum(n) FILTER (WHERE first_verdict = 'FAIL' AND verdict = 'PASS') AS overturned, sum(n) AS total
             FROM weekly_verdicts WHERE dimension = $3 AND week >= date_trunc('week', $1::timestamptz) AND week < $2
            GROUP BY 1, 2 ORDER BY 1, 2`,
          [from, to, dimension],
        ),
        q(`SELECT week, channel, rule_id, fails, cannot_judge, n FROM weekly_rule_outcomes WHERE week >= date_trunc('week', $1::timestamptz) AND week < $2 ORDER BY 1, 2, 3`, [from, to]),
      ]);
      return {
        verdicts: verdicts.map((r) => ({
          week: iso(r.week),
          value: String(r.value),
          pass: Number(r.pass ?? 0),
          fail: Number(r.fail ?? 0),
          cannotJudge: Number(r.cannot_judge ?? 0),
          overturned: Number(r.overturned ?? 0),
          total: Number(r.total ?? 0),
        })),
        rules: rules.map((r) => ({ week: iso(r.week), channel: String(r.channel), ruleId: String(r.rule_id), fails: Number(r.fails), cannotJudge: Number(r.cannot_judge), total: Number(r.n) })),
      };
    },

    async ruleOverrides(from, to) {
      const rows = await q(
        `SELECT r.rule_id, count(*) AS machine_fails,
                count(*) FILTER (WHERE EXISTS (
                  SELECT 1 FROM decisions d
                   WHERE d.recording_id = r.recording_id AND d.step_id = r.step_id AND d.before_verdict = 'FAIL' AND d.after_verdict <> 'FAIL'
                     AND (NOT d.pending_approval OR EXISTS (SELECT 1 FROM approvals a WHERE a.decision_id = d.decision_id)))) AS overridden
           FROM rule_outcomes r JOIN inspections i USING (recording_id)
          WHERE r.revision = 1 AND r.verdict = 'FAIL' AND i.recorded_at >= $1 AND i.recorded_at < $2
          GROUP BY r.rule_id ORDER BY machine_fails DESC, r.rule_id`,
        [from, to],
      );
      return rows.map((r) => ({ ruleId: String(r.rule_id), machineFails: Number(r.machine_fails), overridden: Number(r.overridden) }));
    },

    async sample(o) {
      const columns: Record<string, string> = { channel: 'channel', verdict: 'verdict', productType: 'product_type' };
      // The stratum as stratumOf spells it, computed in SQL: 'channel=bank,verdict=FAIL' (or 'all'). The same
      // expression reads sample_strata_days, whose columns already say '(none)'.
      const key = o.strata.length ? o.strata.map((f) => `'${f}=' || coalesce(${columns[f]!}, '(none)')`).join(` || ',' || `) : `'all'`;
      // Whole UTC days of [from, to] are counted from sample_strata_days, the partial days at either end
      // from the recordings themselves.
      const DAY = 86_400_000;
      const from = Date.parse(o.from);
      const to = Date.parse(o.to);
      const firstWhole = Math.ceil(from / DAY) * DAY;
      const endWhole = Math.floor((to + 1) / DAY) * DAY;
      const wholeDays = firstWhole < endWhole;
      const iso = (ms: number) => new Date(ms).toISOString();
      // One snapshot for the counts and the rows (the counts are kept by triggers in the same transactions).
      const { population, picked } = await tx(async (c) => {
        await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        const counted = wholeDays
          ? await c.query(
              `SELECT day::text AS day, ${key} AS stratum, sum(n)::integer AS n FROM sample_strata_days WHERE day >= $3::date AND day < $4::date GROUP BY 1, 2
               UNION ALL
               SELECT (recorded_at AT TIME ZONE 'UTC')::date::text, ${key}, count(*)::integer FROM inspections
                WHERE recorded_at >= $1 AND recorded_at <= $2 AND (recorded_at < $3 OR recorded_at >= $4) GROUP BY 1, 2`,
              [o.from, o.to, iso(firstWhole), iso(endWhole)],
            )
          : await c.query(`SELECT (recorded_at AT TIME ZONE 'UTC')::date::text AS day, ${key} AS stratum, count(*)::integer AS n FROM inspections WHERE recorded_at >= $1 AND recorded_at <= $2 GROUP BY 1, 2`, [o.from, o.to]);
        const days = new Map<string, { day: string; n: number }[]>();
        for (const r of counted.rows as Row[]) {
          if (Number(r.n) <= 0) continue;
          const list = days.get(String(r.stratum)) ?? [];
          list.push({ day: String(r.day), n: Number(r.n) });
          days.set(String(r.stratum), list);
        }
        const sizes = new Map([...days].map(([s, list]) => [s, list.reduce((a, d) => a + d.n, 0)]));
        const population = [...sizes.values()].reduce((a, n) => a + n, 0);
        // Each stratum's seeded positions, as (day, position among that day's recordings of the stratum).
        const picks: { day: string; stratum: string; pos: number }[] = [];
        for (const [stratum, share] of allocate(sizes, o.n)) {
          if (share === 0) continue;
          const list = days.get(stratum)!.sort((a, b) => a.day.localeCompare(b.day));
          let d = 0;
          let before = 0;
          for (const p of seededPositions(o.seed, stratum, share, sizes.get(stratum)!)) {
            while (p >= before + list[d]!.n) before += list[d++]!.n;
            picks.push({ day: list[d]!.day, stratum, pos: p - before });
          }
        }
        if (picks.length === 0) return { population, picked: [] as Row[] };
        const found = await c.query(
          `SELECT x.recording_id FROM unnest($3::date[], $4::text[], $5::int[]) AS p(day, stratum, pos)
           CROSS JOIN LATERAL (
             SELECT recording_id FROM inspections
              WHERE recorded_at >= greatest($1::timestamptz, p.day::timestamp AT TIME ZONE 'UTC')
                AND recorded_at < least($2::timestamptz + interval '1 microsecond', (p.day + 1)::timestamp AT TIME ZONE 'UTC')
                AND ${key} = p.stratum
              ORDER BY recorded_at, recording_id COLLATE "C" OFFSET p.pos LIMIT 1) x`,
          [o.from, o.to, picks.map((p) => p.day), picks.map((p) => p.stratum), picks.map((p) => p.pos)],
        );
        const ids = (found.rows as Row[]).map((r) => String(r.recording_id));
        if (ids.length !== picks.length) throw new Error(`sample: ${picks.length - ids.length} of ${picks.length} positions not found (counts out of step with the recordings)`);
        const rows = (await c.query(`SELECT *, ${key} AS stratum FROM inspections WHERE recording_id = ANY($1::text[])`, [ids])).rows as Row[];
        return { population, picked: rows };
      });
      const rows = picked.map((r) => ({ row: toInspection(r), stratum: String(r.stratum) }));
      rows.sort((a, b) => a.stratum.localeCompare(b.stratum) || a.row.recordingId.localeCompare(b.row.recordingId));
      return { population, rows };
    },

    async knownReportKeys() {
      return new Set((await q('SELECT report_key FROM revisions')).map((r) => String(r.report_key)));
    },

    async flagSignature(recordingId) {
      await q('UPDATE inspections SET signature_problem = true WHERE recording_id = $1', [recordingId]);
    },

    async clearProjection() {
      await q('TRUNCATE inspections, revisions, step_outcomes, rule_outcomes, decisions, approvals, sample_strata_days');
    },

    async putReviewer(a) {
      await q(
        `INSERT INTO reviewers (id, name, token_sha256, role) VALUES ($1,$2,$3,$4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, token_sha256 = excluded.token_sha256, role = excluded.role, disabled = false`,
        [a.id, a.name, a.tokenSha256, a.role],
      );
    },

    async setReviewerDisabled(id, disabled) {
      return (await q('UPDATE reviewers SET disabled = $2 WHERE id = $1 RETURNING 1', [id, disabled])).length > 0;
    },

    async removeReviewer(id) {
      return (await q('DELETE FROM reviewers WHERE id = $1 RETURNING 1', [id])).length > 0;
    },

    async reviewers() {
      return (await q('SELECT * FROM reviewers ORDER BY id')).map(toAccount);
    },

    async reviewerByToken(tokenSha256, id) {
      const found = await q('SELECT * FROM reviewers WHERE token_sha256 = $1 AND NOT disabled AND ($2::text IS NULL OR id = $2)', [tokenSha256, id ?? null]);
      return found[0] ? toAccount(found[0]) : null;
    },

    async openSession(idSha256, reviewerId, expiresAt) {
      await q('INSERT INTO sessions (id_sha256, reviewer_id, expires_at) VALUES ($1,$2,$3)', [idSha256, reviewerId, expiresAt]);
      // Expired sessions are swept now and then, by whoever signs in.
      await q('DELETE FROM sessions WHERE expires_at < now()');
    },

    async sessionReviewer(idSha256) {
      const found = await q(
        'SELECT r.* FROM sessions s JOIN reviewers r ON r.id = s.reviewer_id WHERE s.id_sha256 = $1 AND s.expires_at > now() AND NOT r.disabled',
        [idSha256],
      );
      return found[0] ? toAccount(found[0]) : null;
    },

    async closeSession(idSha256) {
      await q('DELETE FROM sessions WHERE id_sha256 = $1', [idSha256]);
    },

    async firstMediaView(idSha256, recordingId) {
      return (await q('INSERT INTO session_media VALUES ($1,$2) ON CONFLICT DO NOTHING RETURNING 1', [idSha256, recordingId])).length > 0;
    },

    async refuseSignIn(account, address) {
      await q('INSERT INTO refused_sign_ins (account, address) VALUES ($1,$2)', [account, address]);
    },

    async refusedSignIns(account, address, since) {
      const [r] = await q(
        `SELECT (SELECT count(*) FROM refused_sign_ins WHERE $1::text IS NOT NULL AND account = $1 AND at >= $3) AS account,
                (SELECT count(*) FROM refused_sign_ins WHERE address = $2 AND at >= $3) AS address`,
        [account, address, since],
      );
      return { account: Number(r?.account ?? 0), address: Number(r?.address ?? 0) };
    },

    async close() {
      await pool.end();
    },
  };
}
