// The recorder's burned-in clock ("system time shown" in the rules). It is found once on a few whole frames
// before the decode pass (locateClock); the pass then cuts only its region out of each frame (a crop in
// ffmpeg's filter graph), and every few seconds one crop is read; each reading gives the clock's offset
// from media time (clock − t). In one continuous
// recording the offset stays put (within the clock's 1 s resolution); a splice of two takes, or a pause
// the file hides, moves it: a `clock_jump`.
//
// OCR slips are expected, so a reading only moves the reference offset when the next reading agrees with
// it (a lone odd reading is an outlier, not a jump), and a frozen picture (the clock stands still while
// media time runs, then catches up) is reported as a stall, not as a jump. Once a jump is confirmed, the
// crops kept since the last good reading are bisected to place it to one frame. Too few readings, or long
// stretches without one, make the clock unjudgeable: the judge then says CANNOT_JUDGE, not PASS.
import { round } from '../../lib/numbers';
import type { EvidenceDefect } from '../defects';
import { CLOCK_DIGITS, ClockGlyphs, DEFAULT_GLYPH_CONFIG, type GlyphConfig } from './clock-glyphs';
import { cropRgb, padBox, quadBounds, toPixels, type NormBox, type OcrEngineLike, type OcrLineLike, type Point, type RgbImage } from './types';

export interface ClockConfig {
  /** Where the clock is (normalised), 'auto' to find it by reading whole frames, or 'off'. */
  region: NormBox | 'auto' | 'off';
  /**
   * Seconds between readings. A jump is placed to the frame by bisecting the crops kept in between, so the
   * spacing bounds how long a stretch with a different offset can hide between two readings (a piece
   * spliced in and out again within it, ending on the old offset), not where a jump is placed. Each reading
   * is an OCR call (a quick one once the line is known): at 4 s, with full reads, they cost more than the
   * whole bare decode of a 10-minute 720p recording (bench/inspect-10min.ts).
   */
  everyS: number;
  /**
   * A reading that needs a second to agree (the first one, or one off the reference) is followed this soon.
   * More than agreeS + 1: a frozen clock (its offset falls 1 s per second) must not confirm itself.
   */
  confirmS: number;
  /** An offset change of at least this many seconds between agreeing readings is a jump. */
  jumpMinS: number;
  /** Two readings agree when their offsets differ by less than this (the clock shows whole seconds). */
  agreeS: number;
  /** Readings below this OCR score are not used. */
  minScore: number;
  /** Fewer usable readings than this: the clock cannot be judged. */
  minReadings: number;
  /** Share of attempts that must read: below it the clock cannot be judged. */
  minReadShare: number;
  /** A stretch longer than this without a usable reading is reported (a jump inside it could be missed). */
  maxUnreadS: number;
  /** 'auto': seconds between whole-frame searches until the clock is found, and how many at most. */
  searchEveryS: number;
  maxSearches: number;
  /** Margin around the found clock line (share of its width / height on each side). */
  searchPad: { x: number; y: number };
  /** Where the clock is looked for by the automatic search (normalised); the whole frame by default. */
  searchArea: NormBox;
  /** Reading the digits by their learnt look when the result is what the reader expects (clock-glyphs.ts), or 'off'. */
  glyphs: GlyphConfig | 'off';
}

export const DEFAULT_CLOCK_CONFIG: ClockConfig = {
  region: 'auto',
  everyS: 10,
  confirmS: 3,
  jumpMinS: 2,
  agreeS: 1.5,
  minScore: 0.6,
  minReadings: 3,
  minReadShare: 0.5,
  maxUnreadS: 20,
  searchEveryS: 5,
  maxSearches: 6,
  searchPad: { x: 0.15, y: 0.6 },
  searchArea: { x: 0, y: 0, w: 1, h: 1 },
  glyphs: DEFAULT_GLYPH_CONFIG,
};

/** Clock text to digits: O→0, l/I→1 and friends, full-width forms folded, separators unified. */
function normaliseClockText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[OoQD]/g, '0')
    .replace(/[lI|!i]/g, '1')
    .replace(/[Zz]/g, '2')
    .replace(/[Ss]/g, '5')
    .replace(/B/g, '8')
    .replace(/[;：]/g, ':')
    .replace(/[/年月]/g, '-')
    .replace(/日/g, ' ');
}

