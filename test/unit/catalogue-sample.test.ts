// The catalogue (the embedded PostgreSQL, started by the stack's own code), reviewers, sessions and
// refused sign-ins in it, regulator sampling, signed sample folders and signed reports, with S3 faked as
// an in-memory object map (the real-stack path is in test/integration/review.test.ts).
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type * as Minio from 'minio';
import { openPgCatalogue, type PgCatalogue } from '../../catalogue/postgres';
import { agentKeyOf, rebuildCatalogue, syncCatalogue } from '../../catalogue/sync';
import { addReviewer, reviewerForToken } from '../../review/reviewers';
import { Sessions, sessionCookie } from '../../review/sessions';
import { startDatabase } from '../../stack';
import { loadOrCreateHashKey } from '../../stack/identities';
import { allocate, drawSample, seededPositions } from '../../catalogue/sample';
import type { Catalogue, InspectionRow } from '../../catalogue/types';
import type { Verdict } from '../../lib/labelled';
import { initSigningKey, keyIdOf, loadPublicKey, loadSigningKey } from '../../signing/keys';
import { signStoredReport, verifyReportFile } from '../../signing/report-signature';
import { exportSample, MANIFEST } from '../../signing/sample-export';
import { verifySampleDir } from '../../signing/verify-sample';
import { projectionDump } from '../helpers/catalogue-dump';
import { tempDir } from '../helpers/media';

