// Back-pressure on starting inspections: at most so many per discovery sweep, per minute (all starters
// together), and none while the backlog (inspections running) is full. A recording refused here is
// deferred, never dropped: discovery's watermark stops before it and the next sweep tries again.

export interface StartLimits {
  /** New inspections one discovery sweep may start. */
  perSweep: number;
  /** New inspections all starters together may start in any 60 s (Temporal's record of start times). */
  perMinute: number;
  /** No new inspection while this many are running. */
  backlog: number;
}

export const UNLIMITED: StartLimits = { perSweep: Infinity, perMinute: Infinity, backlog: Infinity };

/** What the starters have already done, as Temporal reports it; a field is absent when its limit is off. */
export interface StartLoad {
  running?: number;
  startedLastMinute?: number;
}

export type Allowance = { allowed: number; reason: null } | { allowed: 0; reason: string };

/** How many more inspections may be started now, after `startedHere` by this caller (a sweep, a request). */
export function startAllowance(limits: StartLimits, load: StartLoad, startedHere: number, perCaller = Infinity): Allowance {
  const room: [number, string][] = [
    [perCaller - startedHere, `at most ${perCaller} starts per sweep`],
    [limits.perMinute - (load.startedLastMinute ?? 0) - startedHere, `at most ${limits.perMinute} starts per minute`],
    [limits.backlog - (load.running ?? 0) - startedHere, `backlog full (${limits.backlog} inspections running)`],
  ];
  let allowed = Infinity;
  let reason = '';
  for (const [n, why] of room) {
    if (n < allowed) {
      allowed = n;
      reason = why;
    }
  }
  return allowed > 0 ? { allowed, reason: null } : { allowed: 0, reason };
}

/** True if the limits ask for the load to be measured at all (unlimited starters skip the queries). */
export function needsLoad(limits: StartLimits): { running: boolean; startedLastMinute: boolean } {
  return { running: Number.isFinite(limits.backlog), startedLastMinute: Number.isFinite(limits.perMinute) };
}

/**
 * Hands out start permits for one caller: the load is measured once (lazily, at the first request) and
 * the caller's own starts are counted on top, so a sweep makes two visibility queries, not one per object.
 * Starters in other processes are only seen at their next measurement: the limits can be overshot by
 * what starters do at the same moment, never by more.
 */
export class StartGate {
  private load: StartLoad | undefined;
  private started = 0;

  constructor(
    readonly limits: StartLimits,
    private readonly measure: (what: { running: boolean; startedLastMinute: boolean }) => Promise<StartLoad>,
    private readonly perCaller = Infinity,
  ) {}

  /** Null if one more start is allowed (and counts it), else why not. */
  async take(): Promise<string | null> {
    const want = needsLoad(this.limits);
    this.load ??= want.running || want.startedLastMinute ? await this.measure(want) : {};
    const allowance = startAllowance(this.limits, this.load, this.started, this.perCaller);
    if (allowance.reason !== null) return allowance.reason;
    this.started++;
    return null;
  }

  /** Give back a permit whose start did not happen (the start call failed). */
  giveBack(): void {
    this.started = Math.max(0, this.started - 1);
  }
}
