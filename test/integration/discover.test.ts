// Discovery on the real stack: a batch dropped into the bucket is inspected without a manual start, by a
// Temporal Schedule; repeated and overlapping sweeps start nothing twice; a recording whose sidecar may
// still be coming waits for it; start limits from the worker's environment defer recordings to later
// sweeps without dropping any.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import type * as Minio from 'minio';
import { discoveryInput, ensureDiscoverySchedule } from '../../intake/discovery';
import type { StackHandle } from '../../stack';
import { openWorkerStack, type WorkerStack } from '../helpers/worker-stack';
import { TASK_QUEUES } from '../../temporal.config';
import type { DiscoverResult } from '../../activities/discovery-io';
import { makeClip, tempDir } from '../helpers/media';

let stack: StackHandle;
let ws: WorkerStack;
let client: Client;
let uploader: Minio.Client;
let reader: Minio.Client;
const root = tempDir('dualqa-discover-');

async function reportsByRecording(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const o of reader.listObjectsV2(stack.info.buckets.reports, '', true) as AsyncIterable<{ name?: string }>) {
    const m = o.name?.match(/^(.+)\/r\d+\/report\.json$/);
    if (m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  return counts;
}

async function sweepOnce(settleS: number, prefix?: string): Promise<DiscoverResult> {
  return client.workflow.execute<(input: ReturnType<typeof discoveryInput>) => Promise<DiscoverResult>>('discoverRecordings', {
    taskQueue: TASK_QUEUES.orchestration,
    workflowId: `sweep-${Date.now()}-${Math.random()}`,
    args: [discoveryInput({ bucket: stack.info.buckets.recordings, everyS: 1, settleS, prefix })],
  });
}

describe('discovery (Temporal Schedule + idempotent starts)', { timeout: 10 * 60_000 }, () => {
  before(async () => {
    ws = await openWorkerStack('discover', root);
    ({ stack, client, uploader, reader } = ws);
  });

  after(async () => {
    await ws?.close();
  });

  it('inspects a dropped batch exactly once each, with the schedule and extra sweeps running', async () => {
    const clip = await makeClip(path.join(root, 'clip.mp4'), { durationS: 3 });
    const keys = ['batch/a.mp4', 'batch/b.mp4', 'batch/c.mp4', 'batch/d.mkv'];
    for (const [i, key] of keys.entries()) {
      // Different bytes per key are not needed: each key is its own recording.
      await uploader.fPutObject(stack.info.buckets.recordings, key, clip, {});
      if (i === 0) await uploader.putObject(stack.info.buckets.recordings, 'batch/a.meta.json', Buffer.from('{"channel":"bank"}'));
    }
    await uploader.putObject(stack.info.buckets.recordings, 'batch/notes.txt', Buffer.from('not a recording'));
    const scheduleId = await ensureDiscoverySchedule(client, { bucket: stack.info.buckets.recordings, everyS: 2, settleS: 0 });
    try {
      const deadline = Date.now() + 180_000;
      while ((await reportsByRecording()).size < keys.length) {
        assert.ok(Date.now() < deadline, 'the batch was not inspected in time');
        await new Promise((r) => setTimeout(r, 1000));
      }
      // More sweeps, scheduled and manual, overlapping the watermark: nothing is inspected twice.
      await sweepOnce(0);
      await new Promise((r) => setTimeout(r, 5000));
      const counts = await reportsByRecording();
      assert.equal(counts.size, keys.length);
      for (const [id, n] of counts) assert.equal(n, 1, `${id} has ${n} reports`);
    } finally {
      await client.schedule.getHandle(scheduleId).delete();
    }
  });

  it('leaves a fresh recording without its sidecar for a later sweep, and starts it once the sidecar lands', async () => {
    const clip = await makeClip(path.join(root, 'late.mp4'), { durationS: 3 });
    await uploader.fPutObject(stack.info.buckets.recordings, 'late/e.mp4', clip, {});
    const first = await sweepOnce(3600);
    assert.ok(!first.started.includes('late/e.mp4'));
    assert.ok(first.deferred >= 1);
    await uploader.putObject(stack.info.buckets.recordings, 'late/e.meta.json', Buffer.from('{"channel":"agent"}'));
    const second = await sweepOnce(3600);
    assert.ok(second.started.includes('late/e.mp4'), JSON.stringify(second));
  });

  it('under start limits, defers recordings to later sweeps and still inspects each exactly once', async () => {
    // The limits are the worker's configuration: swap the worker for one started with them. The
    // per-minute and backlog limits are set high so their Temporal queries run without refusing.
    await ws.replaceWorker('worker-limited', undefined, {
      DUALQA_MAX_STARTS_PER_SWEEP: '1',
      DUALQA_MAX_STARTS_PER_MINUTE: '100',
      DUALQA_MAX_BACKLOG: '100',
    });
    const clip = await makeClip(path.join(root, 'limited.mp4'), { durationS: 3 });
    const keys = ['limited/x.mp4', 'limited/y.mp4', 'limited/z.mp4'];
    for (const key of keys) await uploader.fPutObject(stack.info.buckets.recordings, key, clip, {});
    const first = await sweepOnce(0, 'limited/');
    assert.equal(first.started.length, 1, JSON.stringify(first));
    assert.equal(first.deferred, 2);
    assert.match(first.limitedBy ?? '', /at most 1 starts per sweep/);
    const startedBy = new Set(first.started);
    for (let sweep = 0; sweep < 5 && startedBy.size < keys.length; sweep++) {
      const next = await sweepOnce(0, 'limited/');
      assert.ok(next.started.length <= 1, JSON.stringify(next));
      for (const k of next.started) {
        assert.ok(!startedBy.has(k), `${k} started twice`);
        startedBy.add(k);
      }
    }
    assert.deepEqual([...startedBy].sort(), keys);
    const deadline = Date.now() + 180_000;
    const limitedReports = async (): Promise<number[]> =>
      [...(await reportsByRecording())].filter(([id]) => /^[xyz]-/.test(id)).map(([, n]) => n);
    while ((await limitedReports()).length < keys.length) {
      assert.ok(Date.now() < deadline, 'the limited batch was not inspected in time');
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.deepEqual(await limitedReports(), [1, 1, 1]);
  });
});