const root = tempDir('dualqa-catalogue-');
let db: { url: string; stop(): Promise<void> };
const opened: PgCatalogue[] = [];
/** A catalogue on the test's database; closed at the end. */
async function open(): Promise<PgCatalogue> {
  const c = await openPgCatalogue(db.url);
  opened.push(c);
  return c;
}
before(async () => {
  db = await startDatabase({ dataDir: path.join(root, 'stack'), name: 'catalogue' });
});
after(async () => {
  for (const c of opened) await c.close().catch(() => undefined);
  await db?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Just the calls the catalogue, export and signing code make, over a Map. */
function fakeS3(objects: Map<string, Buffer>): Minio.Client {
  const notFound = () => Object.assign(new Error('not found'), { code: 'NoSuchKey' });
  return {
    async getObject(bucket: string, key: string) {
      const b = objects.get(`${bucket}/${key}`);
      if (!b) throw notFound();
      return Readable.from([b]);
    },
    async statObject(bucket: string, key: string) {
      const b = objects.get(`${bucket}/${key}`);
      if (!b) throw notFound();
      return { size: b.length, etag: 'e', versionId: null };
    },
    async putObject(bucket: string, key: string, body: Buffer) {
      objects.set(`${bucket}/${key}`, Buffer.from(body));
    },
    listObjectsV2(bucket: string, prefix: string) {
      return Readable.from([...objects.keys()].filter((k) => k.startsWith(`${bucket}/${prefix}`)).map((k) => ({ name: k.slice(bucket.length + 1) })));
    },
  } as unknown as Minio.Client;
}

function inspection(i: number, verdict: Verdict, channel: string, sha256: string): InspectionRow {
  return {
    recordingId: `rec${String(i).padStart(3, '0')}`,
    bucket: 'recordings',
    objectKey: `2026/rec${i}.mp4`,
    versionId: null,
    etag: 'e',
    sha256,
    sizeBytes: 10,
    verdict,
    firstVerdict: verdict,
    channel,
    productType: 'health',
    recordedAt: new Date(Date.UTC(2026, 6, 1 + (i % 28))).toISOString(),
    inspectedAt: '2026-11-01T00:00:00.000Z',
    latestRevision: 1,
    rulebook: 'cn-national@1.2.0',
  };
}

describe('catalogue (PostgreSQL)', () => {
  it('keeps inspections, revisions, decisions and audit across reopen and across two writers at once', async () => {
    // Two processes opening at once: the migration runs once (node-pg-migrate's advisory lock).
    const [a, b] = await Promise.all([open(), open()]);
    await a.clearProjection();
    await a.upsertInspection(inspection(1, 'FAIL', 'bank', 'a'.repeat(64)));
    const r1 = { recordingId: 'rec001', revision: 1, reportKey: 'rec001/r1/report.json', reportSha256: 'x', verdict: 'FAIL' as const, createdAt: '2026-11-01T00:00:00.000Z', source: 'inspection' as const };
    const [x, y] = await Promise.all([
      a.addRevision({ ...r1, steps: [{ id: 'continuity', verdict: 'FAIL' }], rules: [{ stepId: 'continuity', ruleId: 'CONT-CUT', verdict: 'FAIL', applies: true }] }),
      b.addRevision({ ...r1, steps: [{ id: 'continuity', verdict: 'FAIL' }], rules: [{ stepId: 'continuity', ruleId: 'CONT-CUT', verdict: 'FAIL', applies: true }] }),
    ]);
    assert.deepEqual([x, y].sort(), [false, true], 'the same revision from two writers is added once');
    await b.addRevision({ recordingId: 'rec001', revision: 2, reportKey: 'rec001/r2/report.json', reportSha256: 'y', verdict: 'PASS', createdAt: '2026-11-02T00:00:00.000Z', source: 'review', steps: [{ id: 'continuity', verdict: 'PASS' }] });
    const d1 = { decisionId: 'd1', recordingId: 'rec001', revision: 2, reviewer: 'alice', stepId: 'continuity', before: 'FAIL' as const, after: 'PASS' as const, comment: 'clock overlay', decidedAt: '2026-11-02T00:00:00.000Z' };
    await Promise.all([a.addDecision(d1), b.addDecision(d1)]);
    await Promise.all(Array.from({ length: 5 }, (_, i) => [a.audit({ actor: 'alice', action: 'view', recordingId: 'rec001', detail: `a${i}` }), b.audit({ actor: 'bob', action: 'view', recordingId: 'rec001', detail: `b${i}` })]).flat());
    await a.close();
    await b.close();
    const c = await open();
    const row = await c.getInspection('rec001');
    assert.equal(row?.verdict, 'PASS');
    assert.equal(row?.firstVerdict, 'FAIL');
    assert.equal(row?.latestRevision, 2);
    const revs = await c.revisions('rec001');
    assert.deepEqual(revs.map((r) => [r.revision, r.source, r.steps[0]?.verdict]), [[1, 'inspection', 'FAIL'], [2, 'review', 'PASS']]);
    assert.deepEqual(revs[0]?.rules, [{ stepId: 'continuity', ruleId: 'CONT-CUT', verdict: 'FAIL', applies: true }]);
    assert.equal((await c.decisions('rec001')).length, 1);
    assert.equal((await c.auditEntries({ recordingId: 'rec001' })).filter((e) => e.action === 'view').length, 10, 'no audit row lost between the two writers');
    assert.deepEqual((await c.listInspections({ reviewer: 'alice' })).map((r) => r.recordingId), ['rec001']);
    assert.deepEqual(await c.listInspections({ reviewer: 'bob' }), []);
  });

  it('filters by verdict, channel and date, and sorts', async () => {
    const c = await open();
    await c.clearProjection();
    for (let i = 0; i < 6; i++) await c.upsertInspection(inspection(i, i % 2 ? 'FAIL' : 'PASS', i < 3 ? 'bank' : 'agent', 'a'.repeat(64)));
    assert.deepEqual((await c.listInspections({ verdicts: ['FAIL'], channel: 'bank' })).map((r) => r.recordingId), ['rec001']);
    assert.equal((await c.listInspections({ from: '2026-07-03T00:00:00.000Z', to: '2026-07-04T23:59:59.999Z' })).length, 2);
    assert.deepEqual((await c.listInspections({ sort: 'recordedAt', descending: true, limit: 2 })).map((r) => r.recordingId), ['rec005', 'rec004']);
    assert.deepEqual(await c.facets(), { channels: ['agent', 'bank'], productTypes: ['health'] });
  });

  it('draws in the database the same stratified sample as drawSample, and rolls weeks up for the dashboard', async () => {
    const c = await open();
    await c.clearProjection();
    const rows = Array.from({ length: 120 }, (_, i) => ({ ...inspection(i, (['PASS', 'FAIL', 'CANNOT_JUDGE'] as const)[i % 3]!, i % 5 === 0 ? 'agent' : 'bank', 'a'.repeat(64)), productType: i % 7 === 0 ? null : 'health' }));
    for (const r of rows) await c.upsertInspection(r);
    for (const strata of [[], ['channel'], ['channel', 'verdict'], ['productType', 'verdict']] as const) {
      for (const seed of ['q3', 'other']) {
        const options = { n: 17, strata: [...strata], seed };
        const inDb = await c.sample({ from: '2026-01-01T00:00:00.000Z', to: '2026-12-31T00:00:00.000Z', ...options });
        assert.equal(inDb.population, 120);
        assert.deepEqual(inDb.rows.map((p) => [p.stratum, p.row.recordingId]), drawSample(rows, options).map((p) => [p.stratum, p.row.recordingId]), `strata ${strata.join(',')} seed ${seed}`);
      }
    }
    // Periods that start and end inside a day (partial days read from the recordings, whole days from the
    // counts), recordings at every hour and several at the same instant (the order's tie goes by id), and
    // counts kept through updates and deletes: still drawSample's draw.
    const hourly = Array.from({ length: 300 }, (_, i) => ({ ...inspection(500 + i, (['PASS', 'FAIL', 'CANNOT_JUDGE'] as const)[i % 3]!, i % 4 === 0 ? 'agent' : 'bank', 'a'.repeat(64)), recordingId: `h${String((i * 37) % 300).padStart(3, '0')}`, recordedAt: new Date(Date.UTC(2026, 9, 1, Math.floor(i / 3))).toISOString() }));
    for (let i = 0; i < hourly.length; i += 50) await Promise.all(hourly.slice(i, i + 50).map((r) => c.upsertInspection(r)));
    await c.upsertInspection({ ...hourly[7]!, channel: 'agent' });
    hourly[7] = { ...hourly[7]!, channel: 'agent' };
    await c.pool.query(`DELETE FROM inspections WHERE recording_id = $1`, [hourly[8]!.recordingId]);
    const kept = hourly.filter((_, i) => i !== 8);
    const counts = (await c.pool.query<{ n: string }>(`SELECT sum(n) AS n FROM sample_strata_days WHERE day >= '2026-10-01'`)).rows[0]!;
    assert.equal(Number(counts.n), kept.length, 'the per-day counts follow inserts, updates and deletes');
    for (const [from, to] of [['2026-10-01T05:30:00.000Z', '2026-10-04T17:00:00.000Z'], ['2026-10-02T00:00:00.000Z', '2026-10-03T23:59:59.999Z'], ['2026-10-02T03:00:00.000Z', '2026-10-02T09:00:00.000Z']] as const) {
      for (const seed of ['q4', 'x']) {
        const options = { n: 25, strata: ['channel', 'verdict'] as ('channel' | 'verdict')[], seed };
        const inPeriod = kept.filter((r) => r.recordedAt >= from && r.recordedAt <= to);
        const inDb = await c.sample({ from, to, ...options });
        assert.equal(inDb.population, inPeriod.length);
        assert.deepEqual(inDb.rows.map((p) => [p.stratum, p.row.recordingId]), drawSample(inPeriod, options).map((p) => [p.stratum, p.row.recordingId]), `${from} to ${to}, seed ${seed}`);
      }
    }
    await c.pool.query(`DELETE FROM inspections WHERE recorded_at >= '2026-10-01'`);
    await c.addRevision({ recordingId: 'rec001', revision: 1, reportKey: 'rec001/r1/report.json', reportSha256: 'x', verdict: 'FAIL', createdAt: '2026-11-01T00:00:00.000Z', source: 'inspection', steps: [], rules: [{ stepId: 'coframing', ruleId: 'FRAME-BOTH', verdict: 'FAIL', applies: true }] });
    await c.refreshDashboard();
    const d = await c.dashboard('2026-07-01T00:00:00.000Z', '2026-08-01T00:00:00.000Z');
    assert.equal(d.verdicts.reduce((a, w) => a + w.total, 0), 120, 'every recording of July in some week');
    assert.equal(d.verdicts.reduce((a, w) => a + w.fail, 0), 40);
    assert.deepEqual(d.rules.map((r) => [r.ruleId, r.fails, r.total]), [['FRAME-BOTH', 1, 1]]);
    assert.deepEqual([...new Set(d.verdicts.map((w) => w.value))].sort(), ['agent', 'bank']);
    const byProduct = await c.dashboard('2026-07-01T00:00:00.000Z', '2026-08-01T00:00:00.000Z', 'product');
    assert.deepEqual([...new Set(byProduct.verdicts.map((w) => w.value))].sort(), ['', 'health'], 'no product type counts as its own value');
    assert.equal(byProduct.verdicts.reduce((a, w) => a + w.total, 0), 120);
  });

  it('rolls agents up per month and step by their keyed hash, with the current verdicts after review', async () => {
    const c = await open();
    await c.clearProjection();
    // Without DUALQA_HASH_KEY the key is generated once per data dir (0600), like the S3 credentials.
    const keyDir = path.join(root, 'hash-key-dir');
    const generated = loadOrCreateHashKey(keyDir, {});
    assert.ok(generated.length >= 40);
    assert.equal(loadOrCreateHashKey(keyDir, {}), generated, 'the same key on every later use');
    assert.equal(fs.statSync(path.join(keyDir, 'hash-key')).mode & 0o077, 0, 'readable by its owner only');
    assert.equal(loadOrCreateHashKey(keyDir, { DUALQA_HASH_KEY: 'configured' }), 'configured');
    const licence = 'H01234567890123456';
    const keyA = agentKeyOf(licence, 'test-hash-key')!;
    const keyB = agentKeyOf('H99999999999999999', 'test-hash-key')!;
    assert.match(keyA, /^[0-9a-f]{16}$/);
    assert.notEqual(keyA, agentKeyOf(licence, 'another key'), 'keyed: another key, another hash');
    for (let i = 0; i < 12; i++) {
      const agentKey = i < 8 ? keyA : keyB;
      const opening: Verdict = i % 2 === 0 ? 'FAIL' : 'PASS';
      const verdict: Verdict = opening === 'FAIL' ? 'FAIL' : 'PASS';
      await c.upsertInspection({ ...inspection(i, verdict, 'bank', 'a'.repeat(64)), agentKey, recordedAt: `2026-07-${String(1 + i).padStart(2, '0')}T08:00:00.000Z` });
      await c.addRevision({ recordingId: inspection(i, verdict, 'bank', '').recordingId, revision: 1, reportKey: `rec${i}/r1/report.json`, reportSha256: 'x', verdict, createdAt: '2026-07-20T00:00:00.000Z', source: 'inspection', steps: [{ id: 'continuity', verdict: i === 3 ? 'CANNOT_JUDGE' : 'PASS' }, { id: 'opening', verdict: opening }] });
    }
    // A review overturned rec000's opening FAIL (approved): it no longer counts against agent A.
    await c.addRevision({ recordingId: 'rec000', revision: 2, reportKey: 'rec0/r2/report.json', reportSha256: 'y', verdict: 'PASS', createdAt: '2026-07-21T00:00:00.000Z', source: 'approval', steps: [{ id: 'continuity', verdict: 'PASS' }, { id: 'opening', verdict: 'PASS' }] });
    await c.upsertInspection({ ...inspection(99, 'FAIL', 'bank', 'a'.repeat(64)), agentKey: null });
    await c.refreshDashboard();
    const agents = await c.agentSteps('2026-07-01T00:00:00.000Z', '2026-08-01T00:00:00.000Z');
    assert.deepEqual(agents.map((a) => [a.agentKey, a.recordings, a.fails, a.cannotJudge]), [[keyB, 4, 2, 0], [keyA, 8, 3, 0]], 'highest FAIL rate first; no agent, no row');
    assert.deepEqual(agents.find((a) => a.agentKey === keyA)!.steps, [
      { stepId: 'continuity', total: 8, fails: 0, cannotJudge: 1 },
      { stepId: 'opening', total: 8, fails: 3, cannotJudge: 0 },
    ]);
    assert.deepEqual((await c.agentSteps('2026-07-01T00:00:00.000Z', '2026-08-01T00:00:00.000Z', { minRecordings: 5 })).map((a) => a.agentKey), [keyA]);
    assert.deepEqual((await c.agentSteps('2026-07-01T00:00:00.000Z', '2026-08-01T00:00:00.000Z', { limit: 1 })).map((a) => a.agentKey), [keyB]);
    assert.deepEqual(await c.agentSteps('2026-09-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z'), []);
    const stored = JSON.stringify((await c.pool.query('SELECT * FROM monthly_agent_steps')).rows) + JSON.stringify((await c.pool.query('SELECT agent_key FROM inspections')).rows);
    assert.ok(!stored.includes(licence) && !stored.includes('1234567890'), 'the licence number is nowhere in the catalogue');
  });

  it('keeps reviewers by token hash, sessions across servers, and takes access away at once', async () => {
    const c = await open();
    const token = await addReviewer(c, 'bob', 'Bob');
    assert.ok(!JSON.stringify(await c.pool.query('SELECT * FROM reviewers')).includes(token), 'the token itself is not stored');
    assert.equal((await reviewerForToken(c, token))?.id, 'bob');
    assert.equal((await reviewerForToken(c, token, 'bob'))?.role, 'reviewer');
    assert.equal(await reviewerForToken(c, token, 'alice'), null, 'the token is bob\u2019s only');
    assert.equal(await reviewerForToken(c, `${token}x`), null);
    assert.equal(await reviewerForToken(c, ''), null);
    // Two servers (two pools): a session opened on one is found on the other, and on a restarted one.
    const bob = (await reviewerForToken(c, token))!;
    const id = await new Sessions(c).open(bob);
    const cookie = sessionCookie(id, false).split(';')[0];
    const other = await open();
    assert.equal((await new Sessions(other).find(cookie))?.reviewer.id, 'bob');
    assert.equal(await new Sessions(other).find('dualqa_session=nope'), null);
    assert.ok(!JSON.stringify((await c.pool.query('SELECT * FROM sessions')).rows).includes(id), 'only the session id\u2019s hash is stored');
    await c.setReviewerDisabled('bob', true);
    assert.equal(await new Sessions(other).find(cookie), null, 'a disabled reviewer loses the session at once');
    assert.equal(await reviewerForToken(c, token), null);
    await c.setReviewerDisabled('bob', false);
    assert.equal((await new Sessions(other).find(cookie))?.reviewer.id, 'bob');
    await c.removeReviewer('bob');
    assert.equal(await new Sessions(other).find(cookie), null, 'a removed reviewer loses the session');
    // Media views are audited once per session and recording.
    const carol = await addReviewer(c, 'carol', 'Carol', 'auditor');
    const sid = await new Sessions(c).open((await reviewerForToken(c, carol))!);
    const key = (await new Sessions(c).find(sessionCookie(sid, false).split(';')[0]))!.key;
    assert.deepEqual([await c.firstMediaView(key, 'rec1'), await other.firstMediaView(key, 'rec1'), await c.firstMediaView(key, 'rec2')], [true, false, true]);
  });

  it('counts refused sign-ins per account and per address in the database', async () => {
    const c = await open();
    const since = new Date(Date.now() - 60_000);
    for (let i = 0; i < 3; i++) await c.refuseSignIn('mallory', '10.0.0.1');
    await c.refuseSignIn(null, '10.0.0.1');
    await c.refuseSignIn('mallory', '10.0.0.2');
    assert.deepEqual(await c.refusedSignIns('mallory', '10.0.0.1', since), { account: 4, address: 4 });
    assert.deepEqual(await c.refusedSignIns(null, '10.0.0.3', since), { account: 0, address: 0 });
    assert.deepEqual(await c.refusedSignIns('mallory', '10.0.0.1', new Date(Date.now() + 1000)), { account: 0, address: 0 });
  });
});

describe('stratified sample', () => {
  const rows = Array.from({ length: 40 }, (_, i) => inspection(i, i % 4 === 0 ? 'FAIL' : 'PASS', i < 30 ? 'bank' : 'agent', 'a'.repeat(64)));

  it('is the same for the same seed, whatever the row order, and differs for another seed', () => {
    const one = drawSample(rows, { n: 10, strata: ['channel', 'verdict'], seed: 's1' }).map((p) => p.row.recordingId);
    const again = drawSample(rows.slice().reverse(), { n: 10, strata: ['channel', 'verdict'], seed: 's1' }).map((p) => p.row.recordingId);
    const other = drawSample(rows, { n: 10, strata: ['channel', 'verdict'], seed: 's2' }).map((p) => p.row.recordingId);
    assert.equal(one.length, 10);
    assert.deepEqual(again, one);
    assert.notDeepEqual(other, one);
  });

  it('is a simple random sample of each stratum: over many seeds every recording and every pair is picked equally often', () => {
    // 10 recordings, 3 drawn per seed, 3,000 seeds: each recording expected 900 times (sd 25), each of the
    // 45 pairs 200 times (sd 14).
    const ten = rows.slice(0, 10);
    const picked = new Map<string, number>();
    const pairs = new Map<string, number>();
    for (let s = 0; s < 3000; s++) {
      const ids = drawSample(ten, { n: 3, strata: [], seed: `seed-${s}` }).map((p) => p.row.recordingId);
      assert.equal(new Set(ids).size, 3);
      for (const id of ids) picked.set(id, (picked.get(id) ?? 0) + 1);
      for (const a of ids) for (const b of ids) if (a < b) pairs.set(`${a}+${b}`, (pairs.get(`${a}+${b}`) ?? 0) + 1);
    }
    assert.equal(picked.size, 10);
    for (const [id, n] of picked) assert.ok(Math.abs(n - 900) < 150, `${id} picked ${n} times of an expected 900`);
    assert.equal(pairs.size, 45);
    for (const [pair, n] of pairs) assert.ok(Math.abs(n - 200) < 85, `${pair} drawn together ${n} times of an expected 200`);
    assert.deepEqual(seededPositions('s', 'all', 5, 5), [0, 1, 2, 3, 4]);
    assert.deepEqual(seededPositions('s', 'all', 0, 5), []);
  });

  it('gives each stratum its proportional share', () => {
    const picked = drawSample(rows, { n: 20, strata: ['channel'], seed: 'x' });
    assert.equal(picked.filter((p) => p.row.channel === 'bank').length, 15);
    assert.equal(picked.filter((p) => p.row.channel === 'agent').length, 5);
    assert.deepEqual([...allocate(new Map([['a', 1], ['b', 1], ['c', 1]]), 2).values()], [1, 1, 0]);
    assert.equal(drawSample(rows, { n: 500, strata: [], seed: 'x' }).length, 40);
  });
});

describe('signed samples and reports', () => {
  async function setup(): Promise<{ catalogue: Catalogue; s3: Minio.Client; objects: Map<string, Buffer>; keyFile: string }> {
    const objects = new Map<string, Buffer>();
    const s3 = fakeS3(objects);
    const catalogue = await open();
    await catalogue.clearProjection();
    const keyFile = path.join(root, `key-${Math.random()}`, 'ed25519.pem');
    initSigningKey(keyFile);
    for (let i = 0; i < 6; i++) {
      const media = Buffer.from(`recording ${i}`);
      const sha = createHash('sha256').update(media).digest('hex');
      const row = inspection(i, i % 2 ? 'FAIL' : 'CANNOT_JUDGE', 'bank', sha);
      objects.set(`recordings/${row.objectKey}`, media);
      const report = { recordingId: row.recordingId, recording: { sha256: sha }, verdict: row.verdict, idNumber: '110101********002X' };
      objects.set(`reports/${row.recordingId}/r1/report.json`, Buffer.from(JSON.stringify(report)));
      await signStoredReport(s3, 'reports', `${row.recordingId}/r1/report.json`, loadSigningKey(keyFile));
      await catalogue.upsertInspection(row);
      await catalogue.addRevision({ recordingId: row.recordingId, revision: 1, reportKey: `${row.recordingId}/r1/report.json`, reportSha256: 'x', verdict: row.verdict, createdAt: '2026-11-01T00:00:00.000Z', source: 'inspection', steps: [] });
    }
    await catalogue.addDecision({ decisionId: 'd1', recordingId: 'rec001', revision: 1, reviewer: 'alice', stepId: 'coframing', before: 'FAIL', after: 'PASS', comment: 'ID 110101199003070012 seen', decidedAt: '2026-11-02T00:00:00.000Z' });
    return { catalogue, s3, objects, keyFile };
  }

  it('exports a sample that verifies; one altered byte, an extra file or another key is caught', async () => {
    const { catalogue, s3, keyFile } = await setup();
    const out = path.join(root, 'sample1');
    const request = { from: '2026-07-01T00:00:00.000Z', to: '2026-07-31T23:59:59.999Z', n: 4, strata: ['verdict' as const], seed: 'q3' };
    const manifest = await exportSample({ catalogue, s3, buckets: { recordings: 'recordings', reports: 'reports' }, key: loadSigningKey(keyFile) }, request, out);
    assert.equal(manifest.recordings.length, 4);
    assert.equal(manifest.recordings.filter((r) => r.verdict === 'FAIL').length, 2);
    assert.ok(manifest.files.some((f) => f.path.startsWith('recordings/')) && manifest.files.some((f) => f.path.endsWith('report.sig.json')));
    const pub = loadPublicKey(keyFile.replace(/\.pem$/, '.pub.pem'));
    const good = await verifySampleDir(out, pub);
    assert.deepEqual(good.problems, []);
    assert.equal(good.ok, true);
    if (fs.existsSync(path.join(out, 'decisions', 'rec001.json'))) assert.doesNotMatch(fs.readFileSync(path.join(out, 'decisions', 'rec001.json'), 'utf8'), /199003070012/);

    const media = path.join(out, manifest.files.find((f) => f.path.startsWith('recordings/'))!.path);
    const bytes = fs.readFileSync(media);
    bytes[3] = bytes[3]! ^ 1;
    fs.writeFileSync(media, bytes);
    const tampered = await verifySampleDir(out, pub);
    assert.equal(tampered.ok, false);
    assert.match(tampered.problems.join('\n'), /recordings\/.*sha256/);
    bytes[3] = bytes[3] ^ 1;
    fs.writeFileSync(media, bytes);
    assert.equal((await verifySampleDir(out, pub)).ok, true);

    fs.writeFileSync(path.join(out, 'extra.txt'), 'x');
    assert.match((await verifySampleDir(out, pub)).problems.join('\n'), /extra\.txt: not in the manifest/);
    fs.rmSync(path.join(out, 'extra.txt'));

    const manifestText = fs.readFileSync(path.join(out, MANIFEST), 'utf8');
    fs.writeFileSync(path.join(out, MANIFEST), manifestText.replace('"population": 6', '"population": 7'));
    assert.match((await verifySampleDir(out, pub)).problems.join('\n'), /manifest: content sha256/);
    fs.writeFileSync(path.join(out, MANIFEST), manifestText);

    const stranger = generateKeyPairSync('ed25519').publicKey;
    assert.match((await verifySampleDir(out, stranger)).problems.join('\n'), new RegExp(`expected ${keyIdOf(stranger)}`));

    const again = path.join(root, 'sample2');
    const second = await exportSample({ catalogue, s3, buckets: { recordings: 'recordings', reports: 'reports' }, key: loadSigningKey(keyFile) }, request, again);
    assert.deepEqual(second.recordings.map((r) => r.recordingId), manifest.recordings.map((r) => r.recordingId), 'same seed, same sample');
  });

  it('refuses to export a recording whose bytes no longer match the inspected sha256', async () => {
    const { catalogue, s3, objects, keyFile } = await setup();
    objects.set('recordings/2026/rec0.mp4', Buffer.from('swapped'));
    const request = { from: '2026-01-01T00:00:00.000Z', to: '2026-12-31T00:00:00.000Z', n: 6, strata: [], seed: 'z' };
    await assert.rejects(exportSample({ catalogue, s3, buckets: { recordings: 'recordings', reports: 'reports' }, key: loadSigningKey(keyFile) }, request, path.join(root, 'sample3')), /rec000 in S3 has sha256/);
  });

  it('a signed report verifies against its recording; a changed report or another recording does not', async () => {
    const { objects, keyFile } = await setup();
    const dir = path.join(root, 'report1');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'report.json'), objects.get('reports/rec002/r1/report.json')!);
    fs.writeFileSync(path.join(dir, 'report.sig.json'), objects.get('reports/rec002/r1/report.sig.json')!);
    fs.writeFileSync(path.join(dir, 'rec.mp4'), objects.get('recordings/2026/rec2.mp4')!);
    fs.writeFileSync(path.join(dir, 'other.mp4'), objects.get('recordings/2026/rec3.mp4')!);
    const pub = loadPublicKey(keyFile);
    assert.deepEqual((await verifyReportFile(path.join(dir, 'report.json'), pub, path.join(dir, 'rec.mp4'))).problems, []);
    assert.match((await verifyReportFile(path.join(dir, 'report.json'), pub, path.join(dir, 'other.mp4'))).problems.join(), /the report judged/);
    fs.writeFileSync(path.join(dir, 'report.json'), fs.readFileSync(path.join(dir, 'report.json'), 'utf8').replace('CANNOT_JUDGE', 'PASS'));
    assert.equal((await verifyReportFile(path.join(dir, 'report.json'), pub)).ok, false);
  });
});

