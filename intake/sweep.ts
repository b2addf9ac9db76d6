// One discovery sweep's decisions, apart from S3 and Temporal: which listed recordings to start, which
// already have an inspection, which wait (sidecar may still come, or a start limit is reached), and how
// far the watermark may move — never past a recording that waits.

export interface SweepObject {
  key: string;
  /** Last-modified time, ms since the epoch. */
  modified: number;
}

export interface SweepSteps<O extends SweepObject> {
  /** True while a recording without its sidecar is too fresh to start. */
  settling(o: O): boolean;
  /** True if the recording already has an inspection (a start would only join it). */
  exists(o: O): Promise<boolean>;
  /** Null if a new start is allowed (and counts it), else the limit that refuses it. */
  permit(): Promise<string | null>;
  /** Gives back the permit of a start that failed. */
  unpermit(): void;
  start(o: O): Promise<void>;
  /** Called after each recording dealt with (heartbeat). */
  progress?(startedSoFar: number): void;
}

export interface SweepOutcome {
  started: string[];
  joined: number;
  deferred: number;
  limitedBy: string | null;
  /** Every recording modified up to this instant was started or joined; null if none was. */
  settledUpTo: number | null;
}

export async function sweepRecordings<O extends SweepObject>(objects: readonly O[], steps: SweepSteps<O>): Promise<SweepOutcome> {
  const sorted = [...objects].sort((a, b) => a.modified - b.modified);
  const out: SweepOutcome = { started: [], joined: 0, deferred: 0, limitedBy: null, settledUpTo: null };
  for (const o of sorted) {
    // Once a limit refuses, the rest of the sweep waits too (no more queries this sweep).
    if (out.limitedBy !== null || steps.settling(o)) {
      out.deferred++;
      continue;
    }
    // Recordings inside the overlap window were mostly started by an earlier sweep: they use no permit.
    if (await steps.exists(o)) {
      out.joined++;
    } else {
      out.limitedBy = await steps.permit();
      if (out.limitedBy !== null) {
        out.deferred++;
        continue;
      }
      try {
        await steps.start(o);
      } catch (err) {
        steps.unpermit();
        throw err;
      }
      out.started.push(o.key);
    }
    if (out.deferred === 0) out.settledUpTo = o.modified;
    steps.progress?.(out.started.length);
  }
  return out;
}
