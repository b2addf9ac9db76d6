// Faults on the real stack, mid-batch: the S3 server down for 30 s, and the Temporal dev server restarted
// on its SQLite file. Batches are dropped into the bucket and found by the discovery schedule (no manual
// start). Whatever broke, each recording ends with exactly one report and its original unchanged.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureDiscoverySchedule } from '../../intake/discovery';
import { startInspection } from '../../intake/inspections';
import { makeClip, tempDir } from '../helpers/media';
import { openFaultStack, type FaultStack } from '../helpers/fault-stack';
import { awaitBatch, completedCount, dropBatch, workflowIds, type BatchItem, type BatchOutcome } from '../helpers/batch';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

const BATCH = 5;
/** How long S3 stays down, and how long after the stop an in-flight completion may still land. */
const OUTAGE_MS = 30_000;
const SETTLE_MS = 5_000;
const root = tempDir('dualqa-faults-');
let fault: FaultStack;
let worker: WorkerProcess | undefined;
let clip: string;

function buckets() {
  return fault.stack.info.buckets;
}

/** Drops a batch under `prefix`, and has a discovery schedule for that prefix find it. */
async function dropAndDiscover(prefix: string): Promise<{ items: BatchItem[]; ids: string[]; scheduleId: string }> {
  const keys = Array.from({ length: BATCH }, (_, i) => `${prefix}/rec-${i}.mp4`);
  const items = await dropBatch(fault.uploader, buckets().recordings, clip, keys);
  const ids = await workflowIds(fault.reader, buckets().recordings, items);
  const scheduleId = await ensureDiscoverySchedule(fault.client, { bucket: buckets().recordings, prefix: `${prefix}/`, everyS: 2, settleS: 0 });
  return { items, ids, scheduleId };
}

/** Waits until the batch is under way: at least one inspection done, at least one still to do. */
async function untilMidBatch(ids: string[]): Promise<number> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const done = await completedCount(fault.client, ids);
    if (done >= 1) return done;
    assert.ok(Date.now() < deadline, 'no inspection of the batch completed within 2 minutes');
    await new Promise((r) => setTimeout(r, 250));
  }
}

function assertExactlyOnceAndUnchanged(items: BatchItem[], outcomes: BatchOutcome[]): void {
  assert.equal(outcomes.length, items.length);
  assert.equal(new Set(outcomes.map((o) => o.recordingId)).size, items.length, 'one recording id per key');
  for (const [i, o] of outcomes.entries()) {
    assert.equal(o.reports.length, 1, `${o.key}: exactly one report, found ${o.reports.join(', ')}`);
    assert.equal(o.storedSha256, items[i]!.sha256, `${o.key}: the original is unchanged`);
    assert.equal(o.verdict === 'PASS' || o.verdict === 'FAIL' || o.verdict === 'CANNOT_JUDGE', true);
  }
}

