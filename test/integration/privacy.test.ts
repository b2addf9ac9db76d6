// Personal numbers never come out whole (issue 18 item 4). An ID number (with its X check character) and a
// phone number, in ASCII, full-width and spaced forms, go into a recording's file name and its sidecar
// (known fields, and unknown fields in a second sidecar); the recording shows a specimen ID card and the
// agent says his licence number. Both recordings go through the real stack (the CLI for one), a reviewer
// decides with a comment holding the numbers, then every output is searched for every form of each number:
// the CLI's output and report files, every object the workers wrote (keys and text), the worker's log, the
// Temporal histories with their payloads decoded, a regulator sample folder, export-labels, the review
// pages and every row of the PostgreSQL catalogue.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { openPgCatalogue, type PgCatalogue } from '../../catalogue/postgres';
import { syncCatalogue } from '../../catalogue/sync';
import { casePlan, generateCase } from '../../fixtures/generate';
import { makeIdNumber } from '../../fixtures/idcard';
import { customerOf } from '../../fixtures/scene';
import { startInspection } from '../../intake/inspections';
import { PROJECT_ROOT } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { addReviewer } from '../../review/reviewers';
import { exportLabels } from '../../review/export-labels';
import { startReviewServer, type RunningReviewServer } from '../../review/server';
import { initSigningKey, loadPublicKey, loadSigningKey } from '../../signing/keys';
import { exportSample } from '../../signing/sample-export';
import { ensureTools } from '../../stack';
import { tempDir } from '../helpers/media';
import { formsOf, leaksIn } from '../helpers/number-forms';
import { openTestStack, type TestStack } from '../helpers/test-stack';
import { startWorkerProcess, workerEnv, type WorkerProcess } from '../helpers/worker-process';

const run = promisify(execFile);
const root = tempDir('dualqa-privacy-');
const keyFile = path.join(root, 'keys', 'ed25519.pem');

/** A valid ID number ending in the X check character (the hardest form for a digit matcher). */
function idEndingInX(): string {
  for (let seq = 1; seq < 1000; seq += 2) {
    const id = makeIdNumber('110105', { y: 1985, m: 3, d: 7 }, seq, 'M');
    if (id.endsWith('X')) return id;
  }
  throw new Error('no X check character in 500 sequences');
}

const ID = idEndingInX();
const PHONE = '13912345678';
const SHOWN_ID = customerOf(casePlan('compliant_onsite').customer).idNumber; // on the card the camera sees
const LICENCE = '0201320106588021'; // shown on the 执业证 and said by the agent
const NUMBERS = [ID, PHONE, SHOWN_ID, LICENCE];
const id = formsOf(ID);
const phone = formsOf(PHONE);

let ts: TestStack;
let worker: WorkerProcess;
let catalogue: PgCatalogue;
let server: RunningReviewServer;
/** Every output, by where it came from. */
const outputs: { where: string; text: string }[] = [];
const saw = (where: string, text: string): void => void outputs.push({ where, text });

/** Every file under `dir`: its path relative to `dir` and, for text files, its content. */
function readTree(where: string, dir: string): void {
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const rel = path.relative(dir, file);
    saw(`${where} file name`, rel);
    if (entry.isFile() && /\.(json|html|txt|csv|pem)$/.test(entry.name)) saw(`${where}/${rel}`, fs.readFileSync(file, 'utf8'));
  }
}

/** A history exported as an operator would (temporal workflow show -o json), every payload's data decoded. */
function decodedHistory(json: string): string {
  const decode = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(decode);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'data' && typeof x === 'string' ? Buffer.from(x, 'base64').toString('utf8') : decode(x)]));
    }
    return v;
  };
  return `${json}\n${JSON.stringify(decode(JSON.parse(json)))}`;
}