const CLOCK = /(\d{4})\s*[-.]?\s*(\d{1,2})\s*[-.]?\s*(\d{1,2})\s*[T\s]?\s*(\d{1,2})\s*[:.,]?\s*(\d{2})\s*[:.,]?\s*(\d{2})(?!\d)/;

interface ParsedClock {
  /** Seconds since 1970-01-01 00:00:00 of the clock's own (local) time, read as if UTC. */
  clockS: number;
  /** Canonical YYYY-MM-DD HH:MM:SS. */
  text: string;
}

/** Parses `YYYY-MM-DD HH:MM:SS` out of OCR text (tolerating O/0, l/1, ':'/'.', missing separators); null when none. */
export function parseClock(raw: string): ParsedClock | null {
  const m = CLOCK.exec(normaliseClockText(raw));
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCDate() !== d) return null; // 31 February
  const p2 = (v: number): string => String(v).padStart(2, '0');
  return { clockS: ms / 1000, text: `${y}-${p2(mo)}-${p2(d)} ${p2(h)}:${p2(mi)}:${p2(s)}` };
}

/** The line that reads as a clock, with its score, among OCR lines. */
export function findClockLine(lines: OcrLineLike[]): { line: OcrLineLike; parsed: ParsedClock } | null {
  let best: { line: OcrLineLike; parsed: ParsedClock } | null = null;
  for (const line of lines) {
    const parsed = parseClock(line.text);
    if (parsed && (!best || line.score > best.line.score)) best = { line, parsed };
  }
  if (best) return best;
  // The date and the time may come as two boxes on one row.
  const sorted = [...lines].sort((a, b) => quadBounds(a.box).x0 - quadBounds(b.box).x0);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = 0; j < sorted.length; j++) {
      if (i === j) continue;
      const a = quadBounds(sorted[i]!.box);
      const b = quadBounds(sorted[j]!.box);
      const sameRow = Math.abs((a.y0 + a.y1) / 2 - (b.y0 + b.y1) / 2) < 0.5 * Math.min(a.y1 - a.y0, b.y1 - b.y0);
      if (!sameRow || b.x0 < a.x1 - 2) continue;
      const parsed = parseClock(`${sorted[i]!.text} ${sorted[j]!.text}`);
      if (parsed) {
        const box: [number, number][] = [
          [a.x0, Math.min(a.y0, b.y0)],
          [b.x1, Math.min(a.y0, b.y0)],
          [b.x1, Math.max(a.y1, b.y1)],
          [a.x0, Math.max(a.y1, b.y1)],
        ];
        return { line: { text: `${sorted[i]!.text} ${sorted[j]!.text}`, score: Math.min(sorted[i]!.score, sorted[j]!.score), box }, parsed };
      }
    }
  }
  return null;
}

/** The normalised crop around a clock line found in a width × height frame. */
function clockRegionAround(line: OcrLineLike, width: number, height: number, pad: { x: number; y: number }): NormBox {
  const b = quadBounds(line.box);
  return padBox({ x: b.x0 / width, y: b.y0 / height, w: (b.x1 - b.x0) / width, h: (b.y1 - b.y0) / height }, pad.x, pad.y);
}

interface ClockReading {
  /** Media time of the frame read. */
  t: number;
  clockS: number;
  /** clockS − t */
  offsetS: number;
  score: number;
}

interface ClockJump {
  /** Media time of the first frame showing the new clock. */
  at: number;
  /** New offset − old offset (positive: the clock jumped ahead). */
  jumpS: number;
  /** The two agreeing readings around it. */
  before: number;
  after: number;
  /** The jump was placed to a frame by bisecting the crops in between (else `at` is the first reading after it). */
  refined: boolean;
}

interface ClockStall {
  from: number;
  to: number;
}

type ClockStatus = 'ok' | 'partial' | 'unreadable' | 'not_found' | 'off';

