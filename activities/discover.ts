// Discovery: find recordings that landed in the bucket and start one inspection each. Starts are
// idempotent (workflow id = bucket + key + ETag), so overlapping sweeps, retries and a webhook path can
// all run without doubling an inspection. A recording is left for a later sweep until it has settled,
// giving its sidecar time to land beside it.
import { Context } from '@temporalio/activity';
import { getJson, putJson } from '../lib/object-store';
import { startInspection } from '../lib/inspections';
import type { ActivityDeps } from './deps';

export const RECORDING_EXTENSIONS = /\.(mp4|m4v|mov|mkv|webm|flv|avi|ts|mts|3gp|mpg|mpeg|wmv|mp3|m4a|wav)$/i;

export interface DiscoverInput {
  bucket: string;
  prefix?: string;
  /** A recording without a sidecar is only started once it is this old (its sidecar may still come). */
  settleS: number;
  /** At most this many starts per sweep (back-pressure); the rest wait for the next sweep. */
  maxStarts: number;
}

export interface DiscoverResult {
  listed: number;
  candidates: number;
  started: string[];
  deferred: number;
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
      const objects: { key: string; modified: number }[] = [];
      for await (const o of deps.s3.listObjectsV2(input.bucket, input.prefix ?? '', true) as AsyncIterable<{ name?: string; lastModified?: Date }>) {
        if (!o.name) continue;
        keys.add(o.name);
        if (RECORDING_EXTENSIONS.test(o.name) && (o.lastModified?.getTime() ?? now) >= since) objects.push({ key: o.name, modified: o.lastModified?.getTime() ?? now });
      }
      objects.sort((a, b) => a.modified - b.modified);
      const started: string[] = [];
      let deferred = 0;
      let settledUpTo: number | null = null;
      for (const o of objects) {
        const hasSidecar = keys.has(o.key.replace(/\.[^./]+$/, '') + '.meta.json');
        if (!hasSidecar && now - o.modified < input.settleS * 1000) {
          deferred++;
          continue;
        }
        if (started.length >= input.maxStarts) {
          deferred++;
          continue;
        }
        await startInspection(client, deps.s3, { bucket: input.bucket, key: o.key });
        started.push(o.key);
        if (deferred === 0) settledUpTo = o.modified;
        Context.current().heartbeat({ started: started.length });
      }
      // The watermark only advances past objects that were all started (a deferred one holds it back).
      const watermark = settledUpTo !== null ? new Date(settledUpTo).toISOString() : state.watermark;
      if (watermark !== state.watermark) await putJson(deps.s3, deps.buckets.analyses, stateKey, { watermark } satisfies DiscoveryState);
      deps.logger.info({ bucket: input.bucket, listed: keys.size, started: started.length, deferred }, 'discovery sweep');
      return { listed: keys.size, candidates: objects.length, started, deferred, watermark };
    },
  };
}
