// One discovery sweep: list the recordings bucket, start one inspection per recording that has settled,
// within the start limits. Starts are idempotent (workflow id = bucket + key + ETag), so overlapping
// sweeps, retries and the webhook can all run without doubling an inspection. A recording is left for a
// later sweep until it has settled, giving its sidecar time to land beside it; deferred recordings hold
// the watermark back, so the next sweep finds them again. Run by the discovery activity (the worker
// hands it this function), so the schedule's sweeps are durable and retried.
import type { Client } from '@temporalio/client';
import type * as Minio from 'minio';
import type { DiscoverInput, DiscoverResult } from '../activities/discovery-io';
import { discoveryStateKey, isRecordingKey, sidecarKeyOf } from '../evidence/layout';
import { startLimitsFromEnv } from '../lib/config';
import { inspectionWorkflowId } from '../lib/ids';
import type { Logger } from '../lib/logger';
import { getJson, putJson } from '../lib/object-store';
import { inspectionExists, measureInspectionLoad } from './inspection-load';
import { startInspection } from './inspections';
import { StartGate } from './start-limits';
import { sweepRecordings } from './sweep';

export interface SweepEnv {
  client: Client;
  s3: Minio.Client;
  analysesBucket: string;
  logger: Logger;
}

interface DiscoveryState {
  /** Objects modified before this instant have all been started. */
  watermark: string | null;
}

/** Sweeps overlap this much so an object written during a listing is never missed. */
const OVERLAP_MS = 10 * 60_000;

export async function sweepBucket(env: SweepEnv, input: DiscoverInput, progress: (started: number) => void): Promise<DiscoverResult> {
  const { client } = env;
  const stateKey = discoveryStateKey(input.bucket, input.prefix);
  const state = (await getJson<DiscoveryState>(env.s3, env.analysesBucket, stateKey)) ?? { watermark: null };
  const since = state.watermark ? Date.parse(state.watermark) - OVERLAP_MS : 0;
  const now = Date.now();
  const keys = new Set<string>();
  const objects: { key: string; modified: number; etag?: string }[] = [];
  for await (const o of env.s3.listObjectsV2(input.bucket, input.prefix ?? '', true) as AsyncIterable<{ name?: string; lastModified?: Date; etag?: string }>) {
    if (!o.name) continue;
    keys.add(o.name);
    if (isRecordingKey(o.name) && (o.lastModified?.getTime() ?? now) >= since) objects.push({ key: o.name, modified: o.lastModified?.getTime() ?? now, etag: o.etag });
  }
  const limits = startLimitsFromEnv();
  const gate = new StartGate(limits, (what) => measureInspectionLoad(client, what), Math.min(input.maxStarts, limits.perSweep));
  const { started, joined, deferred, limitedBy, settledUpTo } = await sweepRecordings(objects, {
    settling: (o) => !keys.has(sidecarKeyOf(o.key)) && now - o.modified < input.settleS * 1000,
    exists: async (o) => o.etag !== undefined && (await inspectionExists(client, inspectionWorkflowId(input.bucket, o.key, o.etag))),
    permit: () => gate.take(),
    unpermit: () => gate.giveBack(),
    start: async (o) => void (await startInspection(client, env.s3, { bucket: input.bucket, key: o.key })),
    progress,
  });
  // The watermark only advances past objects that were all started (a deferred one holds it back).
  // Nor does it move back (a sweep that joins only overlap-window objects before a deferral).
  const previous = state.watermark ? Date.parse(state.watermark) : -Infinity;
  const watermark = settledUpTo !== null && settledUpTo > previous ? new Date(settledUpTo).toISOString() : state.watermark;
  if (watermark !== state.watermark) await putJson(env.s3, env.analysesBucket, stateKey, { watermark } satisfies DiscoveryState);
  env.logger.info({ bucket: input.bucket, listed: keys.size, started: started.length, joined, deferred, limitedBy }, 'discovery sweep');
  return { listed: keys.size, candidates: objects.length, started, joined, deferred, limitedBy, watermark };
}
