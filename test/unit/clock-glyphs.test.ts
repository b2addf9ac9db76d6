// The burned-in clock read by its learnt digits (media/documents/clock-glyphs.ts): on clocks drawn by
// ffmpeg as a recorder draws them, read by the real PP-OCR engine, the reader must find exactly what it
// finds without the glyphs (same readings, same jumps), while the recognizer runs far less often.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { FONT_FILE } from '../../fixtures/scene';
import { ClockReader, DEFAULT_CLOCK_CONFIG, type ClockSummary } from '../../media/documents/clock';
import { inkRuns, otsu } from '../../media/documents/clock-glyphs';
import type { OcrEngineLike, RgbImage } from '../../media/documents/types';
import { runFfmpeg, runFfmpegToBuffer } from '../../media/ffmpeg';
import { loadOcrEngine } from '../../models/ocr';
import { ensureModels } from '../helpers/models';

const FPS = 4;
const EPOCH = Date.UTC(2026, 2, 18, 9, 2, 0) / 1000;

interface ClockClip {
  width: number;
  height: number;
  crops: Buffer[];
}

/**
 * A recorder's clock region, `seconds` long, as the decode's clock tap gives it (4 crops per second): white
 * digits on a half-transparent black box over a grey scene with moving noise, drawn at `fontPx`. From each
 * `jumps` entry on, the clock shows `jumpS` more.
 */