describe('the catalogue as a projection of the reports bucket', () => {
  it('syncs incrementally, checks signatures, takes decisions from review sections, and rebuilds the same from S3', async () => {
    const objects = new Map<string, Buffer>();
    const s3 = fakeS3(objects);
    const catalogue = await open();
    await catalogue.clearProjection();
    const keyFile = path.join(root, `key-${Math.random()}`, 'ed25519.pem');
    initSigningKey(keyFile);
    const key = loadSigningKey(keyFile);
    const put = (k: string, v: unknown) => objects.set(k, Buffer.from(JSON.stringify(v)));
    const step = (verdict: Verdict) => ({ id: 'continuity', title: 'c', verdict, reasons: [], evidence: [], rules: [{ ruleId: 'CONT-CUT', verdict, reason: 'r', evidence: [] }, { ruleId: 'CONT-CLOCK', applies: false, verdict: 'PASS', reason: 'n/a', evidence: [] }] });
    const report = (id: string, revision: number, verdict: Verdict, extra: object = {}) => ({
      recordingId: id, revision, createdAt: `2026-11-0${revision}T00:00:00.000Z`, verdict,
      recording: { bucket: 'recordings', key: `2026/${id}.mp4`, versionId: null, etag: 'e', sha256: 'c'.repeat(64), sizeBytes: 5 },
      rulebook: { id: 'cn-national', version: '1.4.0', sha256: 'x' }, inspection: { workflowId: `inspect:${id}`, runId: 'r' },
      steps: [step(verdict)], evidenceKeys: { ingest: `${id}/ingest.json` }, ...extra,
    });
    put(`analyses/recA/ingest.json`, { recording: { key: '2026/recA.mp4', lastModified: '2026-10-01T00:00:00Z' }, sidecar: { status: 'ok', meta: { channel: 'bank', branch: 'SH-01', agent: { licenceNo: '02000131000080002019000123' }, recordedAt: '2026-10-01T10:00:00+08:00' } } });
    put('reports/recA/r1/report.json', report('recA', 1, 'FAIL'));
    put('reports/recA/r2/report.json', report('recA', 2, 'PASS', { review: { decisionId: 'dA', reviewer: 'alice', stepId: 'continuity', before: 'FAIL', after: 'PASS', comment: 'lens cap', decidedAt: '2026-11-02T00:00:00.000Z', basedOnRevision: 1, machineVerdict: 'FAIL' } }));
    put('reports/recB/r1/report.json', report('recB', 1, 'CANNOT_JUDGE'));
    for (const k of ['recA/r1/report.json', 'recA/r2/report.json', 'recB/r1/report.json']) await signStoredReport(s3, 'reports', k, key);
    // recB's report changed after it was signed.
    put('reports/recB/r1/report.json', report('recB', 1, 'PASS'));
    const sources = { s3, buckets: { analyses: 'analyses', reports: 'reports' }, trustedKey: loadPublicKey(keyFile), hashKey: 'test-hash-key' };

    const first = await syncCatalogue(catalogue, sources);
    assert.deepEqual([first.added, first.seen, first.badSignatures, first.newRecordings.sort()], [3, 3, ['recB/r1/report.json'], ['recA', 'recB']]);
    const a = (await catalogue.getInspection('recA'))!;
    assert.deepEqual([a.verdict, a.firstVerdict, a.latestRevision, a.channel, a.branch, a.signatureProblem], ['PASS', 'FAIL', 2, 'bank', 'SH-01', false]);
    assert.match(a.agentKey ?? '', /^[0-9a-f]{16}$/, 'the agent as a keyed hash');
    assert.equal(a.recordedAt, '2026-10-01T02:00:00.000Z');
    assert.equal((await catalogue.getInspection('recB'))?.signatureProblem, true, 'a report that does not verify is flagged');
    const revs = await catalogue.revisions('recA');
    assert.deepEqual(revs.map((r) => [r.revision, r.source, r.signature]), [[1, 'inspection', 'verified'], [2, 'review', 'verified']]);
    assert.deepEqual(revs[0]?.rules?.map((r) => [r.ruleId, r.verdict, r.applies]), [['CONT-CLOCK', 'PASS', false], ['CONT-CUT', 'FAIL', true]]);
    assert.deepEqual((await catalogue.decisions('recA')).map((d) => [d.decisionId, d.reviewer, d.before, d.after, d.revision]), [['dA', 'alice', 'FAIL', 'PASS', 2]]);
    assert.equal((await syncCatalogue(catalogue, sources)).added, 0, 'a second sync reads nothing again');

    await catalogue.audit({ actor: 'alice', action: 'view-recording', recordingId: 'recA', detail: 'kept' });
    const before = JSON.stringify([await catalogue.listInspections(), await catalogue.revisions('recA'), await catalogue.decisions()]);
    const projection = await projectionDump(catalogue);
    const rebuilt = await rebuildCatalogue(catalogue, sources);
    assert.equal(rebuilt.added, 3);
    assert.deepEqual(await projectionDump(catalogue), projection, 'every projected row exactly as before');
    assert.equal(JSON.stringify([await catalogue.listInspections(), await catalogue.revisions('recA'), await catalogue.decisions()]), before, 'the rebuild recreates the same projection');
    assert.ok((await catalogue.auditEntries({ recordingId: 'recA' })).some((e) => e.detail === 'kept'), 'the audit is the database\u2019s own: kept');
  });
});
