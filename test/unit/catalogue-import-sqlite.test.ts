// `dualqa catalogue import-sqlite`: the SQLite catalogue of earlier versions (sql.js; its schema as
// catalogue/sqlite.ts created it before commit 4b5053f) and the old reviewers.json, moved once into the
// PostgreSQL catalogue started by the stack's own code; a second run adds nothing and leaves the audit alone.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import initSqlJs from 'sql.js';
import { importSqliteCatalogue } from '../../catalogue/import-sqlite';
import { openPgCatalogue, type PgCatalogue } from '../../catalogue/postgres';
import { importReviewersFile, reviewerForToken } from '../../review/reviewers';
import { startDatabase } from '../../stack';
import { tempDir } from '../helpers/media';

/** The schema the SQLite catalogue had (catalogue/sqlite.ts at 95ff7ef). */
const OLD_SCHEMA = `
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

const root = tempDir('dualqa-import-sqlite-');
let db: { url: string; stop(): Promise<void> };
let catalogue: PgCatalogue;
before(async () => {
  db = await startDatabase({ dataDir: path.join(root, 'stack'), name: 'import' });
  catalogue = await openPgCatalogue(db.url);
});
after(async () => {
  await catalogue?.close();
  await db?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

async function writeOldCatalogue(file: string): Promise<void> {
  const SQL = await initSqlJs();
  const old = new SQL.Database();
  old.exec(OLD_SCHEMA);
  const ins = `INSERT INTO inspections VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`;
  old.run(ins, ['recA', 'recordings', '2026/08/a.mp4', 'v1', 'etagA', 'a'.repeat(64), 1000, 'PASS', 'FAIL', 'bank', 'health', '2026-08-03T02:00:00.000Z', '2026-08-03T03:00:00.000Z', 2, 'cn-national@1.2.0']);
  old.run(ins, ['recB', 'recordings', '2026/08/b.mp4', null, 'etagB', 'b'.repeat(64), 2000, 'CANNOT_JUDGE', 'CANNOT_JUDGE', null, null, '2026-08-04T09:30:00.000Z', '2026-08-04T10:00:00.000Z', 1, 'cn-national@1.2.0']);
  const rev = `INSERT INTO revisions VALUES (?,?,?,?,?,?,?)`;
  old.run(rev, ['recA', 1, 'recA/r1/report.json', 'c'.repeat(64), 'FAIL', '2026-08-03T03:00:00.000Z', 'inspection']);
  old.run(rev, ['recA', 2, 'recA/r2/report.json', 'd'.repeat(64), 'PASS', '2026-08-05T08:00:00.000Z', 'review']);
  old.run(rev, ['recB', 1, 'recB/r1/report.json', 'e'.repeat(64), 'CANNOT_JUDGE', '2026-08-04T10:00:00.000Z', 'inspection']);
  const step = `INSERT INTO step_verdicts VALUES (?,?,?,?)`;
  old.run(step, ['recA', 1, 'continuity', 'FAIL']);
  old.run(step, ['recA', 1, 'opening', 'PASS']);
  old.run(step, ['recA', 2, 'continuity', 'PASS']);
  old.run(step, ['recA', 2, 'opening', 'PASS']);
  old.run(step, ['recB', 1, 'continuity', 'CANNOT_JUDGE']);
  old.run(`INSERT INTO decisions VALUES (?,?,?,?,?,?,?,?,?)`, ['dec-1', 'recA', 2, 'alice', 'continuity', 'FAIL', 'PASS', '镜头盖遮挡', '2026-08-05T08:00:00.000Z']);
  const audit = `INSERT INTO audit (at, actor, action, recording_id, detail) VALUES (?,?,?,?,?)`;
  old.run(audit, ['2026-08-05T07:59:00.000Z', 'alice', 'view-recording', 'recA', '']);
  old.run(audit, ['2026-08-05T08:00:00.000Z', 'alice', 'decide', 'recA', 'continuity FAIL → PASS (r2)']);
  old.run(audit, ['2026-08-06T00:00:00.000Z', 'bob', 'login', null, '']);
  fs.writeFileSync(file, old.export());
  old.close();
}

describe('catalogue import-sqlite', () => {
  it('moves inspections, revisions with step verdicts, decisions, the audit and reviewers once', async () => {
    const file = path.join(root, 'catalogue.sqlite');
    await writeOldCatalogue(file);
    const reviewersFile = path.join(root, 'reviewers.json');
    const token = 'old-token-of-alice';
    fs.writeFileSync(reviewersFile, JSON.stringify({ reviewers: [{ id: 'alice', name: 'Alice', tokenSha256: createHash('sha256').update(token).digest('hex') }, { id: 'bad id!', name: 'x', tokenSha256: 'f'.repeat(64) }] }));

    const first = await importSqliteCatalogue(file, catalogue);
    assert.deepEqual(first, { inspections: 2, revisions: 3, decisions: 1, audit: 3, auditSkipped: false });
    assert.equal(await importReviewersFile(catalogue, reviewersFile), 1, 'the invalid id is left out');

    const a = (await catalogue.getInspection('recA'))!;
    assert.deepEqual([a.verdict, a.firstVerdict, a.latestRevision, a.channel, a.productType, a.versionId, a.sizeBytes, a.recordedAt], ['PASS', 'FAIL', 2, 'bank', 'health', 'v1', 1000, '2026-08-03T02:00:00.000Z']);
    const b = (await catalogue.getInspection('recB'))!;
    assert.deepEqual([b.verdict, b.channel, b.productType, b.versionId], ['CANNOT_JUDGE', null, null, null]);
    assert.deepEqual(
      (await catalogue.revisions('recA')).map((r) => [r.revision, r.source, r.verdict, r.reportKey, r.steps.map((s) => `${s.id}=${s.verdict}`).join(' ')]),
      [
        [1, 'inspection', 'FAIL', 'recA/r1/report.json', 'continuity=FAIL opening=PASS'],
        [2, 'review', 'PASS', 'recA/r2/report.json', 'continuity=PASS opening=PASS'],
      ],
    );
    assert.deepEqual((await catalogue.decisions('recA')).map((d) => [d.decisionId, d.reviewer, d.stepId, d.before, d.after, d.comment, d.pendingApproval]), [['dec-1', 'alice', 'continuity', 'FAIL', 'PASS', '镜头盖遮挡', false]]);
    const audit = await catalogue.auditEntries({ limit: 10 });
    assert.deepEqual(audit.map((e) => [e.at, e.actor, e.action, e.recordingId]).reverse(), [
      ['2026-08-05T07:59:00.000Z', 'alice', 'view-recording', 'recA'],
      ['2026-08-05T08:00:00.000Z', 'alice', 'decide', 'recA'],
      ['2026-08-06T00:00:00.000Z', 'bob', 'login', null],
    ]);
    const alice = await reviewerForToken(catalogue, token, 'alice');
    assert.equal(alice?.role, 'reviewer', 'the old token signs in, as a reviewer');
    // Imported recordings are in the sample counts and the queue like synced ones.
    const sample = await catalogue.sample({ from: '2026-08-01T00:00:00.000Z', to: '2026-08-31T23:59:59.999Z', n: 5, strata: ['verdict'], seed: 'import' });
    assert.equal(sample.population, 2);
    assert.deepEqual(sample.rows.map((r) => r.row.recordingId).sort(), ['recA', 'recB']);
    assert.deepEqual((await catalogue.listInspections({ verdicts: ['FAIL', 'CANNOT_JUDGE'] })).map((r) => r.recordingId), ['recB']);

    // A second run: nothing new, the audit (no longer empty) left alone, no reviewer twice.
    const again = await importSqliteCatalogue(file, catalogue);
    assert.deepEqual(again, { inspections: 2, revisions: 0, decisions: 1, audit: 0, auditSkipped: true });
    assert.equal(await importReviewersFile(catalogue, reviewersFile), 0);
    assert.equal((await catalogue.auditEntries({ limit: 10 })).length, 3);
    assert.equal((await catalogue.revisions('recA')).length, 2);
    assert.equal((await catalogue.decisions()).length, 1);
    assert.equal((await catalogue.getInspection('recA'))!.verdict, 'PASS', 'a second run keeps the newest verdict');
  });
});