async function clockClip(dir: string, name: string, o: { seconds: number; fontPx: number; format: string; jumps: { at: number; jumpS: number }[]; widthEm?: number }): Promise<ClockClip> {
  const width = 2 * Math.round((o.fontPx * (o.widthEm ?? 13)) / 2);
  const height = 2 * Math.round((o.fontPx * 3) / 2);
  const starts = [0, ...o.jumps.map((j) => j.at)];
  const shifts = [0, ...o.jumps.map((_, i) => o.jumps.slice(0, i + 1).reduce((a, j) => a + j.jumpS, 0))];
  const draw = starts.map((from, i) => {
    const file = path.join(dir, `${name}-${i}.txt`);
    fs.writeFileSync(file, `%{pts:gmtime:${EPOCH + shifts[i]!}:${o.format}}`);
    const to = starts[i + 1];
    const enable = to === undefined ? `gte(t,${from})` : `between(t,${from},${to - 0.001})`;
    const border = Math.max(2, Math.round(o.fontPx / 4));
    return `drawtext=fontfile=${FONT_FILE}:textfile=${file}:fontsize=${o.fontPx}:fontcolor=white:box=1:boxcolor=black@0.4:boxborderw=${border}:x=w-tw-${o.fontPx}:y=${Math.round(o.fontPx * 0.9)}:enable='${enable}'`;
  });
  const media = path.join(dir, `${name}.mp4`);
  await runFfmpeg(['-v', 'error', '-f', 'lavfi', '-i', `color=c=0x8a9aa8:s=${width}x${height}:r=25:d=${o.seconds}`, '-vf', [...draw, 'noise=alls=6:allf=t'].join(','), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-y', media], { ownFiles: true });
  const raw = await runFfmpegToBuffer(['-v', 'error', '-i', media, '-vf', `fps=${FPS}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { ownFiles: true });
  const size = width * height * 3;
  const crops = Array.from({ length: Math.floor(raw.length / size) }, (_, i) => raw.subarray(i * size, (i + 1) * size));
  return { width, height, crops };
}

/** Counts the OCR engine's calls. */
function counted(ocr: OcrEngineLike): OcrEngineLike & { calls: number } {
  const c = {
    name: ocr.name ?? 'ocr',
    calls: 0,
    readLines: (rgb: Buffer, w: number, h: number) => {
      c.calls++;
      return ocr.readLines(rgb, w, h);
    },
    ...(ocr.recognize
      ? {
          recognize: (rgb: Buffer, w: number, h: number, boxes: Parameters<NonNullable<OcrEngineLike['recognize']>>[3]) => {
            c.calls++;
            return ocr.recognize!(rgb, w, h, boxes);
          },
        }
      : {}),
  };
  return c;
}

async function readClip(ocr: OcrEngineLike, clip: ClockClip, glyphs: boolean): Promise<{ summary: ClockSummary; calls: number }> {
  const engine = counted(ocr);
  const config = { ...DEFAULT_CLOCK_CONFIG, region: { x: 0, y: 0, w: 1, h: 1 }, ...(glyphs ? {} : { glyphs: 'off' as const }) };
  const reader = new ClockReader(engine, config);
  for (const [i, crop] of clip.crops.entries()) await reader.onCrop({ t: i / FPS, width: clip.width, height: clip.height, data: Buffer.from(crop) });
  return { summary: reader.finish(), calls: engine.calls };
}

describe('clock glyphs: finding the print', () => {
  it('splits a line into one ink run per character, leaving out rows of scene past the backing box', () => {
    // 40 × 12: scene (150) in rows 0–1, a dark box (60) below, three bright glyphs (230) 4 px wide.
    const width = 40;
    const height = 12;
    const rgb = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const glyph = y >= 3 && y < 10 && [6, 16, 26].some((x0) => x >= x0 && x < x0 + 4);
        rgb.fill(y < 2 ? 150 : glyph ? 230 : 60, (y * width + x) * 3, (y * width + x) * 3 + 3);
      }
    }
    const img: RgbImage = { width, height, rgb };
    assert.deepEqual(inkRuns(img, { x0: 0, y0: 0, x1: width, y1: height }), [
      [6, 10],
      [16, 20],
      [26, 30],
    ]);
    assert.ok(otsu(Float32Array.from([60, 60, 60, 230, 230])) > 60 && otsu(Float32Array.from([60, 60, 60, 230, 230])) < 230);
  });
});

describe('clock glyphs: a recorder clock read by PP-OCR', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-glyphs-'));
  let ocr: OcrEngineLike;
  before(async () => {
    await ensureModels();
    ocr = await loadOcrEngine();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // 26 px: the fixture recorder's clock at 720p; 13 px: at 360p.
  for (const fontPx of [26, 13]) {
    it(`at ${fontPx} px: the same readings and jumps as the OCR alone, with far fewer OCR calls`, async (t) => {
      const jumps = [
        { at: 50, jumpS: 197 },
        { at: 90, jumpS: -30 },
      ];
      const clip = await clockClip(dir, `clock-${fontPx}`, { seconds: 300, fontPx, format: '%Y-%m-%d %H\\:%M\\:%S', jumps });
      const plain = await readClip(ocr, clip, false);
      const fast = await readClip(ocr, clip, true);
      t.diagnostic(`OCR calls ${plain.calls} → ${fast.calls}; glyph readings ${fast.summary.glyphReads} of ${fast.summary.attempts} attempts`);
      assert.equal(plain.summary.status, 'ok', plain.summary.reason);
      assert.deepEqual(
        plain.summary.jumps.map((j) => [j.at, j.jumpS]),
        jumps.map((j) => [j.at, j.jumpS]),
      );
      assert.deepEqual(fast.summary.jumps, plain.summary.jumps);
      assert.equal(fast.summary.status, plain.summary.status);
      assert.deepEqual(fast.summary.series, plain.summary.series);
      assert.equal(fast.summary.outliers, plain.summary.outliers);
      assert.ok(fast.summary.glyphReads >= fast.summary.attempts / 2, `${fast.summary.glyphReads} glyph readings`);
      assert.ok(fast.calls < plain.calls / 2, `${fast.calls} OCR calls vs ${plain.calls}`);
    });
  }

  it('a clock with a Chinese date (年月日): the same readings and jump as the OCR alone', async (t) => {
    const clip = await clockClip(dir, 'clock-cjk', { seconds: 60, fontPx: 26, widthEm: 16, format: '%Y年%m月%d日 %H\\:%M\\:%S', jumps: [{ at: 30, jumpS: 64 }] });
    const plain = await readClip(ocr, clip, false);
    const fast = await readClip(ocr, clip, true);
    t.diagnostic(`status ${fast.summary.status}, glyph readings ${fast.summary.glyphReads}, jumps ${JSON.stringify(fast.summary.jumps)}`);
    assert.equal(plain.summary.status, 'ok', plain.summary.reason);
    assert.deepEqual(plain.summary.jumps.map((j) => [j.at, j.jumpS]), [[30, 64]]);
    assert.deepEqual(fast.summary.jumps, plain.summary.jumps);
    assert.deepEqual(fast.summary.series, plain.summary.series);
  });
});
