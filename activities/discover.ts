// Discovery: find recordings that landed in the bucket and start one inspection each. Starts are
// idempotent (workflow id = bucket + key + ETag), so overlapping sweeps, retries and a webhook path can
// all run without doubling an inspection. A recording is left for a later sweep until it has settled,
// giving its sidecar time to land beside it. Start limits (lib/start-limits.ts) defer the rest of a sweep
// once reached; deferred recordings hold the watermark back, so the next sweep finds them again.
import { Context } from '@temporalio/activity';
import { startLimitsFromEnv } from '../lib/config';
import { inspectionWorkflowId } from '../lib/ids';
import { inspectionExists, measureInspectionLoad } from '../lib/inspection-load';
import { getJson, putJson } from '../lib/object-store';
import { startInspection } from '../lib/inspections';
import { StartGate } from '../lib/start-limits';
import { sweepRecordings } from '../lib/sweep';
import type { ActivityDeps } from './deps';

export const RECORDING_EXTENSIONS = /\.(mp4|m4v|mov|mkv|webm|flv|avi|ts|mts|3gp|mpg|mpeg|wmv|mp3|m4a|wav)$/i;

export interface DiscoverInput {
  bucket: string;
  prefix?: string;
  /** A recording without a sidecar is only started once it is this old (its sidecar may still come). */
  settleS: number;
  /** At most this many starts per sweep (back-pressure); the rest wait for the next sweep. The worker's
   * DUALQA_MAX_STARTS_PER_SWEEP, when lower, wins. */
  maxStarts: number;
}

export interface DiscoverResult {
  listed: number;
  candidates: number;
  /** Inspections this sweep started. */
  started: string[];
  /** Recordings that already had an inspection (running or done): nothing to start. */
  joined: number;
  deferred: number;
  /** The start limit that deferred recordings this sweep, if one did. */
  limitedBy: string | null;
  watermark: string | null;
}

interface DiscoveryState {
  /** Objects modified before this instant have all been started. */
  watermark: string | null;
}

/** Sweeps overlap this much so an object written during a listing is never missed. */
const OVERLAP_MS = 10 * 60_000;

export function createDiscoverActivities(deps: ActivityDeps) {
  return {
    async discoverAndStart(input: DiscoverInput): Promise<DiscoverResult> {
      if (!deps.temporal) throw new Error('discovery needs a Temporal client on this worker');
      const client = await deps.temporal();
      const stateKey = `_discovery/${input.bucket}${input.prefix ? `/${input.prefix.replace(/\/+$/, '')}` : ''}.json`;
      const state = (await getJson<DiscoveryState>(deps.s3, deps.buckets.analyses, stateKey)) ?? { watermark: null };
      const since = state.watermark ? Date.parse(state.watermark) - OVERLAP_MS : 0;
      const now = Date.now();
      const keys = new Set<string>();
      const objects: { key: string; modified: number; etag?: string }[] = [];
      for await (const o of deps.s3.listObjectsV2(input.bucket, input.prefix ?? '', true) as AsyncIterable<{ name?: string; lastModified?: Date; etag?: string }>) {
        if (!o.name) continue;
        keys.add(o.name);
        if (RECORDING_EXTENSIONS.test(o.name) && (o.lastModified?.getTime() ?? now) >= since) objects.push({ key: o.name, modified: o.lastModified?.getTime() ?? now, etag: o.etag });
      }
      const limits = startLimitsFromEnv();
      const gate = new StartGate(limits, (what) => measureInspectionLoad(client, what), Math.min(input.maxStarts, limits.perSweep));
      const { started, joined, deferred, limitedBy, settledUpTo } = await sweepRecordings(objects, {
        settling: (o) => !keys.has(o.key.replace(/\.[^./]+$/, '') + '.meta.json') && now - o.modified < input.settleS * 1000,
        exists: async (o) => o.etag !== undefined && (await inspectionExists(client, inspectionWorkflowId(input.bucket, o.key, o.etag))),
        permit: () => gate.take(),
        unpermit: () => gate.giveBack(),
        start: async (o) => void (await startInspection(client, deps.s3, { bucket: input.bucket, key: o.key })),
        progress: (n) => Context.current().heartbeat({ started: n }),
      });
      // The watermark only advances past objects that were all started (a deferred one holds it back).
      // Nor does it move back (a sweep that joins only overlap-window objects before a deferral).
      const previous = state.watermark ? Date.parse(state.watermark) : -Infinity;
      const watermark = settledUpTo !== null && settledUpTo > previous ? new Date(settledUpTo).toISOString() : state.watermark;
      if (watermark !== state.watermark) await putJson(deps.s3, deps.buckets.analyses, stateKey, { watermark } satisfies DiscoveryState);
      deps.logger.info({ bucket: input.bucket, listed: keys.size, started: started.length, joined, deferred, limitedBy }, 'discovery sweep');
      return { listed: keys.size, candidates: objects.length, started, joined, deferred, limitedBy, watermark };
    },
  };
}
