// Picture defects measured on small grey frames from the shared decode: black runs, frozen runs, and
// abrupt changes with the share of the frame they cover (candidate cuts, confirmed later by a second signal).
import type { VideoFrame } from '../decode';
import { median, round } from '../../lib/numbers';
import { RunCollector, type Run } from './runs';

export interface PictureThresholds {
  /** Mean luma (0–255) below which a frame is dark… */
  blackMeanLuma: number;
  /** …and the share of pixels brighter than `blackPixelLuma` allowed in a black frame. */
  blackBrightShare: number;
  blackPixelLuma: number;
  /** Mean absolute difference (0–255) between consecutive frames below which nothing moved. */
  frozenMeanDiff: number;
  /** Share of pixels changing by more than 3 levels allowed in a frozen frame. */
  frozenChangedShare: number;
  /**
   * A codec refresh of a frozen picture (a new keyframe of the same image) changes pixels by a few levels
   * at most; motion changes some by tens. Below this largest difference (and a mean under 1 level) the
   * picture is still frozen.
   */
  frozenCodecNoiseMax: number;
  /** Minimum run lengths reported, in seconds. */
  minRunS: number;
  /** An abrupt change: frame difference above this… */
  cutMinDiff: number;
  /** …and at least this many times the median difference around it. */
  cutRatio: number;
  /**
   * A change covering at least this share of the frame's blocks is a whole-frame change. Measured on the
   * unit clips: another take (testsrc2 mirrored and recoloured) moves 0.94 of the blocks (the rest are flat
   * areas alike in both); a card over 25 / 40 / 60 % of the picture's area moves 0.38 / 0.52 / 0.67 (its
   * edges touch more blocks than it covers). A screen share filling most of the frame is whole-frame and
   * still needs a second signal to be a cut.
   */
  wholeFrameShare: number;
}

export const DEFAULT_PICTURE_THRESHOLDS: PictureThresholds = {
  blackMeanLuma: 24,
  blackBrightShare: 0.02,
  blackPixelLuma: 48,
  frozenMeanDiff: 0.15,
  frozenChangedShare: 0.001,
  frozenCodecNoiseMax: 12,
  minRunS: 1,
  cutMinDiff: 18,
  cutRatio: 6,
  wholeFrameShare: 0.8,
};

interface AbruptChange {
  at: number;
  diff: number;
  /**
   * Correlation of the two frames after removing each one's mean and contrast: near 1 when the same
   * scene is only lit differently (a light switched), low when the content itself changed.
   */
  structure: number;
  /** Median frame difference in the second around the change. */
  contextDiff: number;
  /**
   * Share of the frame that changed: of a 16×9 grid of blocks, those whose mean difference is at least
   * `cutMinDiff`. A whole-frame change (another take, another camera) moves nearly every block; a card,
   * a screen-shared document or an app tile appearing over part of the picture moves only its own blocks.
   */
  changedShare: number;
}

interface PictureFindings {
  black: (Run & { meanLuma: number })[];
  frozen: Run[];
  abruptChanges: AbruptChange[];
  frames: number;
  meanLuma: number;
}

/** Consumes grey frames at a fixed rate; call `finish()` after the last. */
export class PictureDetector {
  private readonly black: RunCollector;
  private readonly frozen: RunCollector;
  private previous: Buffer | null = null;
  private readonly diffs: { t: number; diff: number; structure?: number; changedShare?: number }[] = [];
  private readonly lumaByFrame: number[] = [];
  private lumaSum = 0;
  private frames = 0;
  private blackLumaSum = 0;
  private blackLumaCount = 0;

  constructor(
    private readonly fps: number,
    private readonly thresholds: PictureThresholds = DEFAULT_PICTURE_THRESHOLDS,
  ) {
    this.black = new RunCollector(1 / fps, thresholds.minRunS);
    this.frozen = new RunCollector(1 / fps, thresholds.minRunS);
  }

  push(frame: VideoFrame): void {
    const { data } = frame;
    const th = this.thresholds;
    let sum = 0;
    let bright = 0;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      sum += v;
      if (v > th.blackPixelLuma) bright++;
    }
    const mean = sum / data.length;
    const isBlack = mean < th.blackMeanLuma && bright / data.length <= th.blackBrightShare;
    this.black.push(frame.t, isBlack);
    if (isBlack) {
      this.blackLumaSum += mean;
      this.blackLumaCount++;
    }
    this.lumaSum += mean;
    this.lumaByFrame.push(mean);
    this.frames++;

