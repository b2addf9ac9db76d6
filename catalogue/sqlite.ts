// The embedded catalogue: SQLite compiled to WebAssembly (sql.js), so it installs from npm alone with no
// native build and no download. sql.js keeps the database in memory; every write runs under a lock file,
// reloads the file if another process changed it, and saves it back atomically (temp file + rename), so
// the CLI and the review server can share one catalogue file safely at the modest write rates of review.
/* eslint-disable @typescript-eslint/require-await -- the interface is async for PostgreSQL; sql.js answers synchronously */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs, { type Database, type SqlValue } from 'sql.js';
import type { Verdict } from '../lib/labelled';
import type { AuditRow, Catalogue, DecisionRow, InspectionFilter, InspectionRow, RevisionRow } from './types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS inspections (
  recording_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, object_key TEXT NOT NULL, version_id TEXT, etag TEXT NOT NULL,
  sha256 TEXT NOT NULL, size_bytes INTEGER NOT NULL, verdict TEXT NOT NULL, first_verdict TEXT NOT NULL,
  channel TEXT, product_type TEXT, recorded_at TEXT NOT NULL, inspected_at TEXT NOT NULL,
  latest_revision INTEGER NOT NULL, rulebook TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS inspections_recorded ON inspections(recorded_at);
CREATE TABLE IF NOT EXISTS revisions (
  recording_id TEXT NOT NULL, revision INTEGER NOT NULL, report_key TEXT NOT NULL, report_sha256 TEXT NOT NULL,
  verdict TEXT NOT NULL, created_at TEXT NOT NULL, source TEXT NOT NULL, PRIMARY KEY (recording_id, revision));
CREATE TABLE IF NOT EXISTS step_verdicts (
  recording_id TEXT NOT NULL, revision INTEGER NOT NULL, step_id TEXT NOT NULL, verdict TEXT NOT NULL,
  PRIMARY KEY (recording_id, revision, step_id));
CREATE TABLE IF NOT EXISTS decisions (
  decision_id TEXT PRIMARY KEY, recording_id TEXT NOT NULL, revision INTEGER NOT NULL, reviewer TEXT NOT NULL,
  step_id TEXT NOT NULL, before_verdict TEXT NOT NULL, after_verdict TEXT NOT NULL, comment TEXT NOT NULL, decided_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  recording_id TEXT, detail TEXT NOT NULL);