export interface ClockSummary {
  status: ClockStatus;
  /** Why the clock cannot (or can only partly) be judged. */
  reason?: string;
  region: NormBox | null;
  regionFrom: 'config' | 'search' | null;
  attempts: number;
  readings: number;
  /** Readings set aside: they agreed with neither the offset before nor the one after. */
  outliers: number;
  /** Readings that only recognised the clock's known line (no text detection). */
  quickReads: number;
  /** Readings made without the OCR: digits compared with their learnt look, taken only when they fit the offset expected. */
  glyphReads: number;
  /** Local wall-clock time the clock showed at media time 0 (YYYY-MM-DDTHH:MM:SS, no zone). */
  clockAtStart?: string;
  jumps: ClockJump[];
  /** The clock stood still while media time ran (a frozen picture, or a stopped clock): first to last reading showing the same time. */
  stalls: ClockStall[];
  /** Stretches longer than maxUnreadS without a usable reading. */
  unread: { from: number; to: number }[];
  /** Compact readings: [t, offsetS] (offset relative to the first reading, so no wall-clock time is kept per reading). */
  series: [number, number][];
}


function isoLocal(clockS: number): string {
  return new Date(Math.round(clockS) * 1000).toISOString().slice(0, 19);
}

/** Where the clock is, and how it was found. */
export interface ClockLocation {
  region: NormBox | null;
  regionFrom: 'config' | 'search' | null;
  /** Whole frames read looking for it. */
  searches: number;
}

/**
 * Finds the clock before the decode pass, so the pass can cut just its region out of every frame: reads
 * whole frames (taken by `frameAt`) every `searchEveryS` from the start until a line reads as a clock.
 */
export async function locateClock(
  ocr: OcrEngineLike,
  frameAt: (t: number) => Promise<RgbImage>,
  config: ClockConfig,
  durationS: number,
  signal?: AbortSignal,
): Promise<ClockLocation> {
  if (config.region === 'off') return { region: null, regionFrom: null, searches: 0 };
  if (typeof config.region === 'object') return { region: config.region, regionFrom: 'config', searches: 0 };
  let searches = 0;
  for (let t = 0; searches < config.maxSearches && t <= Math.max(0, durationS - 0.5); t += config.searchEveryS) {
    signal?.throwIfAborted();
    searches++;
    let frame: RgbImage;
    try {
      frame = await frameAt(t);
    } catch (err) {
      // A frame that cannot be decoded (a damaged file: the integrity pass locates such spans) is skipped;
      // the search goes on at the next time, never fails the analysis.
      if (signal?.aborted) throw err;
      continue;
    }
    const area = toPixels(config.searchArea, frame.width, frame.height);
    const img = area.w === frame.width && area.h === frame.height ? frame : cropRgb(frame.rgb, frame.width, frame.height, area);
    const found = findClockLine(await ocr.readLines(img.rgb, img.width, img.height, signal ? { signal } : undefined));
    if (!found || found.line.score < config.minScore) continue;
    const shifted: OcrLineLike = { ...found.line, box: found.line.box.map(([x, y]) => [x + area.x, y + area.y] as [number, number]) };
    return { region: clockRegionAround(shifted, frame.width, frame.height, config.searchPad), regionFrom: 'search', searches };
  }
  return { region: null, regionFrom: null, searches };
}

/** The line's box widened by half its height on each side (clipped): room for the digits to change width. */
function roomyLine(box: Point[], width: number, height: number): Point[] {
  const b = quadBounds(box);
  const h = b.y1 - b.y0;
  const x0 = Math.max(0, b.x0 - h / 2);
  const x1 = Math.min(width - 1, b.x1 + h / 2);
  const y0 = Math.max(0, b.y0 - h / 8);
  const y1 = Math.min(height - 1, b.y1 + h / 8);
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];
}

/**
 * Reads the clock from crops of its region as they are decoded (`onCrop`, every frame of the clock tap): one
 * every `everyS`, sooner (`confirmS`) when a reading needs a second to confirm it, keeping the crops in
 * between for placing a jump. Once a reading has found the clock's line, later ones only recognise that
 * line (no detection) when the engine can; a failed quick read falls back to a full one.
 */
