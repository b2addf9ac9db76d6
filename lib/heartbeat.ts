// Heartbeats for long activities: throttled, so a fast loop can call it on every frame. A heartbeat is
// also how Temporal delivers cancellation, so activities that heartbeat can be stopped (ffmpeg killed).
// Between progress calls a keep-alive beats on a timer, so a CPU-starved machine (one frame taking longer
// than the heartbeat timeout, a model loading) is not mistaken for a dead worker; it stops once no
// progress has been reported for `stallMs`: then the watchdog aborts `signal` with a Stalled reason (the
// decoder is killed) and `stalled()` says why, so the activity fails non-retryably with the reason instead
// of hanging or going round its retries on a file that hangs the decoder every time.
import { Context } from '@temporalio/activity';

/** No progress for longer than the stall limit. */
export class Stalled extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Stalled';
  }
}

export interface Beat {
  (details?: Record<string, unknown>): void;
  /** Aborted when the activity is cancelled or when progress stalls. */
  signal: AbortSignal;
  /** Why the watchdog stopped the work (no progress for stallMs), or null. */
  stalled(): string | null;
  /** Ends the keep-alive; call when the activity finishes. */
  stop(): void;
}

export function heartbeater(everyMs = 2000, stallMs = 3 * 60_000): Beat {
  const ctx = Context.current();
  let last = 0;
  let progressAt = Date.now();
  let details: Record<string, unknown> | undefined;
  const beat = ((next?: Record<string, unknown>) => {
    const now = Date.now();
    progressAt = now;
    details = next;
    if (now - last < everyMs) return;
    last = now;
    ctx.heartbeat(details);
  }) as Beat;
  const watchdog = new AbortController();
  const keepAlive = setInterval(() => {
    const now = Date.now();
    if (now - progressAt > stallMs) {
      if (!watchdog.signal.aborted) {
        const stage = typeof details?.stage === 'string' ? `${details.stage}` : 'unknown stage';
        watchdog.abort(new Stalled(`no progress for ${Math.round((now - progressAt) / 1000)} s (${stage}${typeof details?.decodedS === 'number' ? ` at ${details.decodedS.toFixed(1)} s of media` : ''})`));
      }
      return;
    }
    if (now - last < everyMs) return;
    last = now;
    ctx.heartbeat(details);
  }, Math.max(everyMs, 1000));
  keepAlive.unref();
  beat.signal = AbortSignal.any([ctx.cancellationSignal, watchdog.signal]);
  beat.stalled = () => (watchdog.signal.aborted ? (watchdog.signal.reason as Error).message : null);
  beat.stop = () => clearInterval(keepAlive);
  return beat;
}