`;

const SORT_COLUMNS: Record<NonNullable<InspectionFilter['sort']>, string> = {
  recordedAt: 'recorded_at',
  inspectedAt: 'inspected_at',
  verdict: 'verdict',
  channel: 'channel',
  productType: 'product_type',
};

type Row = Record<string, SqlValue>;

function str(v: SqlValue): string {
  return v === null ? '' : String(v);
}
function strOrNull(v: SqlValue): string | null {
  return v === null ? null : String(v);
}

function toInspection(r: Row): InspectionRow {
  return {
    recordingId: str(r.recording_id!),
    bucket: str(r.bucket!),
    objectKey: str(r.object_key!),
    versionId: strOrNull(r.version_id ?? null),
    etag: str(r.etag!),
    sha256: str(r.sha256!),
    sizeBytes: Number(r.size_bytes),
    verdict: str(r.verdict!) as Verdict,
    firstVerdict: str(r.first_verdict!) as Verdict,
    channel: strOrNull(r.channel ?? null),
    productType: strOrNull(r.product_type ?? null),
    recordedAt: str(r.recorded_at!),
    inspectedAt: str(r.inspected_at!),
    latestRevision: Number(r.latest_revision),
    rulebook: str(r.rulebook!),
  };
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

export async function openSqliteCatalogue(file: string): Promise<Catalogue> {
  const SQL = await initSqlJs();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lockFile = `${file}.lock`;
  // Each save writes a fresh random token beside the file: a reader reloads when the token changed
  // (mtimes are too coarse to tell two writes in one millisecond apart).
  const generationFile = `${file}.generation`;
  let loadedGeneration = '';
  let db: Database = load();

  function load(): Database {
    const fresh = fs.existsSync(file) ? new SQL.Database(fs.readFileSync(file)) : new SQL.Database();
    fresh.exec(SCHEMA);
    loadedGeneration = currentGeneration();
    return fresh;
  }

  function save(): void {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, db.export(), { mode: 0o600 });
    fs.renameSync(tmp, file);
    loadedGeneration = randomUUID();
    fs.writeFileSync(generationFile, loadedGeneration);
  }

  function currentGeneration(): string {
    try {
      return fs.readFileSync(generationFile, 'utf8');
    } catch {
      return '';
    }
  }

  function refresh(): void {
    if (currentGeneration() !== loadedGeneration) {
      db.close();
      db = load();
    }
  }

  /** One writer at a time across processes; a lock older than 30 s is taken to be left by a crash. */
  async function write<T>(fn: () => T): Promise<T> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        fs.closeSync(fs.openSync(lockFile, 'wx'));
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        try {
          if (Date.now() - fs.statSync(lockFile).mtimeMs > 30_000) fs.rmSync(lockFile, { force: true });
        } catch {
          // The holder just released it.
        }
        if (Date.now() > deadline) throw new Error(`catalogue ${file} is locked`);
        await sleep(20);
      }
    }
    try {
      refresh();
      db.exec('BEGIN');
      let result: T;
      try {
        result = fn();
        db.exec('COMMIT');
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
      save();
      return result;
    } finally {
      fs.rmSync(lockFile, { force: true });
    }
  }

  function rows(sql: string, params: SqlValue[] = []): Row[] {
    refresh();
    const stmt = db.prepare(sql);
    try {
      stmt.bind(params);
      const out: Row[] = [];
      while (stmt.step()) out.push(stmt.getAsObject());
      return out;
    } finally {
      stmt.free();
    }
  }

  return {
    async upsertInspection(r) {
      await write(() =>
        db.run(
          `INSERT INTO inspections VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
           ON CONFLICT(recording_id) DO UPDATE SET verdict=excluded.verdict, latest_revision=MAX(latest_revision, excluded.latest_revision),
             channel=excluded.channel, product_type=excluded.product_type, recorded_at=excluded.recorded_at`,
          [r.recordingId, r.bucket, r.objectKey, r.versionId, r.etag, r.sha256, r.sizeBytes, r.verdict, r.firstVerdict, r.channel, r.productType, r.recordedAt, r.inspectedAt, r.latestRevision, r.rulebook],
        ),
      );
    },

    async addRevision(r) {
      return write(() => {
        const known = db.exec('SELECT 1 FROM revisions WHERE recording_id=? AND revision=?', [r.recordingId, r.revision]);
        if (known.length > 0) return false;
        db.run('INSERT INTO revisions VALUES (?,?,?,?,?,?,?)', [r.recordingId, r.revision, r.reportKey, r.reportSha256, r.verdict, r.createdAt, r.source]);
        for (const s of r.steps) db.run('INSERT INTO step_verdicts VALUES (?,?,?,?)', [r.recordingId, r.revision, s.id, s.verdict]);
        // The inspection shows the newest revision's verdict, whatever order revisions are added in.
        db.run('UPDATE inspections SET verdict=?, latest_revision=? WHERE recording_id=? AND latest_revision<=?', [r.verdict, r.revision, r.recordingId, r.revision]);
        return true;
      });
    },

    async hasRevision(recordingId, revision) {
      return rows('SELECT 1 AS x FROM revisions WHERE recording_id=? AND revision=?', [recordingId, revision]).length > 0;
    },

    async getInspection(recordingId) {
      const found = rows('SELECT * FROM inspections WHERE recording_id=?', [recordingId]);
      return found[0] ? toInspection(found[0]) : null;
    },

    async listInspections(filter = {}) {
      const where: string[] = [];
      const params: SqlValue[] = [];
      if (filter.verdicts?.length) {
        where.push(`verdict IN (${filter.verdicts.map(() => '?').join(',')})`);
        params.push(...filter.verdicts);
      }
      const condition = (sql: string, value: string | undefined): void => {
        if (!value) return;
        where.push(sql);
        params.push(value);
      };
      condition('channel = ?', filter.channel);
      condition('product_type = ?', filter.productType);
      condition('recorded_at >= ?', filter.from);
      condition('recorded_at <= ?', filter.to);
      condition('recording_id IN (SELECT recording_id FROM decisions WHERE reviewer = ?)', filter.reviewer);
      const order = SORT_COLUMNS[filter.sort ?? 'recordedAt'];
      const sql =
        `SELECT * FROM inspections ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ` +
        `ORDER BY ${order} ${filter.descending ? 'DESC' : 'ASC'}, recording_id ASC ${filter.limit ? `LIMIT ${Math.floor(filter.limit)}` : ''}`;
      return rows(sql, params).map(toInspection);
    },

    async revisions(recordingId) {
      const steps = rows('SELECT * FROM step_verdicts WHERE recording_id=? ORDER BY revision, step_id', [recordingId]);
      return rows('SELECT * FROM revisions WHERE recording_id=? ORDER BY revision', [recordingId]).map((r) => ({
        recordingId: str(r.recording_id!),
        revision: Number(r.revision),
        reportKey: str(r.report_key!),
        reportSha256: str(r.report_sha256!),
        verdict: str(r.verdict!) as Verdict,
        createdAt: str(r.created_at!),
        source: str(r.source!) as RevisionRow['source'],
        steps: steps.filter((s) => Number(s.revision) === Number(r.revision)).map((s) => ({ id: str(s.step_id!), verdict: str(s.verdict!) as Verdict })),
      }));
    },

    async addDecision(d) {
      await write(() =>
        db.run('INSERT OR IGNORE INTO decisions VALUES (?,?,?,?,?,?,?,?,?)', [d.decisionId, d.recordingId, d.revision, d.reviewer, d.stepId, d.before, d.after, d.comment, d.decidedAt]),
      );
    },

    async decisions(recordingId) {
      const found = recordingId
        ? rows('SELECT * FROM decisions WHERE recording_id=? ORDER BY decided_at, decision_id', [recordingId])
        : rows('SELECT * FROM decisions ORDER BY decided_at, decision_id');
      return found.map(
        (r): DecisionRow => ({
          decisionId: str(r.decision_id!),
          recordingId: str(r.recording_id!),
          revision: Number(r.revision),
          reviewer: str(r.reviewer!),
          stepId: str(r.step_id!),
          before: str(r.before_verdict!) as Verdict,
          after: str(r.after_verdict!) as Verdict,
          comment: str(r.comment!),
          decidedAt: str(r.decided_at!),
        }),
      );
    },

    async audit(e) {
      await write(() => db.run('INSERT INTO audit (at, actor, action, recording_id, detail) VALUES (?,?,?,?,?)', [e.at ?? new Date().toISOString(), e.actor, e.action, e.recordingId, e.detail]));
    },

    async auditEntries(filter = {}) {
      const limit = Math.floor(filter.limit ?? 500);
      const found = filter.recordingId
        ? rows(`SELECT * FROM audit WHERE recording_id=? ORDER BY id DESC LIMIT ${limit}`, [filter.recordingId])
        : rows(`SELECT * FROM audit ORDER BY id DESC LIMIT ${limit}`);
      return found.map((r): AuditRow => ({ id: Number(r.id), at: str(r.at!), actor: str(r.actor!), action: str(r.action!), recordingId: strOrNull(r.recording_id ?? null), detail: str(r.detail!) }));
    },

    async close() {
      db.close();
    },
  };
}

/** Where the embedded catalogue lives: DUALQA_CATALOGUE, else catalogue.sqlite in the data dir. */
export function catalogueFile(dataDir: string): string {
  return process.env.DUALQA_CATALOGUE ?? path.join(dataDir, 'catalogue.sqlite');
}