describe('personal numbers in any form never leave whole (real stack, worker process, CLI, PostgreSQL)', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    ts = await openTestStack('privacy', root, { database: true });
    initSigningKey(keyFile);
    const env = { DUALQA_SIGNING_KEY: keyFile, DUALQA_HASH_KEY: 'privacy-test-hash-key' };
    worker = startWorkerProcess(ts.stack.info, path.join(root, 'worker'), 'orchestration,media,speech', env);
    catalogue = await openPgCatalogue(ts.stack.info.database!.url);
  });

  after(async () => {
    await server?.close();
    await catalogue?.close();
    await worker?.stop();
    await ts?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('plants ID and phone numbers in names, sidecars, a shown card and speech; no output holds one whole', async (t) => {
    const info = ts.stack.info;
    const buckets = info.buckets;
    // Recording A: a short compliant recording (ID card shown, licence said), named with the numbers, its
    // sidecar valid with the numbers in free-text fields; inspected through the CLI as a user would.
    const g = await generateCase('compliant_onsite', path.join(root, 'fixtures'), { height: 360 });
    const inDir = path.join(root, 'in');
    fs.mkdirSync(inDir, { recursive: true });
    const fileA = path.join(inDir, `客户${id.fullWidth}_${phone.spaced}_${id.ascii}.mp4`);
    fs.copyFileSync(g.media, fileA);
    const meta = JSON.parse(fs.readFileSync(g.meta!, 'utf8')) as Record<string, unknown> & { customer?: Record<string, unknown> };
    delete meta.recordingId; // derived from the key, numbers included
    meta.policyNo = `P${PHONE}`;
    meta.customer = { ...meta.customer, name: `张建国 身份证${id.fullWidthSpaced} 电话${phone.dashed}` };
    meta.branch = `南京 ${phone.fullWidth}`;
    meta.product = { name: `明诚安享 ${id.spaced}`, type: 'traditional' };
    const metaA = path.join(inDir, 'a.meta.json');
    fs.writeFileSync(metaA, JSON.stringify(meta));
    const cliOut = path.join(root, 'cli-out');
    const cliEnv = {
      ...workerEnv(info, path.join(root, 'cli')),
      S3_UPLOADER_ACCESS_KEY: info.s3.uploader.accessKey,
      S3_UPLOADER_SECRET_KEY: info.s3.uploader.secretKey,
      DUALQA_LOG_LEVEL: 'info',
    };
    const inspected = run(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'cli', 'main.js'), 'inspect', fileA, '--meta', metaA, '--out', cliOut, '--workers', 'never', '--wait', '300'], { env: cliEnv, maxBuffer: 20e6 });

    // Recording B: not a recording at all (answered quickly), named with the numbers, its sidecar holding
    // them in unknown fields — names and values — and in known ones.
    const keyB = `privacy/${phone.fullWidthSpaced}-${id.dashed}.mp4`;
    const sidecarB = {
      channel: 'agent',
      customer: { name: `李 ${id.digitBydigit}` },
      [id.ascii]: 'an unknown field named by an ID number',
      [`电话${phone.fullWidth}`]: phone.spaced,
      contact: { idNumber: id.fullWidth, mobile: phone.ascii },
    };
    const sidecarKeyB = keyB.replace(/\.mp4$/, '.meta.json');
    await ts.uploader.putObject(buckets.recordings, sidecarKeyB, Buffer.from(JSON.stringify(sidecarB)));
    await ts.uploader.putObject(buckets.recordings, keyB, Buffer.from(`not a recording ${id.ascii} ${phone.ascii}\n`));
    const b = await (await startInspection(ts.client, ts.reader, { bucket: buckets.recordings, key: keyB })).result();

    const { stdout, stderr } = await inspected;
    saw('CLI stdout', stdout);
    saw('CLI stderr', stderr);
    readTree('CLI --out', cliOut);

    // A reviewer overrides a step of A with a comment full of numbers (comments are masked before Temporal).
    assert.ok((await syncCatalogue(catalogue, { s3: ts.reader, buckets })).added >= 2);
    const a = (await catalogue.getInspection((JSON.parse(fs.readFileSync(path.join(cliOut, 'report.json'), 'utf8')) as { recordingId: string }).recordingId))!;
    assert.ok(a, 'recording A catalogued');
    const token = await addReviewer(catalogue, 'alice', 'Alice');
    server = await startReviewServer({ catalogue, s3: ts.reader, buckets, temporal: ts.client, logger: createLogger('privacy-review', 'warn'), trustedKey: loadPublicKey(keyFile), hashKey: 'privacy-test-hash-key' });
    const login = await fetch(`${server.url}/login`, { method: 'POST', body: new URLSearchParams({ account: 'alice', token }), redirect: 'manual' });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const latest = (await catalogue.revisions(a.recordingId)).at(-1)!;
    const step = latest.steps.find((s) => s.id === 'continuity')!;
    const decided = await fetch(`${server.url}/r/${encodeURIComponent(a.recordingId)}/decide`, {
      method: 'POST',
      headers: { Cookie: cookie },
      body: new URLSearchParams({
        decisionId: 'alice-privacy-1',
        stepId: step.id,
        before: step.verdict,
        after: step.verdict === 'FAIL' ? 'CANNOT_JUDGE' : 'FAIL',
        comment: `客户说身份证 ${id.fullWidth}，电话 ${phone.spaced} / ${ID}`,
        revision: String(latest.revision),
      }),
      redirect: 'manual',
    });
    assert.equal(decided.status, 303, `decision: ${decided.status} ${await decided.text()}`);
    await syncCatalogue(catalogue, { s3: ts.reader, buckets });
    for (const page of ['/', `/r/${encodeURIComponent(a.recordingId)}`, `/r/${encodeURIComponent(b.recordingId)}`, '/audit']) {
      const res = await fetch(`${server.url}${page}`, { headers: { Cookie: cookie } });
      saw(`review page ${page}`, await res.text());
    }

    // Every object the workers and the review wrote: keys (frames' names included) and text contents.
    for (const bucket of [buckets.analyses, buckets.reports]) {
      for await (const o of ts.reader.listObjectsV2(bucket, '', true) as AsyncIterable<{ name?: string }>) {
        const name = o.name ?? '';
        saw(`s3 key ${bucket}`, name);
        if (/\.(jpe?g|png|webp)$/i.test(name)) continue;
        const chunks: Buffer[] = [];
        for await (const c of (await ts.reader.getObject(bucket, name)) as AsyncIterable<Buffer>) chunks.push(c);
        saw(`s3 ${bucket}/${name}`, Buffer.concat(chunks).toString('utf8'));
      }
    }

    // Temporal: every workflow's history, exported and decoded.
    const { temporal } = await ensureTools();
    for await (const wf of ts.client.workflow.list()) {
      saw('workflow id', wf.workflowId);
      const json = execFileSync(temporal, ['workflow', 'show', '--workflow-id', wf.workflowId, '--run-id', wf.runId, '--address', info.temporal.address, '--namespace', info.temporal.namespace, '--output', 'json'], { maxBuffer: 100e6 }).toString('utf8');
      saw(`history ${wf.workflowId}`, decodedHistory(json));
    }

    // A regulator sample of everything, and the labelled export of the override.
    const sample = path.join(root, 'sample');
    await exportSample({ catalogue, s3: ts.reader, buckets, key: loadSigningKey(keyFile) }, { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z', n: 10, strata: ['channel'], seed: 'privacy' }, sample);
    readTree('sample', sample);
    const labels = path.join(root, 'labels');
    const { cases } = await exportLabels({ catalogue, s3: ts.reader, buckets }, labels);
    assert.equal(cases.length, 1, 'the override is exported');
    readTree('export-labels', labels);

    // The catalogue: every row of every table.
    const tables = (await catalogue.pool.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)).rows;
    for (const { t } of tables) {
      const rows = (await catalogue.pool.query<{ r: string }>(`SELECT to_jsonb(x)::text AS r FROM "${t}" x`)).rows;
      saw(`catalogue ${t}`, rows.map((r) => r.r).join('\n'));
    }

    saw('worker log', worker.output());
    // What the CLI uploaded (its key is made from the file's name); B's key is the input itself.
    for await (const o of ts.reader.listObjectsV2(buckets.recordings, '', true) as AsyncIterable<{ name?: string }>) {
      if (o.name !== keyB && o.name !== sidecarKeyB) saw('s3 key recordings', o.name ?? '');
    }

    // The planted numbers did reach the system: the test would be empty otherwise. A was analysed (faces,
    // documents, speech) and its sidecar used; what the card and the speech gave is shown for the record.
    const ofA = (kind: string) => outputs.find((o) => o.where.startsWith('s3 ') && o.where.includes(a.recordingId) && o.where.endsWith(`/${kind}.json`));
    for (const kind of ['ingest', 'documents', 'speech', 'faces']) assert.ok(ofA(kind), `no ${kind}.json for A`);
    assert.match(ofA('ingest')!.text, /"status": "ok"/);
    assert.match(ofA('ingest')!.text, /１３９\*{4}|13\*+78|1101\*+049X/, 'the sidecar numbers are stored masked');
    const masked = (kind: string) => [...new Set(ofA(kind)!.text.match(/[0-9A-Z]{0,6}\*{4,}[0-9A-Z]{0,4}/g) ?? [])].join(' ');
    t.diagnostic(`masked in A's documents: ${masked('documents')}; in its speech: ${masked('speech')}; B: ${b.recordingId}`);
    // Open (issue 18): an original the insurer stored under a key holding a number is still addressed by
    // that key where the system must find it again: the inspection's input and activity arguments in
    // Temporal history, ingest.json (the catalogue is rebuilt from it) and the catalogue's object_key. Only
    // the exact key is set aside there; anything else in those outputs is searched like the rest.
    const address = (o: { where: string; text: string }): string =>
      /^history inspect:|\/ingest\.json$|^catalogue inspections$/.test(o.where) ? o.text.split(sidecarKeyB).join('<original>').split(keyB).join('<original>') : o.text;
    const leaks = outputs.flatMap((o) => leaksIn(address(o), NUMBERS).map((l) => `${o.where}: ${l}`));
    assert.deepEqual(leaks, [], `${leaks.length} leaks:\n${leaks.slice(0, 60).join('\n')}`);
  });
});
