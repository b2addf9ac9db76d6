// A batch of recordings dropped into the bucket, and the checks every batch must pass whatever broke on
// the way: each recording has exactly one report, its inspection completed, and its original is the
// bytes that were uploaded.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { Client } from '@temporalio/client';
import type * as Minio from 'minio';
import { inspectionWorkflowId, normaliseEtag } from '../../lib/ids';
import type { InspectRecordingResult } from '../../workflows/inspect-recording';

export interface BatchItem {
  key: string;
  /** sha256 of the uploaded bytes. */
  sha256: string;
}

export interface BatchOutcome {
  key: string;
  workflowId: string;
  recordingId: string;
  verdict: string;
  /** report.json revisions stored for the recording. */
  reports: string[];
  /** sha256 of the original as stored now. */
  storedSha256: string;
  /** Highest attempt number of any activity of the inspection (≥ 2 means something was retried). */
  maxAttempt: number;
}

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export async function sha256Object(s3: Minio.Client, bucket: string, key: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of (await s3.getObject(bucket, key)) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/** Uploads `file` under each key (each key is its own recording) and returns what was uploaded. */
export async function dropBatch(uploader: Minio.Client, bucket: string, file: string, keys: string[]): Promise<BatchItem[]> {
  const sha256 = sha256File(file);
  for (const key of keys) await uploader.fPutObject(bucket, key, file, {});
  return keys.map((key) => ({ key, sha256 }));
}

async function retrying<T>(what: () => Promise<T>, untilMs: number): Promise<T> {
  for (;;) {
    try {
      return await what();
    } catch (err) {
      // A server being restarted answers with connection errors for a moment.
      if (Date.now() > untilMs) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** The inspection workflow id of each item, from the object's current ETag (as discovery computes it). */
export async function workflowIds(s3: Minio.Client, bucket: string, items: BatchItem[]): Promise<string[]> {
  const ids: string[] = [];
  for (const item of items) ids.push(inspectionWorkflowId(bucket, item.key, normaliseEtag((await s3.statObject(bucket, item.key)).etag)));
  return ids;
}

/** How many of the items' inspections have completed (a missing workflow counts as not done). */
export async function completedCount(client: Client, ids: string[]): Promise<number> {
  let done = 0;
  for (const id of ids) {
    try {
      const d = await client.workflow.getHandle(id).describe();
      if (d.status.name === 'COMPLETED') done++;
    } catch {
      // not started yet
    }
  }
  return done;
}

/** Waits until every item's inspection has completed, then gathers what each one left behind. */
export async function awaitBatch(
  ctx: { client: Client; reader: Minio.Client; buckets: { recordings: string; reports: string } },
  items: BatchItem[],
  timeoutMs: number,
): Promise<BatchOutcome[]> {
  const deadline = Date.now() + timeoutMs;
  const ids = await retrying(() => workflowIds(ctx.reader, ctx.buckets.recordings, items), deadline);
  for (;;) {
    const done = await retrying(() => completedCount(ctx.client, ids), deadline);
    if (done === items.length) break;
    if (Date.now() > deadline) throw new Error(`only ${done}/${items.length} inspections completed in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const outcomes: BatchOutcome[] = [];
  for (const [i, item] of items.entries()) {
    const workflowId = ids[i]!;
    const handle = ctx.client.workflow.getHandle(workflowId);
    const result = (await handle.result()) as InspectRecordingResult;
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? []).map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 1);
    const reports: string[] = [];
    for await (const o of ctx.reader.listObjectsV2(ctx.buckets.reports, `${result.recordingId}/`, true) as AsyncIterable<{ name?: string }>) {
      if (o.name?.endsWith('/report.json')) reports.push(o.name);
    }
    outcomes.push({
      key: item.key,
      workflowId,
      recordingId: result.recordingId,
      verdict: result.verdict,
      reports,
      storedSha256: await sha256Object(ctx.reader, ctx.buckets.recordings, item.key),
      maxAttempt: Math.max(1, ...attempts),
    });
  }
  return outcomes;
}
