// The S3 notification receiver: an HTTP endpoint that SeaweedFS (filer webhook), MinIO or an AWS
// bridge POSTs object events to, so an inspection starts seconds after a recording lands instead of
// at the next discovery sweep. It starts inspections exactly as discovery does (same idempotent
// workflow id, same sidecar rule), so the two paths together still inspect each recording once. When a
// start limit (per minute, backlog) refuses, the event is answered "deferred" and discovery, whose
// watermark waits for every recording it has not started, starts it at a later sweep.
import { createHash, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type * as Minio from 'minio';
import { inspectionWorkflowId } from '../lib/ids';
import { isRecordingKey, isSidecarKey, recordingStem, sidecarKeyOf, stemOfSidecar } from '../evidence/layout';
import { inspectionExists, measureInspectionLoad } from './inspection-load';
import { startInspection } from './inspections';
import type { Logger } from '../lib/logger';
import { isNotFound } from '../lib/object-store';
import { isKnownEventFormat, objectsWritten, type ObjectWritten } from './s3-events';
import { StartGate, UNLIMITED, needsLoad, type StartLimits } from './start-limits';

export interface WebhookOptions {
  client: Client;
  /** Reads the recordings bucket (stat, list): the worker identity is enough. */
  s3: Minio.Client;
  recordingsBucket: string;
  /** Shared secret the sender presents as `Authorization: Bearer <token>`. */
  token: string;
  /** A recording without a sidecar is left to discovery until it is this old (as discovery does). */
  settleS: number;
  logger: Logger;
  /** Per-minute and backlog limits (the per-sweep one is discovery's); unlimited when absent. */
  limits?: StartLimits;
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Called once per object event handled (tests, metrics). */
  onOutcome?: (outcome: EventOutcome) => void;
}

export type EventOutcome =
  | { event: ObjectWritten; action: 'started'; key: string; workflowId: string }
  | { event: ObjectWritten; action: 'deferred'; key: string; why: string }
  | { event: ObjectWritten; action: 'ignored'; why: string };

export interface RunningWebhook {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Compares the presented bearer token with the configured one in constant time. */
export function authorised(header: string | undefined, token: string): boolean {
  const presented = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

async function statOrNull(s3: Minio.Client, bucket: string, key: string): Promise<Minio.BucketItemStat | null> {
  try {
    return await s3.statObject(bucket, key);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** The event can arrive a moment before the object is visible (SeaweedFS posts as the version is written). */
async function startWhenVisible(o: WebhookOptions, key: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await startInspection(o.client, o.s3, { bucket: o.recordingsBucket, key })).workflowId;
    } catch (err) {
      if (!isNotFound(err) || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

/** Starts the inspection unless a start limit refuses a new one (joining an existing one is always allowed). */
async function startWithinLimits(o: WebhookOptions, gate: StartGate, event: ObjectWritten, key: string): Promise<EventOutcome> {
  const want = needsLoad(gate.limits);
  if (want.running || want.startedLastMinute) {
    const stat = await statOrNull(o.s3, o.recordingsBucket, key);
    const joins = stat !== null && (await inspectionExists(o.client, inspectionWorkflowId(o.recordingsBucket, key, stat.etag)));
    const refused = joins ? null : await gate.take();
    if (refused !== null) return { event, action: 'deferred', key, why: `${refused}: a later discovery sweep starts it` };
  }
  return { event, action: 'started', key, workflowId: await startWhenVisible(o, key) };
}

async function handleRecording(o: WebhookOptions, gate: StartGate, event: ObjectWritten, key: string): Promise<EventOutcome> {
  const hasSidecar = (await statOrNull(o.s3, o.recordingsBucket, sidecarKeyOf(key))) !== null;
  if (!hasSidecar) {
    const stat = await statOrNull(o.s3, o.recordingsBucket, key);
    if (!stat) return { event, action: 'ignored', why: 'object no longer exists' };
    if (Date.now() - stat.lastModified.getTime() < o.settleS * 1000) {
      return { event, action: 'deferred', key, why: 'no sidecar yet: started when it lands, or by discovery once settled' };
    }
  }
  return startWithinLimits(o, gate, event, key);
}

/** Objects in the recordings bucket that the sidecar belongs to (same name, a recording extension). */
async function recordingsOfSidecar(o: WebhookOptions, sidecarKey: string): Promise<string[]> {
  const stem = stemOfSidecar(sidecarKey);
  const keys: string[] = [];
  for await (const item of o.s3.listObjectsV2(o.recordingsBucket, `${stem}.`, false) as AsyncIterable<{ name?: string }>) {
    if (item.name && recordingStem(item.name) === stem && isRecordingKey(item.name)) keys.push(item.name);
  }
  return keys;
}

export async function handleEvent(o: WebhookOptions, event: ObjectWritten, gate = new StartGate(o.limits ?? UNLIMITED, (what) => measureInspectionLoad(o.client, what))): Promise<EventOutcome[]> {
  if (event.bucket !== o.recordingsBucket) return [{ event, action: 'ignored', why: `not the recordings bucket (${o.recordingsBucket})` }];
  if (isSidecarKey(event.key)) {
    // A sidecar that lands after its recording is what the recording was waiting for.
    const keys = await recordingsOfSidecar(o, event.key);
    if (keys.length === 0) return [{ event, action: 'ignored', why: 'sidecar without a recording yet' }];
    const outcomes: EventOutcome[] = [];
    for (const key of keys) outcomes.push(await startWithinLimits(o, gate, event, key));
    return outcomes;
  }
  if (!isRecordingKey(event.key)) return [{ event, action: 'ignored', why: 'not a recording or a sidecar' }];
  return [await handleRecording(o, gate, event, event.key)];
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}

export async function startWebhookServer(o: WebhookOptions): Promise<RunningWebhook> {
  if (!o.token) throw new Error('the webhook needs a shared token (DUALQA_WEBHOOK_TOKEN)');
  const server = http.createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/healthz') return reply(res, 200, { ok: true });
      // MinIO probes a webhook target with an unauthenticated HEAD before it enables it.
      if (req.method === 'HEAD') return void res.writeHead(200).end();
      if (req.method !== 'POST') return reply(res, 405, { error: 'POST S3 event notifications here' });
      if (!authorised(req.headers.authorization, o.token)) {
        o.logger.warn({ remote: req.socket.remoteAddress }, 'webhook: request without the shared token refused');
        return reply(res, 401, { error: 'missing or wrong bearer token' });
      }
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch (err) {
        return reply(res, (err as { status?: number }).status ?? 400, { error: err instanceof Error ? err.message : 'bad body' });
      }
      if (!isKnownEventFormat(body)) return reply(res, 400, { error: 'not an S3 (Records) or SeaweedFS (event_type, key) notification' });
      try {
        const outcomes: EventOutcome[] = [];
        // One load measurement per request; the request's own starts count on top of it.
        const gate = new StartGate(o.limits ?? UNLIMITED, (what) => measureInspectionLoad(o.client, what));
        for (const event of objectsWritten(body)) {
          for (const outcome of await handleEvent(o, event, gate)) {
            outcomes.push(outcome);
            o.onOutcome?.(outcome);
            if (outcome.action !== 'ignored') o.logger.info({ key: outcome.key, action: outcome.action, format: event.format }, 'webhook event');
          }
        }
        reply(res, 200, {
          started: outcomes.flatMap((x) => (x.action === 'started' ? [x.workflowId] : [])),
          deferred: outcomes.flatMap((x) => (x.action === 'deferred' ? [x.key] : [])),
          ignored: outcomes.filter((x) => x.action === 'ignored').length,
        });
      } catch (err) {
        // The sender retries on 5xx (SeaweedFS with backoff, MinIO from its queue); discovery is the backstop.
        o.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'webhook: could not start an inspection');
        reply(res, 503, { error: 'could not start the inspection; retry later' });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${o.host ?? '127.0.0.1'}:${port}/`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
