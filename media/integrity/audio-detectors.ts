// Sound defects measured on the shared 16 kHz mono decode: silent runs (a dead or muted microphone), and
// per-10 ms features kept for the whole file so a candidate cut can be checked for an audio discontinuity.
import { median, round } from '../../lib/numbers';
import { RunCollector, type Run } from './runs';

export interface SoundThresholds {
  /** A 100 ms window is silent below this level (dBFS)… */
  silenceCeilingDb: number;
  /** …and at least this far below the recording's own noise floor, so a quiet room is not "silence". */
  belowFloorDb: number;
  minRunS: number;
}

export const DEFAULT_SOUND_THRESHOLDS: SoundThresholds = { silenceCeilingDb: -70, belowFloorDb: 20, minRunS: 1 };

interface SoundFindings {
  silence: (Run & { levelDb: number })[];
  /** 10th percentile of the 100 ms levels that are not digital silence: the room's noise floor. */
  noiseFloorDb: number | null;
  silenceThresholdDb: number;
  meanDb: number;
  peakDb: number;
  durationS: number;
}

interface AudioDiscontinuity {
  /** Time of the strongest transient near the asked instant. */
  at: number;
  /** Broadband transient energy at the instant ÷ its median in the surrounding second. */
  clickRatio: number;
  /** Change of the noise floor between the three seconds before and after, in dB. */
  levelJumpDb: number;
}

const HOP_S = 0.01;
const WINDOW_S = 0.1;

function db(meanSquare: number): number {
  return meanSquare > 0 ? 10 * Math.log10(meanSquare) : -120;
}

/** A growable Float32 series, so a 3-hour file costs ~4 MB per feature rather than a JS array. */
class Series {
  private data = new Float32Array(4096);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  at(i: number): number {
    return this.data[i] ?? 0;
  }
}

export class SoundDetector {
  private readonly hop: number;
  /** Per-10 ms: level in dB and the energy of the first difference (a crude high-pass). */
  private readonly levelDb = new Series();
  private readonly transientDb = new Series();
  private hopSum = 0;
  private hopDiffSum = 0;
  private hopCount = 0;
  private previousSample = 0;
  private totalSquares = 0;
  private totalSamples = 0;
  private peak = 0;

  constructor(
    private readonly sampleRate: number,
    private readonly thresholds: SoundThresholds = DEFAULT_SOUND_THRESHOLDS,
  ) {
    this.hop = Math.round(sampleRate * HOP_S);
  }

  push(samples: Int16Array): void {
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i]! / 32768;
      const d = x - this.previousSample;
      this.previousSample = x;
      const sq = x * x;
      this.hopSum += sq;
      this.hopDiffSum += d * d;
      this.totalSquares += sq;
      const ax = x < 0 ? -x : x;
      if (ax > this.peak) this.peak = ax;
      if (++this.hopCount === this.hop) this.endHop();
    }
    this.totalSamples += samples.length;
  }

  private endHop(): void {
    const ms = this.hopSum / this.hop;
    this.levelDb.push(db(ms));
    this.transientDb.push(db(this.hopDiffSum / this.hop));
    this.hopSum = 0;
    this.hopDiffSum = 0;
    this.hopCount = 0;
  }

  /** Levels of consecutive 100 ms windows, from the stored 10 ms levels. */
  private windowLevels(): Float32Array {
    const per = Math.round(WINDOW_S / HOP_S);
    const n = Math.floor(this.levelDb.length / per);
    const out = new Float32Array(n);
    for (let w = 0; w < n; w++) {
      let power = 0;
      for (let i = w * per; i < (w + 1) * per; i++) power += 10 ** (this.levelDb.at(i) / 10);
      out[w] = db(power / per);
    }
    return out;
  }

  finish(): SoundFindings {
    const windows = this.windowLevels();
    const audible = Array.from(windows).filter((l) => l > -100);
    const floor = audible.length ? percentile(audible, 0.1) : null;
    const threshold = floor === null ? this.thresholds.silenceCeilingDb : Math.min(this.thresholds.silenceCeilingDb, floor - this.thresholds.belowFloorDb);
    const runs = new RunCollector(WINDOW_S, this.thresholds.minRunS);
    let loudestSilent = -120;
    windows.forEach((level, w) => {
      const silent = level < threshold;
      runs.push(w * WINDOW_S, silent);
      if (silent) loudestSilent = Math.max(loudestSilent, level);
    });
    runs.close();
    return {
      silence: runs.runs.map((r) => ({ ...r, levelDb: round(loudestSilent, 1) })),
      noiseFloorDb: floor === null ? null : round(floor, 1),
      silenceThresholdDb: round(threshold, 1),
      meanDb: round(db(this.totalSamples ? this.totalSquares / this.totalSamples : 0), 1),
      peakDb: round(this.peak > 0 ? 20 * Math.log10(this.peak) : -120, 1),
      durationS: round(this.totalSamples / this.sampleRate, 3),
    };
  }

  /** Measures how discontinuous the sound is within ±`searchS` of `t` (a candidate cut from the picture). */
  discontinuityNear(t: number, searchS = 0.15): AudioDiscontinuity {
    const n = this.transientDb.length;
    const centre = Math.round(t / HOP_S);
    const reach = Math.round(searchS / HOP_S);
    let best = Math.max(0, Math.min(n - 1, centre));
    for (let i = Math.max(0, centre - reach); i <= Math.min(n - 1, centre + reach); i++) {
      if (this.transientDb.at(i) > this.transientDb.at(best)) best = i;
    }
    const context: number[] = [];
    for (let i = Math.max(0, best - 50); i <= Math.min(n - 1, best + 50); i++) {
      if (Math.abs(i - best) > 2) context.push(this.transientDb.at(i));
    }
    const clickRatio = 10 ** ((this.transientDb.at(best) - median(context)) / 10);
    // The room's noise floor (2nd percentile of 10 ms levels: the quietest gaps between words) over three seconds each side: a change of
    // take or microphone moves it, a word starting or stopping does not (speech leaves pauses).
    const before: number[] = [];
    const after: number[] = [];
    for (let i = Math.max(0, best - 300); i < best - 1; i++) before.push(this.levelDb.at(i));
    for (let i = best + 2; i <= Math.min(n - 1, best + 300); i++) after.push(this.levelDb.at(i));
    const levelJumpDb = before.length >= 50 && after.length >= 50 ? Math.abs(percentile(before, 0.02) - percentile(after, 0.02)) : 0;
    return { at: round(best * HOP_S), clickRatio: round(clickRatio, 1), levelJumpDb: round(levelJumpDb, 1) };
  }
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))]!;
}