describe('faults mid-batch (real Temporal dev server + SeaweedFS)', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    fault = await openFaultStack('faults', root);
    worker = startWorkerProcess(fault.stack.info, path.join(root, 'worker'));
    // Short, but long enough that a batch of five is still being inspected when the fault comes.
    clip = await makeClip(path.join(root, 'clip.mp4'), { durationS: 8 });
  });

  after(async () => {
    await worker?.stop();
    if (process.env.DUALQA_FAULTS_WORKER_LOG) fs.writeFileSync(process.env.DUALQA_FAULTS_WORKER_LOG, worker?.output() ?? '');
    await fault?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('S3 stopped for 30 s mid-batch: activities retry with backoff and every inspection finishes after it returns', async () => {
    const { items, ids, scheduleId } = await dropAndDiscover('faults-s3');
    try {
      const doneBefore = await untilMidBatch(ids);
      await fault.stopS3();
      const stoppedAt = Date.now();
      // An inspection whose report was written just before the stop may still complete in the next moments
      // (the workflow task after its last activity); count those once the outage has settled.
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const doneAtStop = await completedCount(fault.client, ids);
      await new Promise((r) => setTimeout(r, OUTAGE_MS - SETTLE_MS));
      // Nothing can finish without S3 (every inspection ends by writing its report there).
      const doneDuring = await completedCount(fault.client, ids);
      await fault.startS3();
      console.log(`S3 down ${Math.round((Date.now() - stoppedAt) / 1000)} s; inspections done before ${doneBefore}, by ${SETTLE_MS / 1000} s into the outage ${doneAtStop}, at its end ${doneDuring}`);
      assert.ok(doneBefore < BATCH, 'the outage came mid-batch');
      assert.ok(doneAtStop < BATCH, 'inspections were still to do when S3 was down');
      assert.equal(doneDuring, doneAtStop, `an inspection completed while S3 was down (${doneAtStop} → ${doneDuring}): its report cannot have been stored`);

      const outcomes = await awaitBatch({ client: fault.client, reader: fault.reader, buckets: buckets() }, items, 5 * 60_000);
      assertExactlyOnceAndUnchanged(items, outcomes);
      const retried = outcomes.filter((o) => o.maxAttempt >= 2);
      console.log(`highest activity attempt per inspection: ${outcomes.map((o) => o.maxAttempt).join(', ')}`);
      assert.ok(retried.length >= 1, `some activity was retried across the outage (max attempts ${outcomes.map((o) => o.maxAttempt).join(',')})`);
      assert.equal(worker?.child.exitCode, null, 'the worker survived the outage');
    } finally {
      await fault.client.schedule.getHandle(scheduleId).delete();
    }
  });

  it('Temporal dev server restarted on its SQLite file mid-batch: the worker reconnects and every inspection completes', async () => {
    const { items, ids, scheduleId } = await dropAndDiscover('faults-temporal');
    try {
      const doneBefore = await untilMidBatch(ids);
      const restartedAt = Date.now();
      await fault.restartTemporal(5_000);
      console.log(`Temporal down and back in ${Math.round((Date.now() - restartedAt) / 1000)} s; inspections done before ${doneBefore}`);
      assert.ok(doneBefore < BATCH, 'the restart came mid-batch');

      const outcomes = await awaitBatch({ client: fault.client, reader: fault.reader, buckets: buckets() }, items, 5 * 60_000);
      assertExactlyOnceAndUnchanged(items, outcomes);
      assert.equal(worker?.child.exitCode, null, 'the same worker process carried on after the restart');
      // The schedule itself survived in the SQLite file.
      const described = await fault.client.schedule.getHandle(scheduleId).describe();
      assert.ok(described.info.recentActions.length > 0);
    } finally {
      await fault.client.schedule.getHandle(scheduleId).delete();
    }
  });

  it('an inspection that ended without a report (terminated: an operator, or retries exhausted) is started afresh; a completed one never is', async () => {
    const [item] = await dropBatch(fault.uploader, buckets().recordings, clip, ['faults-failed/rec.mp4']);
    const first = await startInspection(fault.client, fault.reader, { bucket: buckets().recordings, key: item!.key });
    await fault.client.workflow.getHandle(first.workflowId).terminate('simulated: retries exhausted');
    const again = await startInspection(fault.client, fault.reader, { bucket: buckets().recordings, key: item!.key });
    assert.equal(again.workflowId, first.workflowId);
    const [outcome] = await awaitBatch({ client: fault.client, reader: fault.reader, buckets: buckets() }, [item!], 180_000);
    assert.equal(outcome!.reports.length, 1);
    assert.equal(outcome!.storedSha256, item!.sha256);
    const completedRun = (await fault.client.workflow.getHandle(first.workflowId).describe()).runId;
    const third = await startInspection(fault.client, fault.reader, { bucket: buckets().recordings, key: item!.key });
    await third.result();
    assert.equal((await fault.client.workflow.getHandle(first.workflowId).describe()).runId, completedRun, 'no new run after a completed one');
  });
});
