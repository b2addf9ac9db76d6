// Heartbeats for long activities: throttled, so a fast loop can call it on every frame. A heartbeat is
// also how Temporal delivers cancellation, so activities that heartbeat can be stopped (ffmpeg killed).
// Between progress calls a keep-alive beats on a timer, so a CPU-starved machine (one frame taking longer
// than the heartbeat timeout, a model loading) is not mistaken for a dead worker; it stops once no
// progress has been reported for `stallMs`, so a hung decoder still times out and is retried.
import { Context } from '@temporalio/activity';

export interface Beat {
  (details?: Record<string, unknown>): void;
  signal: AbortSignal;
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
  const keepAlive = setInterval(() => {
    const now = Date.now();
    if (now - progressAt > stallMs || now - last < everyMs) return;
    last = now;
    ctx.heartbeat(details);
  }, Math.max(everyMs, 1000));
  keepAlive.unref();
  beat.signal = ctx.cancellationSignal;
  beat.stop = () => clearInterval(keepAlive);
  return beat;
}
