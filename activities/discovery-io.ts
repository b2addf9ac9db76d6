// What a discovery sweep takes and returns: shared by the activity, the worker that hands it the sweep,
// and intake's sweep itself.

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