export class ClockReader {
  private readonly region: NormBox | null;
  private readonly regionFrom: 'config' | 'search' | null;
  private readonly searches: number;
  private nextReadT = 0;
  private attempts = 0;
  private outliers = 0;
  private ocrCalls = 0;
  private quickReads = 0;
  private glyphReads = 0;
  private readonly glyphs: ClockGlyphs | null;
  /** The clock's line in crop pixels (widened), once a full read has found it. */
  private line: Point[] | null = null;
  /** The box the detector gave that line (where the print is, for learning the digits' cells). */
  private lineBox: Point[] | null = null;
  private readonly readings: ClockReading[] = [];
  /** Every reading, including those set aside, for the stall and coverage summary. */
  private readonly all: ClockReading[] = [];
  /** Crops since a little before the reference reading: [t, crop]. */
  private ring: { t: number; crop: RgbImage }[] = [];
  private ref: ClockReading | null = null;
  private candidate: ClockReading | null = null;
  /** The last reading that agreed with the reference (where a jump search starts). */
  private lastGood: ClockReading | null = null;
  private readonly jumps: ClockJump[] = [];
  /** Readings since the last jump (one offset). */
  private segment: ClockReading[] = [];
  private lastT = 0;

  constructor(
    private readonly ocr: OcrEngineLike,
    readonly config: ClockConfig = DEFAULT_CLOCK_CONFIG,
    location: ClockLocation = { region: typeof config.region === 'object' ? config.region : null, regionFrom: typeof config.region === 'object' ? 'config' : null, searches: 0 },
    private readonly signal?: AbortSignal,
  ) {
    this.region = location.region;
    this.regionFrom = location.regionFrom;
    this.searches = location.searches;
    this.glyphs = config.glyphs === 'off' ? null : new ClockGlyphs(config.glyphs);
  }

  get calls(): number {
    return this.ocrCalls;
  }

  /** One decoded crop of the clock's region (the whole image is the region). */
  async onCrop(frame: { t: number; width: number; height: number; data: Buffer }): Promise<void> {
    const c = this.config;
    this.lastT = Math.max(this.lastT, frame.t);
    if (c.region === 'off' || !this.region) return;
    const crop: RgbImage = { width: frame.width, height: frame.height, rgb: frame.data };
    // Keep the crops since the last agreeing reading: a confirmed jump lies after it.
    this.ring.push({ t: frame.t, crop });
    const keepFrom = Math.max(Math.min(this.lastGood?.t ?? frame.t, this.candidate?.t ?? frame.t), frame.t - this.keepS());
    // Bounded in time when the clock stops reading for long: a jump found after that is placed less finely.
    if (this.ring[0]!.t < keepFrom) this.ring = this.ring.filter((r) => r.t >= keepFrom);
    if (frame.t + 1e-6 < this.nextReadT) return;
    this.attempts++;
    const ref = this.ref;
    // Only a reading that keeps the reference offset may skip the OCR; anything else is the model's to say.
    const read = await this.readCrop(frame.t, crop, ref ? (offsetS) => Math.abs(offsetS - ref.offsetS) < c.jumpMinS : null);
    const reading = read?.reading ?? null;
    if (read && reading) {
      await this.take(reading);
      // The digits' look is learnt from OCR readings the reader went on to trust.
      if (read.line && this.glyphs && this.readings.at(-1) === reading) this.glyphs.learn(crop, read.line, digitsOf(reading.clockS));
    }
    // A reading waiting for a second one to agree (the first, or one off the reference) is checked soon; so
    // is a clock that failed to read (a passing hand) until it has gone unread for maxUnreadS, after which it
    // is tried at the usual spacing (a clock hidden for long costs no more than a visible one).
    const unreadS = frame.t - (this.all.at(-1)?.t ?? 0);
    const soon = this.candidate !== null || (!reading && unreadS < c.maxUnreadS);
    this.nextReadT = frame.t + (soon ? Math.min(c.confirmS, c.everyS) : c.everyS);
  }

