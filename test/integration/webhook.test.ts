// The S3 notification webhook on the real stack: SeaweedFS itself POSTs its filer events (configured by
// the stack from DUALQA_S3_WEBHOOK_URL), AWS/MinIO-format records are POSTed as those servers send them,
// and with discovery sweeping the same bucket every recording is still started, and inspected, once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../lib/logger';
import { discoveryInput } from '../../intake/discovery';
import { startWebhookServer, type EventOutcome, type RunningWebhook } from '../../intake/webhook';
import { freePort } from '../../stack/ports';
import { TASK_QUEUES } from '../../temporal.config';
import type { DiscoverResult } from '../../activities/discovery-io';
import { awaitBatch, dropBatch, workflowIds } from '../helpers/batch';
import { makeClip, tempDir } from '../helpers/media';
import { openTestStack, type TestStack } from '../helpers/test-stack';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

const root = tempDir('dualqa-webhook-');
const token = randomBytes(24).toString('base64url');
let t: TestStack;
let worker: WorkerProcess | undefined;
let webhook: RunningWebhook;
let clip: string;
const outcomes: EventOutcome[] = [];

const bucket = () => t.stack.info.buckets.recordings;

async function post(body: unknown, auth = `Bearer ${token}`): Promise<{ status: number; json: { started?: string[]; deferred?: string[] } }> {
  const res = await fetch(webhook.url, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: auth }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as { started?: string[]; deferred?: string[] } };
}

async function sweepOnce(prefix: string): Promise<DiscoverResult> {
  return t.client.workflow.execute<(input: ReturnType<typeof discoveryInput>) => Promise<DiscoverResult>>('discoverRecordings', {
    taskQueue: TASK_QUEUES.orchestration,
    workflowId: `sweep-${Date.now()}-${Math.random()}`,
    args: [discoveryInput({ bucket: bucket(), prefix, everyS: 1, settleS: 0 })],
  });
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs of a workflow id (a second start would have made a second run). */
async function runsOf(workflowId: string): Promise<number> {
  let n = 0;
  for await (const w of t.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) if (w.workflowId === workflowId) n++;
  return n;
}

describe('S3 notification webhook (SeaweedFS posting, AWS/MinIO records) with discovery', { timeout: 10 * 60_000 }, () => {
  before(async () => {
    const port = await freePort();
    process.env.DUALQA_S3_WEBHOOK_URL = `http://127.0.0.1:${port}/s3-events`;
    process.env.DUALQA_WEBHOOK_TOKEN = token;
    try {
      t = await openTestStack('webhook', root);
    } finally {
      delete process.env.DUALQA_S3_WEBHOOK_URL;
      delete process.env.DUALQA_WEBHOOK_TOKEN;
    }
    webhook = await startWebhookServer({
      client: t.client,
      s3: t.reader,
      recordingsBucket: bucket(),
      token,
      settleS: 3600,
      logger: createLogger('webhook-test', 'error'),
      port,
      onOutcome: (o) => outcomes.push(o),
    });
    worker = startWorkerProcess(t.stack.info, path.join(root, 'worker'));
    clip = await makeClip(path.join(root, 'clip.mp4'), { durationS: 3 });
  });

  after(async () => {
    await worker?.stop();
    await webhook?.close();
    await t?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('refuses a request without the shared token and starts nothing', async () => {
    const before = outcomes.length;
    const event = { Records: [{ eventName: 's3:ObjectCreated:Put', s3: { bucket: { name: bucket() }, object: { key: 'x.mp4' } } }] };
    assert.equal((await post(event, 'Bearer wrong')).status, 401);
    assert.equal((await post(event, '')).status, 401);
    assert.equal(outcomes.length, before);
  });

  it('SeaweedFS posts the upload itself: a recording with its sidecar starts at once; discovery for the same object joins it; one run, one report', async () => {
    await t.uploader.putObject(bucket(), 'wh/a.meta.json', Buffer.from('{"channel":"bank"}'));
    const [item] = await dropBatch(t.uploader, bucket(), clip, ['wh/a.mp4']);
    await until('the webhook to start wh/a.mp4', () => outcomes.some((o) => o.action === 'started' && o.key === 'wh/a.mp4' && o.event.format === 'seaweedfs'));
    const sweep = await sweepOnce('wh/');
    // Discovery finds the webhook's inspection and joins it: nothing new to start, no permit spent.
    assert.ok(!sweep.started.includes('wh/a.mp4') && sweep.joined >= 1, `discovery joined it: ${JSON.stringify(sweep)}`);
    const [outcome] = await awaitBatch({ client: t.client, reader: t.reader, buckets: t.stack.info.buckets }, [item!], 180_000);
    assert.equal(outcome!.reports.length, 1);
    assert.equal(outcome!.storedSha256, item!.sha256);
    assert.equal(await runsOf(outcome!.workflowId), 1);
  });

  it('a recording whose sidecar comes later is deferred, then started by the sidecar event', async () => {
    await dropBatch(t.uploader, bucket(), clip, ['wh/late.mp4']);
    await until('the recording event', () => outcomes.some((o) => o.action === 'deferred' && o.key === 'wh/late.mp4'));
    assert.ok(!outcomes.some((o) => o.action === 'started' && o.key === 'wh/late.mp4'));
    await t.uploader.putObject(bucket(), 'wh/late.meta.json', Buffer.from('{"channel":"agent"}'));
    await until('the sidecar event to start the recording', () => outcomes.some((o) => o.action === 'started' && o.key === 'wh/late.mp4' && o.event.key === 'wh/late.meta.json'));
  });

  it('AWS/MinIO records, delivered twice, plus discovery: one inspection, one report', async () => {
    const key = 'wh/minio dir/b c.mp4';
    await t.uploader.putObject(bucket(), 'wh/minio dir/b c.meta.json', Buffer.from('{}'));
    const [item] = await dropBatch(t.uploader, bucket(), clip, [key]);
    const [expectedId] = await workflowIds(t.reader, bucket(), [item!]);
    // As MinIO sends it: key query-escaped ('/' as %2F, space as +), EventName and Key on top.
    const minioEvent = {
      EventName: 's3:ObjectCreated:Put',
      Key: `${bucket()}/${key}`,
      Records: [{ eventVersion: '2.0', eventSource: 'minio:s3', eventName: 's3:ObjectCreated:Put', s3: { bucket: { name: bucket() }, object: { key: 'wh%2Fminio+dir%2Fb+c.mp4', size: 1 } } }],
    };
    const awsEvent = { Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket() }, object: { key: 'wh/minio+dir/b+c.mp4' } } }] };
    const first = await post(minioEvent);
    assert.equal(first.status, 200);
    assert.deepEqual(first.json.started, [expectedId]);
    const again = await post(awsEvent);
    assert.deepEqual(again.json.started, [expectedId], 'a second delivery names the same inspection');
    await sweepOnce('wh/minio dir/');
    const [outcome] = await awaitBatch({ client: t.client, reader: t.reader, buckets: t.stack.info.buckets }, [item!], 180_000);
    assert.equal(outcome!.reports.length, 1);
    assert.equal(await runsOf(expectedId!), 1);
    // Other buckets and non-recordings are ignored.
    const other = await post({ Records: [{ eventName: 's3:ObjectCreated:Put', s3: { bucket: { name: 'elsewhere' }, object: { key: 'x.mp4' } } }] });
    assert.deepEqual(other.json.started, []);
  });
});
