// Heartbeats for long activities: throttled, so a fast loop can call it on every frame. A heartbeat is
// also how Temporal delivers cancellation, so activities that heartbeat can be stopped (ffmpeg killed).
import { Context } from '@temporalio/activity';

export interface Beat {
  (details?: Record<string, unknown>): void;
  signal: AbortSignal;
}

export function heartbeater(everyMs = 2000): Beat {
  const ctx = Context.current();
  let last = 0;
  const beat = ((details?: Record<string, unknown>) => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    ctx.heartbeat(details);
  }) as Beat;
  beat.signal = ctx.cancellationSignal;
  return beat;
}