    if (this.previous) {
      let diffSum = 0;
      let changed = 0;
      let largest = 0;
      const prev = this.previous;
      for (let i = 0; i < data.length; i++) {
        const d = Math.abs(data[i]! - prev[i]!);
        diffSum += d;
        if (d > 3) changed++;
        if (d > largest) largest = d;
      }
      const diff = diffSum / data.length;
      // Only large changes are candidates: their structure correlation is worth computing.
      this.diffs.push(
        diff >= this.thresholds.cutMinDiff
          ? { t: frame.t, diff, structure: structureCorrelation(prev, data), changedShare: changedBlockShare(prev, data, frame.width, frame.height, th.cutMinDiff) }
          : { t: frame.t, diff },
      );
      const unchanged = diff < th.frozenMeanDiff && changed / data.length <= th.frozenChangedShare;
      const codecRefresh = largest <= th.frozenCodecNoiseMax && diff < 1;
      // A black picture is also static: black takes precedence, so it is not reported twice.
      const still = (unchanged || codecRefresh) && !isBlack;
      // The first frame of a frozen run is the last one that moved: include it.
      this.frozen.push(still ? frame.t - 1 / this.fps : frame.t, still);
    }
    this.previous = data;
  }

  finish(): PictureFindings {
    this.black.close();
    this.frozen.close();
    const blackMean = this.blackLumaCount ? this.blackLumaSum / this.blackLumaCount : 0;
    return {
      black: this.black.runs.map((r) => ({ ...r, meanLuma: round(blackMean, 1) })),
      frozen: this.frozen.runs.map((r) => ({ from: round(Math.max(0, r.from)), to: r.to })),
      abruptChanges: this.findAbruptChanges(),
      frames: this.frames,
      meanLuma: this.frames ? round(this.lumaSum / this.frames, 1) : 0,
    };
  }

  /** Whole-frame changes far above the local level of motion, excluding fades into or out of black. */
  private findAbruptChanges(): AbruptChange[] {
    const th = this.thresholds;
    const half = Math.max(2, Math.round(this.fps / 2));
    const out: AbruptChange[] = [];
    for (let i = 0; i < this.diffs.length; i++) {
      const cur = this.diffs[i]!;
      if (cur.diff < th.cutMinDiff) continue;
      const around: number[] = [];
      for (let j = Math.max(0, i - half); j <= Math.min(this.diffs.length - 1, i + half); j++) {
        if (j !== i) around.push(this.diffs[j]!.diff);
      }
      const context = median(around);
      if (cur.diff < th.cutRatio * Math.max(context, 1)) continue;
      // diffs[i] compares frame i+1 with frame i; skip changes that start or end on a black frame.
      const before = this.lumaByFrame[i] ?? 0;
      const after = this.lumaByFrame[i + 1] ?? 0;
      if (before < th.blackMeanLuma || after < th.blackMeanLuma) continue;
      out.push({ at: round(cur.t), diff: round(cur.diff, 1), contextDiff: round(context, 2), structure: round(cur.structure ?? 0, 3), changedShare: round(cur.changedShare ?? 0, 3) });
    }
    return out;
  }
}

/** Share of a 16×9 grid of blocks whose mean absolute difference is at least `minDiff` (grey frames). */
function changedBlockShare(a: Buffer, b: Buffer, width: number, height: number, minDiff: number): number {
  const cols = 16;
  const rows = 9;
  const sums = new Float64Array(cols * rows);
  const counts = new Uint32Array(cols * rows);
  for (let y = 0; y < height; y++) {
    const r = Math.min(rows - 1, Math.floor((y * rows) / height));
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const k = r * cols + Math.min(cols - 1, Math.floor((x * cols) / width));
      sums[k]! += Math.abs(a[i]! - b[i]!);
      counts[k]!++;
    }
  }
  let changed = 0;
  let blocks = 0;
  for (let k = 0; k < sums.length; k++) {
    if (counts[k] === 0) continue;
    blocks++;
    if (sums[k]! / counts[k]! >= minDiff) changed++;
  }
  return blocks ? changed / blocks : 0;
}

/** Pearson correlation of two equally sized grey frames. */
function structureCorrelation(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i]!;
    sb += b[i]!;
  }
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}
