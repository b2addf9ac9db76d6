// One-off move of the catalogue dualqa kept before PostgreSQL: the SQLite file (sql.js, default
// <data dir>/catalogue.sqlite) is read and its inspections, revisions with step verdicts, decisions and
// audit trail are written into the PostgreSQL catalogue. Idempotent for everything but the audit, which
// is copied only into an empty audit table (a second run says so and skips it).
import * as fs from 'node:fs';
import initSqlJs, { type SqlValue } from 'sql.js';
import type { Verdict } from '../lib/labelled';
import type { PgCatalogue } from './postgres';
import type { RevisionRow } from './types';

type Row = Record<string, SqlValue>;

const text = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : String(v));
const textOrNull = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));
/** SQLite kept ISO strings; an unparseable one (never written by dualqa) becomes the epoch rather than failing the move. */
const time = (v: SqlValue | undefined): string => {
  const t = Date.parse(text(v));
  return new Date(Number.isFinite(t) ? t : 0).toISOString();
};

export interface ImportResult {
  inspections: number;
  revisions: number;
  decisions: number;
  audit: number;
  auditSkipped: boolean;
}

export async function importSqliteCatalogue(file: string, catalogue: PgCatalogue): Promise<ImportResult> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(fs.readFileSync(file));
  const rows = (sql: string): Row[] => {
    const out: Row[] = [];
    const stmt = db.prepare(sql);
    try {
      while (stmt.step()) out.push(stmt.getAsObject());
    } finally {
      stmt.free();
    }
    return out;
  };
  try {
    const result: ImportResult = { inspections: 0, revisions: 0, decisions: 0, audit: 0, auditSkipped: false };
    for (const r of rows('SELECT * FROM inspections ORDER BY recording_id')) {
      await catalogue.upsertInspection({
        recordingId: text(r.recording_id),
        bucket: text(r.bucket),
        objectKey: text(r.object_key),
        versionId: textOrNull(r.version_id),
        etag: text(r.etag),
        sha256: text(r.sha256),
        sizeBytes: Number(r.size_bytes),
        verdict: text(r.verdict) as Verdict,
        firstVerdict: text(r.first_verdict) as Verdict,
        channel: textOrNull(r.channel),
        productType: textOrNull(r.product_type),
        recordedAt: time(r.recorded_at),
        inspectedAt: time(r.inspected_at),
        // addRevision raises it to the newest revision imported.
        latestRevision: 0,
        rulebook: text(r.rulebook),
      });
      result.inspections++;
    }
    const steps = rows('SELECT * FROM step_verdicts');
    for (const r of rows('SELECT * FROM revisions ORDER BY recording_id, revision')) {
      const added = await catalogue.addRevision({
        recordingId: text(r.recording_id),
        revision: Number(r.revision),
        reportKey: text(r.report_key),
        reportSha256: text(r.report_sha256),
        verdict: text(r.verdict) as Verdict,
        createdAt: time(r.created_at),
        source: text(r.source) as RevisionRow['source'],
        steps: steps.filter((s) => s.recording_id === r.recording_id && Number(s.revision) === Number(r.revision)).map((s) => ({ id: text(s.step_id), verdict: text(s.verdict) as Verdict })),
      });
      if (added) result.revisions++;
    }
    for (const r of rows('SELECT * FROM decisions')) {
      await catalogue.addDecision({
        decisionId: text(r.decision_id),
        recordingId: text(r.recording_id),
        revision: Number(r.revision),
        reviewer: text(r.reviewer),
        stepId: text(r.step_id),
        before: text(r.before_verdict) as Verdict,
        after: text(r.after_verdict) as Verdict,
        comment: text(r.comment),
        decidedAt: time(r.decided_at),
      });
      result.decisions++;
    }
    const auditRows = (await catalogue.pool.query('SELECT count(*) AS n FROM audit')).rows as { n: string }[];
    if (Number(auditRows[0]?.n ?? 0) > 0) result.auditSkipped = true;
    else {
      for (const r of rows('SELECT * FROM audit ORDER BY id')) {
        await catalogue.audit({ at: time(r.at), actor: text(r.actor), action: text(r.action), recordingId: textOrNull(r.recording_id), detail: text(r.detail) });
        result.audit++;
      }
    }
    return result;
  } finally {
    db.close();
  }
}
