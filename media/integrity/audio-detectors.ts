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
  /**
   * Dead channel or noise gate. A gate writes true digital zeros between utterances: short gaps, each
   * bounded by speech, recurring all through the recording (a remote app's noise suppression: gaps of
   * 0.5–4 s, dozens per recording). A dead or muted microphone gives one long span with no sound at all
   * in a channel that carries room tone everywhere else. So: a channel is gated when it has at least
   * `gateMinRuns` digital-zero runs of 0.3 s or more and their median is at most `gateMaxMedianS` (gaps
   * between sentences are seconds long; a cable that drops out gives few, long runs). In a channel without
   * a gate, any digital-zero run of `minRunS` is a dead span (room tone does not stop by itself). In a gated
   * channel a zero run is a dead span only from `gatedDeadMinS` on: a customer reading a page in silence
   * closes the gate for tens of seconds, and below that the two cannot be told apart from the sound alone;
   * such runs (from `gatedFlagMinS`) are handed to a reviewer as flags, not defects.
   */
  gateMinRuns: number;
  gateMaxMedianS: number;
  gatedDeadMinS: number;
  gatedFlagMinS: number;
}

export const DEFAULT_SOUND_THRESHOLDS: SoundThresholds = {
  silenceCeilingDb: -70,
  belowFloorDb: 20,
  minRunS: 1,
  gateMinRuns: 3,
  gateMaxMedianS: 5,
  gatedDeadMinS: 60,
  gatedFlagMinS: 5,
};

interface SoundFindings {
  /** Spans where the channel is dead: no sound at all, not explained by a noise gate. */
  silence: (Run & { levelDb: number; digitalZero: boolean })[];
  /** The channel's noise gate, when it has one: its digital-zero gaps, counted, and their median length. */
  gate: { runs: number; medianS: number } | null;
  /** Long gate-closed spans of a gated channel (a pause, or a microphone that died): for a reviewer. */
  longGateSilences: Run[];
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
  /**
   * Change of the room's noise floor between the three seconds before and after, in dB, measured on
   * 10 ms hops that are not digital zero. 0 when `roomTone` is false: there is nothing to compare.
   */
  levelJumpDb: number;
  /** Share of digital-zero 10 ms hops in the three seconds before and after (a noise gate's closed spans). */
  zeroShareBefore: number;
  zeroShareAfter: number;
  /**
   * Both sides carry room noise (digital zeros under `ROOM_TONE_MAX_ZERO_SHARE`): only then does a floor
   * change say the room or the microphone changed. A gate opening from true zeros into speech is not
   * room tone changing, and neither is one side's quietest speech against the other's room.
   */
  roomTone: boolean;
}

const HOP_S = 0.01;
const WINDOW_S = 0.1;
/** A 10 ms hop or 100 ms window at or under this level is digital zero (db() gives -120 for true zeros). */
const DIGITAL_ZERO_DB = -100;
/**
 * Room tone is compared only where at most this share of each side's hops are digital zero. A channel
 * without a gate has none (the unit clips: 0 %); a noise-gated one is zero between every utterance
 * (typically 20–60 % of a three-second side). 10 % leaves room for a codec's first frame or a short dropout.
 */
const ROOM_TONE_MAX_ZERO_SHARE = 0.1;

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
    const th = this.thresholds;
    const runs = new RunCollector(WINDOW_S, th.minRunS);
    const zeroRuns = new RunCollector(WINDOW_S, 0.3);
    let loudestSilent = -120;
    windows.forEach((level, w) => {
      const silent = level < threshold;
      runs.push(w * WINDOW_S, silent);
      zeroRuns.push(w * WINDOW_S, level <= DIGITAL_ZERO_DB);
      if (silent) loudestSilent = Math.max(loudestSilent, level);
    });
    runs.close();
    zeroRuns.close();
    const zeroLengths = zeroRuns.runs.map((r) => r.to - r.from);
    const gateMedian = zeroLengths.length ? median(zeroLengths) : 0;
    const gated = zeroLengths.length >= th.gateMinRuns && gateMedian <= th.gateMaxMedianS;
    const silence: SoundFindings['silence'] = [];
    const longGateSilences: Run[] = [];
    for (const r of runs.runs) {
      // Digital zero when most of the run's windows are exact zeros: a lossy codec smears the sound at each
      // edge of a gated span into the neighbouring windows (AAC: -80…-95 dB for a frame or two), measured
      // on the unit clips as up to 2 of 40 windows of a 4 s gate gap.
      let zeros = 0;
      let total = 0;
      for (let w = Math.round(r.from / WINDOW_S); w < Math.round(r.to / WINDOW_S) && w < windows.length; w++) {
        total++;
        if (windows[w]! <= DIGITAL_ZERO_DB) zeros++;
      }
      const digitalZero = total > 0 && zeros / total >= 0.8;
      // A gate gives true zeros; a level flat far under the room's floor but not zero is a muted or dead input.
      const lengthS = r.to - r.from;
      if (digitalZero && gated && lengthS < th.gatedDeadMinS) {
        if (lengthS >= th.gatedFlagMinS) longGateSilences.push(r);
        continue;
      }
      silence.push({ ...r, levelDb: round(loudestSilent, 1), digitalZero });
    }
    return {
      silence,
      gate: gated ? { runs: zeroLengths.length, medianS: round(gateMedian, 2) } : null,
      longGateSilences,
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
    let zerosBefore = 0;
    let zerosAfter = 0;
    const lo = Math.max(0, best - 300);
    const hi = Math.min(n - 1, best + 300);
    for (let i = lo; i < best - 1; i++) {
      const l = this.levelDb.at(i);
      if (l <= DIGITAL_ZERO_DB) zerosBefore++;
      else before.push(l);
    }
    for (let i = best + 2; i <= hi; i++) {
      const l = this.levelDb.at(i);
      if (l <= DIGITAL_ZERO_DB) zerosAfter++;
      else after.push(l);
    }
    const zeroShareBefore = zerosBefore / Math.max(1, zerosBefore + before.length);
    const zeroShareAfter = zerosAfter / Math.max(1, zerosAfter + after.length);
    const roomTone = before.length >= 50 && after.length >= 50 && zeroShareBefore <= ROOM_TONE_MAX_ZERO_SHARE && zeroShareAfter <= ROOM_TONE_MAX_ZERO_SHARE;
    const levelJumpDb = roomTone ? Math.abs(percentile(before, 0.02) - percentile(after, 0.02)) : 0;
    return {
      at: round(best * HOP_S),
      clickRatio: round(clickRatio, 1),
      levelJumpDb: round(levelJumpDb, 1),
      zeroShareBefore: round(zeroShareBefore, 2),
      zeroShareAfter: round(zeroShareAfter, 2),
      roomTone,
    };
  }
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))]!;
}
