// Hostile and unusual inputs on the real stack: every kind is answered within a time bound by a report
// that names the problem (or a normal inspection where the file is fine), the original is untouched, and
// no worker falls over.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import type * as Minio from 'minio';
import { getJson } from '../../lib/object-store';
import { startInspection } from '../../intake/inspections';
import type { Report } from '../../report/types';
import { validateReport } from '../../report/validate';
import type { StackHandle } from '../../stack';
import { openWorkerStack, type WorkerStack } from '../helpers/worker-stack';
import { HOSTILE } from '../helpers/hostile';
import { tempDir } from '../helpers/media';
import { startWorkerProcess } from '../helpers/worker-process';

const TIME_BOUND_MS = 120_000;

let stack: StackHandle;
let ws: WorkerStack;
let client: Client;
let uploader: Minio.Client;
let reader: Minio.Client;
const root = tempDir('dualqa-hostile-');
// An address hostile files may name: a request here means a recording made us fetch something.
let server: http.Server;
let serverUrl = '';
const fetched: string[] = [];

function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

async function objectSha(bucket: string, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of (await reader.getObject(bucket, key)) as AsyncIterable<Buffer>) chunks.push(c);
  return sha256(Buffer.concat(chunks));
}

describe('hostile inputs (real Temporal + SeaweedFS, worker process)', { timeout: 30 * 60_000 }, () => {
  before(async () => {
    ws = await openWorkerStack('hostile', root);
    ({ stack, client, uploader, reader } = ws);
    server = http.createServer((req, res) => {
      fetched.push(req.url ?? '');
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server?.close();
    await ws?.close();
  });

  it('a worker whose face model file is missing: the report names the file and says what to run, integrity still judged', async () => {
    const emptyTools = fs.mkdtempSync(path.join(root, 'no-models-'));
    const lost = startWorkerProcess(stack.info, path.join(root, 'worker-no-models'), 'media', { DUALQA_TOOLS_DIR: emptyTools });
    try {
      const kind = HOSTILE.find((k) => k.name === 'spaces in the name')!;
      const file = await kind.make(fs.mkdtempSync(path.join(root, 'm-')));
      await uploader.fPutObject(stack.info.buckets.recordings, 'h/model-missing.mp4', file, {});
      await ws.replaceWorker('worker-orch', 'orchestration,speech');
      const result = await (await startInspection(client, reader, { bucket: stack.info.buckets.recordings, key: 'h/model-missing.mp4' })).result();
      const report = (await getJson<Report>(reader, stack.info.buckets.reports, result.reportKey))!;
      const coframing = report.steps.find((s) => s.id === 'coframing')!;
      assert.equal(coframing.verdict, 'CANNOT_JUDGE');
      assert.match(coframing.reasons.join(), /yunet_2023mar_fp32_anysize\.onnx/);
      assert.match(report.problems.map((p) => p.message).join(), /setup\.sh/);
      assert.equal(report.steps.find((s) => s.id === 'continuity')!.verdict, 'PASS');
    } finally {
      await lost.stop();
      await ws.replaceWorker('worker');
    }
  });

  for (const kind of HOSTILE) {
    it(`${kind.name}: a clear report within ${TIME_BOUND_MS / 1000} s`, kind.todo ? { todo: kind.todo } : {}, async (t) => {
      const dir = fs.mkdtempSync(path.join(root, 'k-'));
      const file = await kind.make(dir, { url: serverUrl });
      fetched.length = 0;
      const bucket = stack.info.buckets.recordings;
      if (kind.sidecar !== undefined) {
        const body = Buffer.from(kind.sidecar);
        await uploader.putObject(bucket, kind.key.replace(/\.[^./]+$/, '') + '.meta.json', body, body.length);
      }
      await uploader.fPutObject(bucket, kind.key, file, {});
      const started = Date.now();
      const inspection = await startInspection(client, reader, { bucket, key: kind.key });
      const result = await Promise.race([
        inspection.result(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no report within ${TIME_BOUND_MS / 1000} s`)), TIME_BOUND_MS).unref()),
      ]);
      const report = (await getJson<Report>(reader, stack.info.buckets.reports, result.reportKey))!;
      assert.deepEqual(validateReport(report), []);
      const said = [
        ...report.problems.map((p) => p.message),
        ...report.defects.map((d) => d.reason),
        ...report.notes.map((n) => n.text),
        ...report.steps.flatMap((s) => s.reasons),
        report.sidecar.problem ?? '',
      ].join('\n');
      const continuity = report.steps.find((s) => s.id === 'continuity')!;
      t.diagnostic(`${report.verdict}; ${report.steps.map((s) => `${s.id} ${s.verdict}`).join(', ')}; defects ${JSON.stringify(report.defects.map((d) => d.reason))}; continuity: ${continuity.reasons.join(' | ')}`);
      assert.ok(Object.keys(kind.expect).length > 0, 'every kind says what its report must say');
      if (kind.expect.verdict) assert.equal(report.verdict, kind.expect.verdict, said);
      if (kind.expect.continuity) assert.equal(continuity.verdict, kind.expect.continuity, said);
      if (kind.expect.mentions) assert.match(said, kind.expect.mentions);
      if (kind.expect.notPass) {
        const { step, says } = kind.expect.notPass;
        const judged = report.steps.find((s) => s.id === step);
        assert.ok(judged, `no step ${step}`);
        assert.notEqual(judged.verdict, 'PASS', `${step} must not PASS: ${said}`);
        // Only what is held against the recording: this step's reasons and the defects, not notes or PASS steps.
        assert.match([...judged.reasons, ...report.defects.map((d) => d.reason)].join('\n'), says);
      }
      if (kind.expect.defect) assert.ok(report.defects.some((d) => d.type === kind.expect.defect), `no ${kind.expect.defect} defect: ${said}`);
      if (kind.expect.sidecar) assert.equal(report.sidecar.status, kind.expect.sidecar, said);
      if (kind.expect.readsNothingElse) {
        assert.deepEqual(fetched, [], 'the file made the worker fetch an address');
        // Had the playlist been followed, the named recording would have been probed and decoded.
        assert.equal(report.media, null, `something was read as media: ${JSON.stringify(report.media)}`);
        assert.equal(report.recording.durationS, null);
      }
      // Nothing personal in the clear, and the original as uploaded.
      assert.ok(!JSON.stringify(report).includes('11010519491231002X'));
      assert.equal(await objectSha(bucket, kind.key), sha256(fs.readFileSync(file)));
      assert.equal(report.recording.sha256, sha256(fs.readFileSync(file)));
      assert.ok(Date.now() - started < TIME_BOUND_MS);
      assert.equal(ws.worker.child.exitCode, null, `the worker died: ${ws.worker.output().slice(-2000)}`);
    });
  }
});
