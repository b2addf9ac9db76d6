// Discovery as an activity, a thin adapter: the schedule's workflow runs it, the sweep itself is intake's
// (intake/discovery-sweep.ts), handed in by the worker because it starts workflows through a client.
import { Context } from '@temporalio/activity';
import type { ActivityDeps } from './deps';

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

export function createDiscoverActivities(deps: ActivityDeps) {
  return {
    async discoverAndStart(input: DiscoverInput): Promise<DiscoverResult> {
      if (!deps.discover) throw new Error('discovery needs a Temporal client on this worker');
      return deps.discover(input, (started) => Context.current().heartbeat({ started }));
    },
  };
}
