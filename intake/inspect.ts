// Inspecting one recording from outside (the CLI, the eval, the demo): a local file is uploaded to the
// recordings bucket first (with its sidecar), then the same workflow as for any landed recording runs and
// its report is fetched into a folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type * as Minio from 'minio';
import { maskText } from '../lib/mask';
import { getJson } from '../lib/object-store';
import { sidecarKeyOf } from '../evidence/layout';
import { startInspection } from './inspections';
import type { Report } from '../report/types';
import type { InspectRecordingResult } from '../workflows/inspect-recording';

/** What an inspection needs: bucket names, a Temporal client, an S3 client that may upload and one that reads. */
export interface InspectContext {
  info: { buckets: { recordings: string; reports: string } };
  client: Client;
  uploader: Minio.Client;
  reader: Minio.Client;
}

/** Shows progress while the inspection runs; returns the function that stops showing it. */
export type ProgressWatcher = (handle: WorkflowHandle, label: string) => Promise<() => void>;

export interface InspectOptions {
  /** Progress display (the CLI's line); none when absent. */
  watch?: ProgressWatcher;
  meta?: string;
  outDir: string;
  rulebook?: string;
  /** Prefix for uploaded files in the recordings bucket. */
  prefix?: string;
  /** Give up waiting for the report after this many seconds (the inspection goes on); default WAIT_DEFAULT_S. */
  waitS?: number;
}

/** No wait is unbounded: the longest an inspection is waited for unless told otherwise (the media analysis of a 3-hour recording fits). */
export const WAIT_DEFAULT_S = 3 * 3600;

/** The wait ran out: the inspection is still going (or stuck), and `where` says where it stands. */
export class InspectionStillRunning extends Error {
  constructor(
    readonly workflowId: string,
    readonly waitedS: number,
    readonly where: string,
  ) {
    super(`gave up waiting after ${waitedS} s; inspection ${workflowId} ${where}`);
    this.name = 'InspectionStillRunning';
  }
}

interface PendingActivity {
  activityType?: { name?: string | null } | null;
  attempt?: number | null;
  lastFailure?: { message?: string | null } | null;
  lastHeartbeatTime?: { seconds?: { toString(): string } | null } | null;
}

/** Where a workflow stands, in one line: its status and each pending activity with its attempt and last failure. */
export async function whereItStands(handle: WorkflowHandle): Promise<string> {
  try {
    const d = await handle.describe();
    const pending = (d.raw.pendingActivities ?? []) as PendingActivity[];
    const parts = pending.map((p) => {
      const beat = p.lastHeartbeatTime?.seconds ? `, last heartbeat ${new Date(Number(p.lastHeartbeatTime.seconds.toString()) * 1000).toISOString()}` : '';
      const failed = p.lastFailure?.message ? `, last failure: ${p.lastFailure.message.slice(0, 200)}` : '';
      return `${p.activityType?.name ?? 'activity'} attempt ${p.attempt ?? 1}${beat}${failed}`;
    });
    return `is ${d.status.name}${parts.length ? ` (${parts.join('; ')})` : ''}`;
  } catch (err) {
    return `could not be described (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** `work` or, after `seconds`, InspectionStillRunning with where the workflow stands. */
export async function waitBounded<T>(work: Promise<T>, seconds: number, handle: WorkflowHandle): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'bound'>((resolve) => (timer = setTimeout(() => resolve('bound'), seconds * 1000)));
  try {
    const first = await Promise.race([work, bound]);
    if (first !== 'bound') return first;
  } finally {
    clearTimeout(timer);
  }
  work.catch(() => undefined);
  throw new InspectionStillRunning(handle.workflowId, seconds, await whereItStands(handle));
}

export interface InspectOutcome {
  result: InspectRecordingResult;
  report: Report;
  jsonPath: string;
  htmlPath: string;
}

export function parseS3Url(target: string): { bucket: string; key: string } | null {
  const m = target.match(/^s3:\/\/([^/]+)\/(.+)$/);
  return m ? { bucket: m[1]!, key: m[2]! } : null;
}

function siblingSidecar(file: string): string | undefined {
  const candidate = sidecarKeyOf(file);
  return candidate !== file && fs.existsSync(candidate) ? candidate : undefined;
}

/**
 * The key a local file is uploaded under: its name with personal numbers masked, since the key is shown in
 * progress lines, stored in evidence and the catalogue and carried in Temporal history. Two files whose
 * names differ only in masked digits share a key; the versioned bucket keeps both and each version is
 * inspected on its own.
 */
export function uploadKeyOf(file: string, prefix: string): string {
  return `${prefix.replace(/\/+$/, '')}/${maskText(path.basename(file))}`;
}

export async function uploadRecording(session: InspectContext, file: string, meta: string | undefined, prefix: string): Promise<{ bucket: string; key: string }> {
  const bucket = session.info.buckets.recordings;
  const key = uploadKeyOf(file, prefix);
  // The sidecar goes first: an inspection started by discovery then never sees the recording without it.
  const sidecar = meta ?? siblingSidecar(file);
  if (sidecar) {
    await session.uploader.fPutObject(bucket, sidecarKeyOf(key), sidecar, { 'Content-Type': 'application/json' });
  }
  await session.uploader.fPutObject(bucket, key, file, { 'Content-Type': 'application/octet-stream' });
  return { bucket, key };
}

async function download(session: InspectContext, bucket: string, key: string, file: string): Promise<void> {
  await session.reader.fGetObject(bucket, key, file);
}

export async function inspect(session: InspectContext, target: string, options: InspectOptions): Promise<InspectOutcome> {
  const s3 = parseS3Url(target);
  let ref: { bucket: string; key: string };
  if (s3) ref = s3;
  else {
    if (!fs.existsSync(target)) throw new Error(`no such file: ${target}`);
    const day = new Date().toISOString().slice(0, 10);
    ref = await uploadRecording(session, target, options.meta, options.prefix ?? `uploads/${day}`);
  }
  const started = await startInspection(session.client, session.reader, { ...ref, rulebook: options.rulebook });
  const handle = session.client.workflow.getHandle(started.workflowId);
  const stop = options.watch ? await options.watch(handle, `inspecting ${maskText(ref.key)}`) : () => undefined;
  let result: InspectRecordingResult;
  try {
    result = await waitBounded(started.result(), options.waitS ?? WAIT_DEFAULT_S, handle);
  } finally {
    stop();
  }
  fs.mkdirSync(options.outDir, { recursive: true });
  const jsonPath = path.join(options.outDir, 'report.json');
  const htmlPath = path.join(options.outDir, 'report.html');
  await download(session, session.info.buckets.reports, result.reportKey, jsonPath);
  await download(session, session.info.buckets.reports, result.htmlKey, htmlPath);
  const report = (await getJson<Report>(session.reader, session.info.buckets.reports, result.reportKey))!;
  return { result, report, jsonPath, htmlPath };
}
