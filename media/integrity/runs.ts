// Turning per-sample flags into time runs: shared by every detector that reports "from/to" spans.
import { round } from '../../lib/numbers';

export interface Run {
  from: number;
  to: number;
}

/** Collects consecutive flagged samples into runs of at least `minS` seconds. */
export class RunCollector {
  private start: number | null = null;
  private last = 0;
  readonly runs: Run[] = [];

  constructor(
    private readonly stepS: number,
    private readonly minS: number,
  ) {}

  push(t: number, flagged: boolean): void {
    if (flagged) {
      if (this.start === null) this.start = t;
      this.last = t;
    } else {
      this.close();
    }
  }

  /** Ends an open run; call once after the last sample. */
  close(): void {
    if (this.start === null) return;
    const run = { from: round(this.start), to: round(this.last + this.stepS) };
    if (run.to - run.from >= this.minS - 1e-9) this.runs.push(run);
    this.start = null;
  }
}

/** Re-exported for media/analyse-file.ts, which imports it from here. */
export { round };

/** True when [a.from, a.to) and [b.from, b.to) overlap. */
export function overlaps(a: Run, b: Run): boolean {
  return a.from < b.to && b.from < a.to;
}
