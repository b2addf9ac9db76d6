// Review and regulator sampling on the real stack (Temporal dev server + SeaweedFS + a worker process):
// two generated fixtures are inspected with a signing key configured, the catalogue is filled from S3,
// a reviewer signs in through Debian's chromium (playwright-core), opens a flagged recording, seeks to a
// flag, overrides a step with a comment and sees the new revision and the audit entry; without a session
// the pages and the media are refused. Then a signed sample is exported and verified, a tampered copy is
// caught, and the override is exported as a labelled case.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { openPgCatalogue, type PgCatalogue } from '../../catalogue/postgres';
import { rebuildCatalogue, syncCatalogue } from '../../catalogue/sync';
import { projectionDump } from '../helpers/catalogue-dump';
import { generateCase } from '../../fixtures/generate';
import { PROJECT_ROOT } from '../../lib/config';
import { startInspection } from '../../intake/inspections';
import { createLogger } from '../../lib/logger';
import { getJson } from '../../lib/object-store';
import type { ReviewedReport } from '../../decisions/apply';
import { addReviewer } from '../../review/reviewers';
import { reviewWorkflowId } from '../../decisions/decision';
import { startReviewServer, type RunningReviewServer } from '../../review/server';
import { initSigningKey, loadPublicKey, loadSigningKey } from '../../signing/keys';
import { verifyReportFile } from '../../signing/report-signature';
import { exportSample } from '../../signing/sample-export';
import { verifySampleDir } from '../../signing/verify-sample';
import { exportLabels } from '../../review/export-labels';
import { makeClip, tempDir } from '../helpers/media';
import { openTestStack, type TestStack } from '../helpers/test-stack';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

const root = tempDir('dualqa-review-');
/**
 * Where the page screenshots go: a temp folder, checked and removed with it. `npm run docs:screenshots`
 * points DUALQA_SCREENSHOT_DIR at docs/ to refresh docs/review-*.png on purpose; a plain test run leaves
 * the tree clean.
 */
const screenshots = process.env.DUALQA_SCREENSHOT_DIR ? path.resolve(PROJECT_ROOT, process.env.DUALQA_SCREENSHOT_DIR) : path.join(root, 'screenshots');