  /** Ends reading; summarises what was read. */
  finish(): ClockSummary {
    const c = this.config;
    const base = { region: this.region, regionFrom: this.regionFrom, attempts: this.attempts, readings: this.readings.length, outliers: this.outliers, quickReads: this.quickReads, glyphReads: this.glyphReads };
    if (c.region === 'off') return { status: 'off', reason: 'clock reading is off', ...base, jumps: [], stalls: [], unread: [], series: [] };
    if (!this.region) {
      return { status: 'not_found', reason: `no clock (YYYY-MM-DD HH:MM:SS) found in ${this.searches} frame(s) searched`, ...base, jumps: [], stalls: [], unread: [], series: [] };
    }
    const readings = this.readings;
    const first = readings[0];
    const unread: { from: number; to: number }[] = [];
    let prevT = 0;
    for (const r of [...readings, { t: this.lastT }]) {
      if (r.t - prevT > c.maxUnreadS) unread.push({ from: round(prevT, 2), to: round(r.t, 2) });
      prevT = r.t;
    }
    const share = this.attempts ? readings.length / this.attempts : 0;
    let status: ClockStatus = 'ok';
    let reason: string | undefined;
    if (readings.length < c.minReadings || share < c.minReadShare) {
      status = 'unreadable';
      reason = `clock read in ${readings.length} of ${this.attempts} attempts (need ≥ ${c.minReadings} and ≥ ${Math.round(c.minReadShare * 100)} %)`;
    } else if (unread.length) {
      status = 'partial';
      reason = `no clock reading for ${unread.map((u) => `${u.from}–${u.to} s`).join(', ')}`;
    }
    return {
      status,
      ...(reason ? { reason } : {}),
      ...base,
      ...(first ? { clockAtStart: isoLocal(first.offsetS) } : {}),
      jumps: this.jumps,
      stalls: stallsOf(this.all, c),
      unread,
      series: first ? readings.map((r) => [round(r.t, 2), round(r.offsetS - first.offsetS, 2)] as [number, number]) : [],
    };
  }

  /** Seconds of crops kept at most: two reading intervals and a confirmation. */
  private keepS(): number {
    return 2 * this.config.everyS + this.config.confirmS + 1;
  }

  /**
   * Reads one crop: by the digits' learnt look when that gives an offset `expected` accepts, else by
   * recognising the known line, else by a full OCR read. `line` is the OCR line read (absent for glyphs).
   */
  private async readCrop(t: number, crop: RgbImage, expected: ((offsetS: number) => boolean) | null): Promise<{ reading: ClockReading; line?: OcrLineLike } | null> {
    const opts = this.signal ? { signal: this.signal } : undefined;
    const minScore = this.config.minScore;
    if (expected && this.glyphs?.ready) {
      const digits = this.glyphs.read(crop);
      const parsed = digits ? parseClock(clockOfDigits(digits)) : null;
      if (parsed && expected(parsed.clockS - t)) {
        this.glyphReads++;
        return { reading: { t, clockS: parsed.clockS, offsetS: parsed.clockS - t, score: 1 } };
      }
    }
    if (this.line && this.ocr.recognize) {
      this.ocrCalls++;
      const [line] = await this.ocr.recognize(crop.rgb, crop.width, crop.height, [{ box: this.line, detScore: 1 }], opts);
      const parsed = line && line.score >= minScore ? parseClock(line.text) : null;
      if (line && parsed) {
        this.quickReads++;
        return { reading: { t, clockS: parsed.clockS, offsetS: parsed.clockS - t, score: line.score }, line: { ...line, box: this.lineBox ?? line.box } };
      }
    }
    this.ocrCalls++;
    const found = findClockLine(await this.ocr.readLines(crop.rgb, crop.width, crop.height, opts));
    if (!found || found.line.score < minScore) return null;
    this.line = roomyLine(found.line.box, crop.width, crop.height);
    this.lineBox = found.line.box;
    return { reading: { t, clockS: found.parsed.clockS, offsetS: found.parsed.clockS - t, score: found.line.score }, line: found.line };
  }

  private async take(r: ClockReading): Promise<void> {
    const c = this.config;
    this.all.push(r);
    if (!this.ref) {
      // The first reading is trusted only once the next one agrees.
      if (this.candidate && Math.abs(r.offsetS - this.candidate.offsetS) < c.agreeS) {
        this.readings.push(this.candidate, r);
        this.segment = [this.candidate, r];
        this.ref = r;
        this.lastGood = r;
        this.candidate = null;
      } else {
        if (this.candidate) this.outliers++;
        this.candidate = r;
      }
      return;
    }
    const d = r.offsetS - this.ref.offsetS;
    if (Math.abs(d) < c.jumpMinS) {
      // Agrees with the reference (within the clock's resolution): a pending odd reading was an outlier.
      if (this.candidate) this.outliers++;
      this.candidate = null;
      this.readings.push(r);
      this.segment.push(r);
      this.ref = r;
      this.lastGood = r;
      return;
    }
    if (this.candidate && Math.abs(r.offsetS - this.candidate.offsetS) < c.agreeS) {
      const before = this.lastGood ?? this.ref;
      // The clock shows whole seconds: average the offsets on each side for the size of the jump.
      const mean = (xs: ClockReading[]): number => xs.reduce((a, x) => a + x.offsetS, 0) / xs.length;
      const jumpS = mean([this.candidate, r]) - mean(this.segment.slice(-3));
      const jump = await this.place(before, this.candidate, jumpS);
      this.jumps.push(jump);
      this.readings.push(this.candidate, r);
      this.segment = [this.candidate, r];
      this.ref = r;
      this.lastGood = r;
      this.candidate = null;
      return;
    }
    if (this.candidate) this.outliers++;
    this.candidate = r;
  }

  /** Bisects the kept crops between the last reading with the old offset and the first with the new one. */
  private async place(before: ClockReading, after: ClockReading, jumpS: number): Promise<ClockJump> {
    const between = this.ring.filter((x) => x.t > before.t && x.t < after.t);
    const newOffset = after.offsetS;
    let lo = -1; // index into `between` known old (−1 = `before`)
    let hi = between.length; // known new (= `after`)
    let refined = between.length === 0;
    const agreeS = this.config.agreeS;
    const eitherSide = (offsetS: number): boolean => Math.abs(offsetS - newOffset) < agreeS || Math.abs(offsetS - before.offsetS) < agreeS;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const x = between[mid]!;
      const r = (await this.readCrop(x.t, x.crop, eitherSide))?.reading;
      if (r && Math.abs(r.offsetS - newOffset) < this.config.agreeS) hi = mid;
      else if (r && Math.abs(r.offsetS - before.offsetS) < this.config.agreeS) lo = mid;
      else break; // unreadable in between: keep the bracket found so far
      refined = hi - lo <= 1;
    }
    const at = hi < between.length ? between[hi]!.t : after.t;
    return { at: round(at, 2), jumpS: Math.round(jumpS), before: round(before.t, 2), after: round(after.t, 2), refined };
  }
}

/** The 14 digits of a clock time (seconds as read, local time kept as UTC). */
function digitsOf(clockS: number): string {
  return new Date(Math.round(clockS) * 1000).toISOString().slice(0, 19).replace(/\D/g, '');
}

/** `YYYY-MM-DD HH:MM:SS` from the 14 digits. */
function clockOfDigits(d: string): string {
  if (d.length !== CLOCK_DIGITS) return '';
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)} ${d.slice(8, 10)}:${d.slice(10, 12)}:${d.slice(12, 14)}`;
}

/** Runs of consecutive readings showing the same clock while media time advanced. */
function stallsOf(readings: ClockReading[], c: ClockConfig): ClockStall[] {
  const out: ClockStall[] = [];
  for (let i = 1; i < readings.length; i++) {
    const a = readings[i - 1]!;
    const b = readings[i]!;
    const stood = b.clockS - a.clockS <= (b.t - a.t) - c.jumpMinS && b.clockS - a.clockS >= 0;
    if (!stood) continue;
    const last = out.at(-1);
    if (last && Math.abs(last.to - a.t) < 1e-6) last.to = round(b.t, 2);
    else out.push({ from: round(a.t, 2), to: round(b.t, 2) });
  }
  return out;
}

/** Clock jumps as evidence defects (the labelled `clock_jump` shape with reason and measurements). */
export function clockDefects(summary: ClockSummary): EvidenceDefect[] {
  return summary.jumps.map((j) => ({
    type: 'clock_jump',
    at: j.at,
    jumpS: j.jumpS,
    reason:
      `the burned-in clock jumps ${j.jumpS > 0 ? '+' : ''}${j.jumpS} s against media time: read at ${j.before} s with the old offset, ` +
      `at ${j.after} s and after with the new one${j.refined ? `; first frame showing the new time at ${j.at} s` : ''}`,
    source: 'picture',
    detail: { jumpS: j.jumpS, before: j.before, after: j.after, refined: j.refined },
  }));
}