/** The PNG's width and height from its IHDR chunk, after checking the signature. */
function pngSize(file: string): { width: number; height: number; bytes: number } {
  const png = fs.readFileSync(file);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file} is a PNG`);
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bytes: png.length };
}

/** A full-page screenshot at the test's viewport: 1360 px wide, at least the 900 px viewport high, not blank. */
function assertScreenshot(file: string): void {
  const { width, height, bytes } = pngSize(file);
  assert.equal(width, 1360, `${file} width`);
  assert.ok(height >= 900, `${file} height ${height}`);
  assert.ok(bytes > 20_000, `${file} is only ${bytes} bytes: a blank page?`);
}
const keyFile = path.join(root, 'keys', 'ed25519.pem');
let ts: TestStack;
let worker: WorkerProcess;
let catalogue: PgCatalogue;
let server: RunningReviewServer;
let browser: Browser;
let token: string;
const recordingIds: Record<string, string> = {};
const metaFiles: Record<string, string> = {};

describe('review and regulator samples (real stack, real browser)', { timeout: 20 * 60_000 }, () => {
  before(async () => {
    ts = await openTestStack('review', root, { database: true });
    initSigningKey(keyFile);
    worker = startWorkerProcess(ts.stack.info, path.join(root, 'worker'), 'orchestration,media,speech', { DUALQA_SIGNING_KEY: keyFile });
    const buckets = ts.stack.info.buckets;
    for (const name of ['black_run', 'audio_only'] as const) {
      const g = await generateCase(name, path.join(root, 'fixtures'), { height: 360 });
      const key = `2026/11/${name}.mp4`;
      if (g.meta) {
        metaFiles[name] = g.meta;
        await ts.uploader.fPutObject(buckets.recordings, `2026/11/${name}.meta.json`, g.meta, {});
      }
      await ts.uploader.fPutObject(buckets.recordings, key, g.media, {});
      const started = await startInspection(ts.client, ts.reader, { bucket: buckets.recordings, key });
      recordingIds[name] = (await started.result()).recordingId;
    }
    // The catalogue is the stack's embedded PostgreSQL; the review server fills it itself on the first queue view.
    catalogue = await openPgCatalogue(ts.stack.info.database!.url);
    token = await addReviewer(catalogue, 'alice', 'Alice Reviewer');
    server = await startReviewServer({ catalogue, s3: ts.reader, buckets, temporal: ts.client, logger: createLogger('review-test', 'warn'), trustedKey: loadPublicKey(keyFile), hashKey: 'review-test-hash-key' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await catalogue?.close();
    await worker?.stop();
    await ts?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('refuses pages, media and a wrong token without a session', async () => {
    const id = recordingIds.black_run!;
    assert.equal((await fetch(`${server.url}/`)).status, 401);
    assert.equal((await fetch(`${server.url}/r/${id}`)).status, 401);
    const media = await fetch(`${server.url}/media/${id}`, { headers: { Range: 'bytes=0-99' } });
    assert.equal(media.status, 401);
    assert.equal((await media.text()).includes('ftyp'), false);
    assert.equal((await fetch(`${server.url}/media/${id}`, { headers: { Cookie: 'dualqa_session=forged' } })).status, 401);
    const login = await fetch(`${server.url}/login`, { method: 'POST', body: new URLSearchParams({ account: 'alice', token: 'not-a-token' }), redirect: 'manual' });
    assert.equal(login.status, 401);
    assert.ok((await catalogue.auditEntries()).some((a) => a.action === 'media-refused' && a.recordingId === id));
  });

  it('a reviewer goes from the queue to a decided flag: seek, override with a comment, new revision, audit', async () => {
    // bypassCSP only lets the test's own probes (string predicates) run; the page's script is served from 'self'.
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const first = await page.goto(server.url);
    assert.equal(first?.status(), 401, 'the queue needs a session');
    await page.fill('input[name=account]', 'alice');
    await page.fill('input[name=token]', token);
    await page.click('button[type=submit]');
    await page.waitForSelector('#queue');
    const rows = await page.locator('#queue tbody tr').count();
    assert.equal(rows, 2, 'both inspected fixtures need review');
    // Each recording needing review got its review workflow when the server catalogued it.
    const opened = await ts.client.workflow.getHandle(reviewWorkflowId(recordingIds.black_run!)).describe();
    assert.equal(opened.status.name, 'RUNNING');
    fs.mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'review-queue.png'), fullPage: true });
    assertScreenshot(path.join(screenshots, 'review-queue.png'));

    const id = recordingIds.black_run!;
    await page.click(`a[href="/r/${id}"]`); // click 1
    await page.waitForSelector('#player');
    // Expressions as strings: the tests compile without the DOM library.
    await page.waitForFunction("document.getElementById('player').readyState >= 1", undefined, { timeout: 30_000 });
    const flag = page.locator('#flags button.flag', { hasText: 'black' }).first();
    const target = Number(await flag.getAttribute('data-seek'));
    assert.ok(target > 0, 'the black run is flagged at its start');
    await flag.click(); // click 2
    await page.waitForFunction(`Math.abs(document.getElementById('player').currentTime - ${target}) < 0.5`, undefined, { timeout: 15_000 });
    await page.waitForFunction("!document.getElementById('player').seeking && document.getElementById('player').readyState >= 2", undefined, { timeout: 15_000 });
    await page.screenshot({ path: path.join(screenshots, 'review-recording.png'), fullPage: true });
    assertScreenshot(path.join(screenshots, 'review-recording.png'));
    // The speech lane is drawn from the report's speaker turns (agent / customer / uncertain), with its legend.
    assert.ok((await page.locator('#timeline .seg.speech.agent, #timeline .seg.speech.customer, #timeline .seg.speech.uncertain').count()) > 0, 'speech lane by speaker');
    assert.match((await page.textContent('.legend')) ?? '', /agent 业务员[\s\S]*customer 客户[\s\S]*uncertain 未能区分/);

    // The media came through the server with ranges, with the session cookie.
    const ranged = await context.request.get(`${server.url}/media/${id}`, { headers: { Range: 'bytes=0-99' } });
    assert.equal(ranged.status(), 206);
    assert.equal((await ranged.body()).length, 100);
    assert.match(ranged.headers()['content-range'] ?? '', /^bytes 0-99\/\d+$/);

    const step = page.locator('#step-continuity');
    assert.equal(await step.locator('input[name=before]').inputValue(), 'FAIL');
    // Without a comment the browser will not submit; the server-side rule is covered in the workflow test.
    await step.locator('input[name=after][value=PASS]').check(); // click 3
    await step.locator('textarea[name=comment]').fill('黑屏为镜头盖遮挡 2 秒, 录制未中断');
    await step.locator('button[type=submit]').click(); // click 4
    await page.waitForSelector('#message.ok');
    // Four eyes: a FAIL overturned into a PASS is recorded (r2) but waits for a lead; the verdict stays FAIL.
    assert.match(await page.textContent('#message') ?? '', /revision r2, pending a lead's approval/);
    assert.match(await page.textContent('#revisions') ?? '', /r1[\s\S]*r2/);
    assert.match(await page.textContent('#decisions') ?? '', /alice[\s\S]*continuity[\s\S]*FAIL → PASS[\s\S]*pending approval/);
    assert.equal(await page.textContent('#verdict'), 'FAIL');
    assert.equal(await page.locator('#pending form').count(), 0, 'a reviewer cannot approve');
    assert.match(await page.textContent('#audit') ?? '', /alice\s*decide/);

    // A stale form (still saying FAIL) is refused with the reason, not applied twice.
    const stale = await context.request.post(`${server.url}/r/${id}/decide`, {
      form: { decisionId: 'stale-1', stepId: 'continuity', before: 'FAIL', after: 'CANNOT_JUDGE', comment: 'late second opinion' },
      headers: { Origin: server.url },
    });
    assert.equal(stale.status(), 409);
    assert.match(await stale.text(), /pending a lead(&#39;|')s approval/);
    const selfApproval = await context.request.post(`${server.url}/r/${id}/approve`, { form: { approvalId: 'x', decisionId: 'y', comment: 'approve myself' }, headers: { Origin: server.url } });
    assert.equal(selfApproval.status(), 403, 'only leads approve');
    await context.close();

    // A lead (another person) approves it on the page: r3 puts the PASS into effect.
    const leadToken = await addReviewer(catalogue, 'lena', 'Lena Lead', 'lead');
    const leadContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const lead = await leadContext.newPage();
    await lead.goto(`${server.url}/login`);
    await lead.fill('input[name=account]', 'lena');
    await lead.fill('input[name=token]', leadToken);
    await lead.click('button[type=submit]');
    await lead.waitForSelector('#queue');
    await lead.goto(`${server.url}/r/${id}`);
    await lead.locator('#pending textarea[name=comment]').fill('镜头盖遮挡, 同意改判');
    await lead.locator('#pending button[type=submit]').click();
    await lead.waitForSelector('#message.ok');
    assert.match(await lead.textContent('#message') ?? '', /Approved: new report revision r3/);
    assert.match(await lead.textContent('#decisions') ?? '', /approved by lena/);
    assert.match(await lead.textContent('#audit') ?? '', /lena\s*approve/);

    // The QA dashboard in the browser: rate charts, the rule tables and the agents (keyed hashes) as pictures.
    await lead.goto(`${server.url}/dashboard?by=channel&min=1`);
    await lead.waitForSelector('#agents');
    assert.ok((await lead.locator('figure.chart svg').count()) >= 4, 'three rate charts and the agents chart');
    assert.ok((await lead.locator('figure.chart svg polyline').count()) >= 3, 'the rate charts have lines');
    assert.ok((await lead.locator('#agents tr').count()) >= 2, 'the fixtures\' agent, by keyed hash');
    assert.match(await lead.textContent('#agents') ?? '', /[0-9a-f]{16}/);
    const original = JSON.parse(fs.readFileSync(metaFiles.black_run!, 'utf8')) as { agent?: { licenceNo?: string } };
    if (original.agent?.licenceNo) assert.ok(!(await lead.content()).includes(original.agent.licenceNo), 'never the licence number');
    await lead.screenshot({ path: path.join(screenshots, 'review-dashboard.png'), fullPage: true });
    assertScreenshot(path.join(screenshots, 'review-dashboard.png'));
    await leadContext.close();

    // An auditor in the browser reads the recording, is offered no decision, and a decision posted anyway is refused.
    const auditorToken = await addReviewer(catalogue, 'audrey', 'Audrey Auditor', 'auditor');
    const auditorContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const auditor = await auditorContext.newPage();
    await auditor.goto(`${server.url}/login`);
    await auditor.fill('input[name=account]', 'audrey');
    await auditor.fill('input[name=token]', auditorToken);
    await auditor.click('button[type=submit]');
    await auditor.waitForSelector('#queue');
    await auditor.goto(`${server.url}/r/${id}`);
    await auditor.waitForSelector('#decisions');
    assert.equal(await auditor.locator('form[action$="/decide"]').count(), 0, 'no decision form for an auditor');
    const refused = await auditorContext.request.post(`${server.url}/r/${id}/decide`, {
      form: { decisionId: 'audrey-1', stepId: 'continuity', before: 'PASS', after: 'FAIL', comment: 'auditors decide nothing' },
      headers: { Origin: server.url },
    });
    assert.equal(refused.status(), 403);
    assert.equal((await catalogue.revisions(id)).length, 3, 'no revision written');
    assert.ok((await catalogue.auditEntries({ limit: 50 })).some((a) => a.action === 'forbidden' && a.actor === 'audrey'));
    await auditorContext.close();
  });

  it('servers hold no state: sessions survive a restart and are shared, access goes with the reviewer, roles and sign-in limits hold', async () => {
    const buckets = ts.stack.info.buckets;
    const deps = { catalogue, s3: ts.reader, buckets, temporal: ts.client, logger: createLogger('review-test', 'warn'), trustedKey: loadPublicKey(keyFile), hashKey: 'review-test-hash-key' };
    const signIn = async (url: string, account: string, secret: string): Promise<{ status: number; cookie: string }> => {
      const r = await fetch(`${url}/login`, { method: 'POST', body: new URLSearchParams({ account, token: secret }), redirect: 'manual' });
      return { status: r.status, cookie: (r.headers.get('set-cookie') ?? '').split(';')[0]! };
    };
    const get = async (url: string, cookie: string, p = '/') => (await fetch(`${url}${p}`, { headers: { Cookie: cookie }, redirect: 'manual' })).status;
    const { status, cookie } = await signIn(server.url, 'alice', token);
    assert.equal(status, 303);
    assert.equal(await get(server.url, cookie), 200);
    // A restart, and a second server beside it: the same cookie works on both.
    await server.close();
    server = await startReviewServer(deps);
    const second = await startReviewServer(deps);
    try {
      assert.equal(await get(server.url, cookie), 200, 'a restarted server keeps the reviewer signed in');
      assert.equal(await get(second.url, cookie), 200, 'another server shares the session');
      // A disabled reviewer loses access on the next request, on every server.
      await catalogue.setReviewerDisabled('alice', true);
      assert.equal(await get(second.url, cookie), 401);
      assert.equal((await signIn(server.url, 'alice', token)).status, 401);
      await catalogue.setReviewerDisabled('alice', false);
      assert.equal(await get(server.url, cookie), 200);
      // An auditor reads everything, the audit included, and decides nothing.
      const carol = await addReviewer(catalogue, 'carol', 'Carol Auditor', 'auditor');
      const c = (await signIn(second.url, 'carol', carol)).cookie;
      assert.equal(await get(second.url, c, '/audit'), 200);
      assert.equal(await get(second.url, c, `/r/${recordingIds.audio_only}`), 200);
      const decide = await fetch(`${second.url}/r/${recordingIds.audio_only}/decide`, {
        method: 'POST',
        headers: { Cookie: c },
        body: new URLSearchParams({ decisionId: 'carol-1', stepId: 'continuity', before: 'FAIL', after: 'PASS', comment: 'auditors may not' }),
      });
      assert.equal(decide.status, 403);
      assert.equal(await get(server.url, cookie, '/audit'), 403, 'a reviewer does not read the whole audit');
      // Decisions are shared too: alice decides on the second server, the first shows the decision and its revision.
      const audioId = recordingIds.audio_only!;
      const latest = (await catalogue.revisions(audioId)).at(-1)!;
      const step = latest.steps.find((x) => x.verdict !== 'PASS') ?? latest.steps[0]!;
      const decided = await fetch(`${second.url}/r/${audioId}/decide`, {
        method: 'POST',
        headers: { Cookie: cookie },
        body: new URLSearchParams({ decisionId: 'alice-shared-1', stepId: step.id, before: step.verdict, after: step.verdict, comment: '两台服务器 confirmed on the second server', revision: String(latest.revision) }),
        redirect: 'manual',
      });
      assert.equal(decided.status, 303, `decision on the second server: ${decided.status}`);
      const shown = await (await fetch(`${server.url}/r/${audioId}`, { headers: { Cookie: cookie } })).text();
      assert.match(shown, /<table id="decisions">[\s\S]*alice[\s\S]*confirmed on the second server/);
      assert.match(shown, new RegExp(`/r/${audioId}/report/${latest.revision + 1}`), 'the new revision on the first server');
      // The dashboard for every role; a regulator-export account reads it and its CSV, and no recording.
      const rex = await addReviewer(catalogue, 'rex', 'Regulator Export', 'regulator-export');
      const rc = (await signIn(server.url, 'rex', rex)).cookie;
      const dash = await fetch(`${server.url}/dashboard?by=channel`, { headers: { Cookie: rc } });
      assert.equal(dash.status, 200);
      assert.match(await dash.text(), /质检看板 QA dashboard[\s\S]*<svg/);
      const csv = await fetch(`${server.url}/dashboard.csv`, { headers: { Cookie: rc } });
      assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
      // fetch's text() drops a BOM: look at the bytes.
      const bytes = Buffer.from(await csv.arrayBuffer());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM for spreadsheet programs');
      assert.match(bytes.subarray(3).toString('utf8'), /^section,week,channel[\s\S]*\nverdicts,/);
      assert.equal(await get(server.url, rc, `/r/${recordingIds.audio_only}`), 403);
      assert.equal(await get(server.url, rc, '/'), 403);
      // Refused sign-ins are counted in the database: the sixth for one account is throttled on any server.
      for (let i = 0; i < 5; i++) assert.equal((await signIn(i % 2 ? server.url : second.url, 'mallory', `guess-${i}`)).status, 401);
      assert.equal((await signIn(server.url, 'mallory', 'guess-6')).status, 429);
      const audit = await catalogue.auditEntries({ limit: 100 });
      assert.ok(audit.some((a) => a.action === 'forbidden' && a.actor === 'carol'));
      assert.ok(audit.some((a) => a.action === 'login-throttled' && a.actor === 'mallory'));
    } finally {
      await second.close();
    }
  });

  it('keeps revision 1, writes a pending revision 2 and an approved revision 3, signed, that verify against the recording', async () => {
    const id = recordingIds.black_run!;
    const buckets = ts.stack.info.buckets;
    const revisions = await catalogue.revisions(id);
    assert.deepEqual(revisions.map((r) => [r.revision, r.source, r.signature]), [[1, 'inspection', 'verified'], [2, 'review', 'verified'], [3, 'approval', 'verified']]);
    const r1 = await getJson<ReviewedReport>(ts.reader, buckets.reports, `${id}/r1/report.json`);
    const r2 = await getJson<ReviewedReport>(ts.reader, buckets.reports, `${id}/r2/report.json`);
    const r3 = await getJson<ReviewedReport>(ts.reader, buckets.reports, `${id}/r3/report.json`);
    assert.equal(r1?.steps.find((s) => s.id === 'continuity')?.verdict, 'FAIL', 'the machine revision is unchanged');
    assert.equal(r2?.steps.find((s) => s.id === 'continuity')?.verdict, 'FAIL', 'the decision pending approval is not in effect');
    assert.equal(r2?.review?.reviewer, 'alice');
    assert.equal(r2?.review?.pendingApproval, true);
    assert.equal(r3?.steps.find((s) => s.id === 'continuity')?.verdict, 'PASS');
    assert.deepEqual([r3?.approval?.lead, r3?.approval?.decision.reviewer, r3?.approval?.decisionRevision], ['lena', 'alice', 2]);
    assert.deepEqual((await catalogue.approvals(id)).map((a) => [a.lead, a.revision]), [['lena', 3]]);
    const dir = path.join(root, 'verify-r3');
    fs.mkdirSync(dir);
    for (const name of ['report.json', 'report.sig.json']) await ts.reader.fGetObject(buckets.reports, `${id}/r3/${name}`, path.join(dir, name));
    const row = (await catalogue.getInspection(id))!;
    await ts.reader.fGetObject(buckets.recordings, row.objectKey, path.join(dir, 'recording.mp4'));
    const pub = loadPublicKey(keyFile);
    assert.deepEqual((await verifyReportFile(path.join(dir, 'report.json'), pub, path.join(dir, 'recording.mp4'))).problems, []);
    const audit = await catalogue.auditEntries({ recordingId: id });
    assert.ok(audit.some((a) => a.action === 'decide' && a.actor === 'alice' && /continuity FAIL → PASS \(r2, pending/.test(a.detail)));
    assert.ok(audit.some((a) => a.action === 'approve' && a.actor === 'lena'));
    // The projection rebuilt from the buckets has the same revisions, decision and approval; the audit stays.
    const auditBefore = (await catalogue.auditEntries({ limit: 10_000 })).length;
    const projection = await projectionDump(catalogue);
    const rebuilt = await rebuildCatalogue(catalogue, { s3: ts.reader, buckets, trustedKey: loadPublicKey(keyFile), hashKey: 'review-test-hash-key' });
    assert.deepEqual(rebuilt.badSignatures, []);
    // Every row of every projected table, exactly as before (the audit is the database's own and stays).
    assert.deepEqual(await projectionDump(catalogue), projection, 'the rebuild reproduces the catalogue exactly');
    assert.ok(projection.inspections!.length >= 2 && projection.approvals!.length === 1 && projection.rule_outcomes!.length > 0);
    assert.deepEqual((await catalogue.revisions(id)).map((r) => [r.revision, r.source, r.signature]), [[1, 'inspection', 'verified'], [2, 'review', 'verified'], [3, 'approval', 'verified']]);
    assert.deepEqual((await catalogue.decisions(id)).map((d) => [d.reviewer, d.pendingApproval, d.approvedBy]), [['alice', true, 'lena']]);
    assert.equal((await catalogue.getInspection(id))?.verdict, r3?.verdict);
    assert.ok((await catalogue.auditEntries({ limit: 10_000 })).length >= auditBefore);
    assert.ok(audit.some((a) => a.action === 'view-media' && a.actor === 'alice'));
  });

  it('exports a signed regulator sample of 20 inspected recordings that verifies, and catches one altered byte', async () => {
    // 18 more recordings (short clips, two channels) so the sample is drawn from 20 inspected ones.
    const buckets = ts.stack.info.buckets;
    const clip = await makeClip(path.join(root, 'clip.mp4'), { durationS: 3 });
    const started = [];
    for (let i = 0; i < 18; i++) {
      const base = `2026/09/clip-${String(i).padStart(2, '0')}`;
      const meta = { channel: i % 3 === 0 ? 'bank' : 'agent', recordedAt: `2026-09-${String(1 + i).padStart(2, '0')}T10:00:00+08:00` };
      await ts.uploader.putObject(buckets.recordings, `${base}.meta.json`, Buffer.from(JSON.stringify(meta)));
      await ts.uploader.fPutObject(buckets.recordings, `${base}.mp4`, clip, {});
      started.push(await startInspection(ts.client, ts.reader, { bucket: buckets.recordings, key: `${base}.mp4` }));
    }
    await Promise.all(started.map((s) => s.result()));
    assert.equal((await syncCatalogue(catalogue, { s3: ts.reader, buckets })).added, 18);
    const request = { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z', n: 20, strata: ['channel' as const, 'verdict' as const], seed: 'q4-2026' };
    const sources = { catalogue, s3: ts.reader, buckets: ts.stack.info.buckets, key: loadSigningKey(keyFile) };
    const out = path.join(root, 'sample');
    const manifest = await exportSample(sources, request, out);
    assert.equal(manifest.population, 20);
    assert.equal(manifest.recordings.length, 20);
    assert.equal(manifest.files.filter((f) => f.path.startsWith('recordings/')).length, 20);
    assert.ok(manifest.files.some((f) => f.path.endsWith('r2/report.sig.json')));
    const pub = loadPublicKey(keyFile);
    assert.deepEqual((await verifySampleDir(out, pub)).problems, []);
    const again = await exportSample(sources, { ...request, n: 5 }, path.join(root, 'sample-a'));
    const twice = await exportSample(sources, { ...request, n: 5 }, path.join(root, 'sample-b'));
    assert.equal(again.recordings.length, 5);
    assert.deepEqual(again.recordings, twice.recordings, 'same seed, same sample');
    assert.ok(again.recordings.some((r) => r.stratum.includes('channel=bank')) && again.recordings.some((r) => r.stratum.includes('channel=agent')), 'both channels drawn');
    const decisions = fs.readFileSync(path.join(out, 'decisions', `${recordingIds.black_run}.json`), 'utf8');
    assert.match(decisions, /alice/);
    const file = path.join(out, manifest.files.find((f) => f.path.startsWith('recordings/'))!.path);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    const check = await verifySampleDir(out, pub);
    assert.equal(check.ok, false);
    assert.match(check.problems.join('\n'), /recordings\/.*sha256/);
  });

  it('exports the overridden recording as a labelled case, numbers masked', async () => {
    const out = path.join(root, 'labels');
    const { cases } = await exportLabels({ catalogue, s3: ts.reader, buckets: ts.stack.info.buckets }, out);
    assert.deepEqual(cases, [recordingIds.black_run]);
    const labels = JSON.parse(fs.readFileSync(path.join(out, `${cases[0]}.labels.json`), 'utf8')) as { version: number; steps: Record<string, string> };
    assert.equal(labels.version, 1);
    assert.deepEqual(labels.steps, { continuity: 'PASS' });
    assert.ok(fs.statSync(path.join(out, `${cases[0]}.mp4`)).size > 1000);
    const original = JSON.parse(fs.readFileSync(metaFiles.black_run!, 'utf8')) as { agent?: { licenceNo?: string } };
    const exported = fs.readFileSync(path.join(out, `${cases[0]}.meta.json`), 'utf8');
    if (original.agent?.licenceNo) assert.ok(!exported.includes(original.agent.licenceNo), 'licence number masked');
    assert.match(exported, /"channel"/);
  });
});
