// OCR: the pure parts (ONNX metadata reader, CTC decoding, box geometry, DB post-processing) on synthetic
// inputs, then PP-OCRv6 small on Chinese document lines and a recorder clock rendered with ffmpeg drawtext
// (WenQuanYi Zen Hei): clean, rotated ±10°, blurred, JPEG-degraded and 360p-size variants, with the
// character error rate of each case printed as a diagnostic. Runs `python3 scripts/prepare-models.py`
// first when the model files are missing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureModels } from '../helpers/models';

import { runFfmpegToBuffer } from '../../media/ffmpeg';
import { charsetFromMetadata, ctcGreedyDecode, type Charset } from '../../models/ocr/ctc';
import { binarize, components, dbBoxes, unclipDistance } from '../../models/ocr/db';
import { applyHomography, convexHull, homography, insideConvex, minAreaRect, rectCorners, warpQuad } from '../../models/ocr/geometry';
import { onnxMetadata } from '../../models/ocr/onnx-metadata';
import { PpOcrEngine, readingOrder } from '../../models/ocr/ppocr';
import { detInputSize } from '../../models/ocr/resize';
import type { OcrLine, Point } from '../../models/ocr/types';
import { loadModelFile } from '../../models/registry';

const FONT = '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc';

// ---------------------------------------------------------------------------------------------------------
// Pure parts

/** A protobuf varint. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

function lengthDelimited(field: number, bytes: Uint8Array | number[]): number[] {
  return [...varint(field * 8 + 2), ...varint(bytes.length), ...bytes];
}

function metadataEntry(key: string, value: string): number[] {
  const enc = new TextEncoder();
  return lengthDelimited(14, [...lengthDelimited(1, enc.encode(key)), ...lengthDelimited(2, enc.encode(value))]);
}

/** Probabilities for a CTC test: one row per step, `picks[t]` gets `p`, the rest share 1 − p. */
function ctcRows(picks: number[], classes: number, p = 0.9): Float32Array {
  const out = new Float32Array(picks.length * classes).fill((1 - p) / (classes - 1));
  picks.forEach((k, t) => (out[t * classes + k] = p));
  return out;
}

function rotatedRectPoints(cx: number, cy: number, w: number, h: number, angleDeg: number): Point[] {
  const a = (angleDeg * Math.PI) / 180;
  const pts: Point[] = [];
  for (let u = -w / 2; u <= w / 2; u += 0.5) {
    for (let v = -h / 2; v <= h / 2; v += 0.5) pts.push([cx + u * Math.cos(a) - v * Math.sin(a), cy + u * Math.sin(a) + v * Math.cos(a)]);
  }
  return pts;
}

function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} not within ${tol} of ${expected}`);
}

describe('ONNX metadata reader', () => {
  it('reads metadata_props entries and skips the other top-level fields', () => {
    const bytes = Uint8Array.from([
      ...varint(1 * 8 + 0), ...varint(10), // ir_version
      ...lengthDelimited(2, new TextEncoder().encode('producer')),
      ...lengthDelimited(7, new Uint8Array(300).fill(7)), // a "graph"
      ...[8 * 9 + 5, 1, 2, 3, 4], // a fixed32 field
      ...metadataEntry('character', '甲\n乙\n丙'),
      ...metadataEntry('other', 'x'),
    ]);
    const meta = onnxMetadata(bytes);
    assert.deepEqual([...meta.entries()], [['character', '甲\n乙\n丙'], ['other', 'x']]);
  });

  it('rejects truncated input', () => {
    const bytes = Uint8Array.from(metadataEntry('k', 'value')).subarray(0, 6);
    assert.throws(() => onnxMetadata(bytes), /protobuf/);
  });
});

describe('CTC greedy decoding', () => {
  // classes: blank, 保, 险, 1, 0, space
  const charset: Charset = charsetFromMetadata('保\n险\n1\n0', 6);
  const [B, BAO, XIAN, ONE, ZERO, SP] = [0, 1, 2, 3, 4, 5];

  it('builds the class table from the metadata, with a trailing space class when there is room for it', () => {
    assert.deepEqual(charset.classes, ['', '保', '险', '1', '0', ' ']);
    assert.deepEqual(charsetFromMetadata('保\n险\n', 3).classes, ['', '保', '险']);
    assert.throws(() => charsetFromMetadata('保\n险', 7), /does not fit/);
    assert.throws(() => charsetFromMetadata('保\n\n险', 5), /empty entry/);
  });

  it('merges repeats, drops blanks, keeps doubled characters separated by a blank', () => {
    const picks = [B, BAO, BAO, XIAN, B, ONE, ONE, B, ONE, ZERO, ZERO, B];
    const d = ctcGreedyDecode(ctcRows(picks, 6), picks.length, charset);
    assert.equal(d.text, '保险110');
    assert.deepEqual(d.chars.map((c) => c.step), [1, 3, 5, 8, 9]);
    near(d.score, 0.9, 1e-6, 'score');
  });

  it('scores by the mean probability of the kept characters and trims outer spaces', () => {
    const probs = ctcRows([SP, BAO, B, SP, XIAN, SP], 6);
    probs[4 * 6 + XIAN] = 0.5; // 险 read with 0.5
    const d = ctcGreedyDecode(probs, 6, charset);
    assert.equal(d.text, '保 险');
    near(d.score, (0.9 + 0.9 + 0.5) / 3, 1e-6, 'score');
  });

  it('reads nothing from all-blank steps, and decodes one line of a batch at an offset', () => {
    assert.deepEqual(ctcGreedyDecode(ctcRows([B, B, B], 6), 3, charset), { text: '', score: 0, chars: [] });
    const batch = new Float32Array([...ctcRows([BAO, B], 6), ...ctcRows([XIAN, ZERO], 6)]);
    assert.equal(ctcGreedyDecode(batch, 2, charset, 12).text, '险0');
    assert.throws(() => ctcGreedyDecode(batch, 3, charset, 12), RangeError);
  });
});

describe('box geometry', () => {
  it('convex hull drops inner and collinear points', () => {
    const hull = convexHull([[0, 0], [2, 0], [4, 0], [4, 3], [0, 3], [2, 1], [1, 2]]);
    assert.deepEqual(new Set(hull.map((p) => p.join(','))), new Set(['0,0', '4,0', '4,3', '0,3']));
  });

  for (const angle of [0, 10, -10, 30, 80]) {
    it(`minAreaRect recovers a ${angle}° rectangle, corners in reading order`, () => {
      const r = minAreaRect(rotatedRectPoints(100, 50, 60, 20, angle));
      near(r.centre[0], 100, 1e-6, 'cx');
      near(r.centre[1], 50, 1e-6, 'cy');
      near(Math.max(r.width, r.height), 60, 1e-6, 'long side');
      near(Math.min(r.width, r.height), 20, 1e-6, 'short side');
      const [tl, tr, br, bl] = rectCorners(r);
      // Reading direction: the side nearer to horizontal, left to right; "down" has positive y.
      assert.ok(tr![0] > tl![0] && br![0] > bl![0], `left to right: ${JSON.stringify([tl, tr, br, bl])}`);
      assert.ok(bl![1] > tl![1] && br![1] > tr![1], `top to bottom: ${JSON.stringify([tl, tr, br, bl])}`);
      const across = Math.hypot(tr![0] - tl![0], tr![1] - tl![1]);
      near(across, Math.abs(angle) <= 45 ? 60 : 20, 1e-6, 'top edge length');
    });
  }

  it('point in convex polygon, either winding, boundary included', () => {
    const sq: Point[] = [[0, 0], [4, 0], [4, 4], [0, 4]];
    assert.ok(insideConvex(sq, 2, 2) && insideConvex(sq, 4, 2) && !insideConvex(sq, 4.1, 2));
    assert.ok(insideConvex([...sq].reverse(), 1, 3));
  });

  it('homography maps the four corners and warps a rotated quad back to a rectangle', () => {
    const quad: Point[] = [[10, 5], [50, 12], [46, 30], [8, 25]];
    const h = homography([[0, 0], [40, 0], [40, 20], [0, 20]], quad);
    for (const [i, uv] of ([[0, 0], [40, 0], [40, 20], [0, 20]] as Point[]).entries()) {
      const [x, y] = applyHomography(h, uv[0], uv[1]);
      near(x, quad[i]![0], 1e-9, 'x');
      near(y, quad[i]![1], 1e-9, 'y');
    }
    // A frame whose red channel is x and green is y: the warp samples the quad's interior.
    const W = 64;
    const H = 40;
    const rgb = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) rgb.set([x, y, 200], (y * W + x) * 3);
    // 2× reduction: output pixel 0 covers x 10–12 (pixel centres at integers), sampled at 10.5 and 11.5.
    const out = warpQuad(rgb, W, H, [[10, 10], [50, 10], [50, 30], [10, 30]], 20, 10);
    near(out[0]!, 11, 1e-4, 'first pixel x');
    near(out[1]!, 11, 1e-4, 'first pixel y');
    near(out[(9 * 20 + 19) * 3]!, 49, 1e-4, 'last pixel x');
    near(out[(9 * 20 + 19) * 3 + 1]!, 29, 1e-4, 'last pixel y');
    near(out[2]!, 200, 1e-4, 'blue');
  });

  it('reading order: top to bottom, same line left to right', () => {
    const box = (x: number, y: number): { box: Point[] } => ({ box: [[x, y], [x + 50, y], [x + 50, y + 20], [x, y + 20]] });
    const items = [box(200, 103), box(0, 50), box(100, 100), box(0, 98)];
    assert.deepEqual(readingOrder(items).map((b) => b.box[0]), [[0, 50], [0, 98], [100, 100], [200, 103]]);
  });

  it('detector input: long side capped, sides multiples of 32, never enlarged', () => {
    assert.deepEqual(detInputSize(1280, 720, 960), { w: 960, h: 544 });
    assert.deepEqual(detInputSize(640, 360, 960), { w: 640, h: 352 });
    assert.deepEqual(detInputSize(1920, 1080, 960), { w: 960, h: 544 });
    assert.deepEqual(detInputSize(20, 10, 960), { w: 32, h: 32 });
  });
});

describe('DB post-processing', () => {
  const W = 200;
  const H = 100;
  function map(fill: (x: number, y: number) => number): Float32Array {
    const prob = new Float32Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) prob[y * W + x] = fill(x, y);
    return prob;
  }

  it('binarizes with a 2×2 dilation towards the bottom-right and labels 8-connected components', () => {
    const prob = new Float32Array(5 * 4);
    prob[1 * 5 + 1] = 0.9;
    prob[2 * 5 + 2] = 0.9; // diagonal neighbour: one component
    prob[0 * 5 + 4] = 0.31;
    const plain = binarize(prob, 5, 4, 0.3, false);
    assert.equal(plain.reduce((s, v) => s + v, 0), 3);
    assert.equal(components(plain, 5, 4).length, 2);
    const dilated = binarize(prob, 5, 4, 0.3, true);
    assert.equal(dilated[2 * 5 + 1], 1);
    assert.equal(dilated[3 * 5 + 3], 1);
    assert.equal(dilated[0 * 5 + 0], 0);
  });

  it('turns a core into its rectangle grown by the unclip distance, scored by the mean probability', () => {
    // Core: x 40..119, y 40..55 at 0.9 (pixel centres span 79 × 15).
    const prob = map((x, y) => (x >= 40 && x < 120 && y >= 40 && y < 56 ? 0.9 : 0.01));
    const boxes = dbBoxes(prob, W, H, { dilate: false });
    assert.equal(boxes.length, 1);
    const b = boxes[0]!;
    near(b.score, 0.9, 1e-6, 'score');
    const d = unclipDistance(79, 15, 1.6);
    near(d, (79 * 15 * 1.6) / (2 * 94), 1e-9, 'unclip distance');
    const [tl, tr, br, bl] = b.corners;
    near(tl![0], 40 - d, 1e-6, 'left');
    near(tl![1], 40 - d, 1e-6, 'top');
    near(br![0], 119 + d, 1e-6, 'right');
    near(br![1], 55 + d, 1e-6, 'bottom');
    near(tr![1], tl![1], 1e-9, 'level top');
    near(bl![0], tl![0], 1e-9, 'upright left');
  });

  it('follows a rotated core, keeps separate lines separate, drops weak and tiny blobs', () => {
    const a = (12 * Math.PI) / 180;
    const inRotated = (x: number, y: number): boolean => {
      const u = (x - 70) * Math.cos(a) + (y - 30) * Math.sin(a);
      const v = -(x - 70) * Math.sin(a) + (y - 30) * Math.cos(a);
      return Math.abs(u) <= 40 && Math.abs(v) <= 6;
    };
    const prob = map((x, y) => {
      if (inRotated(x, y)) return 0.95;
      if (x >= 20 && x < 180 && y >= 70 && y < 80) return 0.8; // second line
      if (x >= 150 && x < 190 && y >= 10 && y < 25) return 0.4; // above the binary threshold, below the box threshold
      if (x >= 5 && x < 7 && y >= 90 && y < 92) return 0.99; // 2 px speck
      return 0;
    });
    const boxes = dbBoxes(prob, W, H);
    assert.equal(boxes.length, 2, JSON.stringify(boxes.map((b) => b.corners)));
    const rotated = boxes.find((b) => b.rect.centre[1] < 50)!;
    const [tl, tr] = rectCorners(rotated.rect);
    near((Math.atan2(tr![1] - tl![1], tr![0] - tl![0]) * 180) / Math.PI, 12, 1.5, 'angle');
    // The dilation adds a row and a column of map pixels outside the core to each box: its score is a little
    // below the core's probability (10/11 rows of 0.8 for the second line); undilated, it is the core's.
    near(boxes.find((b) => b.rect.centre[1] > 50)!.score, (0.8 * 10) / 11, 0.01, 'dilated score');
    const plain = dbBoxes(prob, W, H, { dilate: false }).map((b) => b.score).sort();
    assert.deepEqual(plain.map((v) => v.toFixed(3)), ['0.800', '0.950']);
  });

  it('finds nothing in an empty or flat low map', () => {
    assert.deepEqual(dbBoxes(new Float32Array(W * H), W, H), []);
    assert.deepEqual(dbBoxes(map(() => 0.2), W, H), []);
  });
});

// ---------------------------------------------------------------------------------------------------------
// PP-OCRv6 on rendered documents

interface DocLine {
  text: string;
  size: number;
  color: string;
  x: number;
  y: number;
}

const CERT_NO = '02000132010080002345';
const ID_NO = '11010519491231002X';
const CLOCK = '2026-03-18 09:02:17';
const DOC: DocLine[] = [
  { text: '保险执业证', size: 56, color: '0xb01818', x: 480, y: 120 },
  { text: `执业证号：${CERT_NO}`, size: 36, color: 'black', x: 200, y: 230 },
  { text: '明诚人寿保险股份有限公司', size: 36, color: 'black', x: 200, y: 300 },
  { text: '投保提示书', size: 40, color: '0x202060', x: 200, y: 370 },
  { text: '犹豫期十五天', size: 36, color: 'black', x: 200, y: 440 },
  { text: `身份证号：${ID_NO}`, size: 36, color: 'black', x: 200, y: 510 },
];
const EXPECTED = [...DOC.map((l) => l.text), CLOCK];
const DESK = '0x5a6878';

interface Variant {
  /** Filters applied to the document (paper and text) before the clock is burned in. */
  doc?: string[];
  /** Filters after the clock (the whole picture). */
  post?: string[];
  /** Output size (the 1280×720 picture scaled with an area filter). */
  size?: [number, number];
  /** Document scale on the 1280×720 canvas (text sizes shrink with it). */
  docScale?: number;
  /** JPEG round trip at this ffmpeg qscale (2 best … 31 worst). */
  jpegQ?: number;
  /** Largest CER accepted. */
  maxCer: number;
  /** Exact reads of the digit strings (and the clock) required. */
  exact?: boolean;
}

const VARIANTS: Record<string, Variant> = {
  clean: { maxCer: 0, exact: true },
  'rotated +10°': { doc: [`rotate=10*PI/180:fillcolor=${DESK}`], maxCer: 0.02 },
  'rotated −10°': { doc: [`rotate=-10*PI/180:fillcolor=${DESK}`], maxCer: 0.02 },
  'blur σ2': { post: ['gblur=sigma=2'], maxCer: 0.02 },
  'blur σ3 + JPEG q20': { post: ['gblur=sigma=3'], jpegQ: 20, maxCer: 0.1 },
  'JPEG q31 (worst)': { jpegQ: 31, maxCer: 0.02 },
  '360p': { size: [640, 360], maxCer: 0, exact: true },
  '360p, text 9–14 px': { size: [640, 360], docScale: 0.5, maxCer: 0.05 },
  '360p, text 10–15 px, rotated −8°, blur, JPEG q12': {
    size: [640, 360],
    docScale: 0.55,
    doc: [`rotate=-8*PI/180:fillcolor=${DESK}`],
    post: ['gblur=sigma=1'],
    jpegQ: 12,
    maxCer: 0.1,
  },
};

let tmp = '';
let files = 0;
function textFile(text: string): string {
  const f = path.join(tmp, `t${files++}.txt`);
  fs.writeFileSync(f, text);
  return f;
}

function drawtext(text: string, opts: string): string {
  return `drawtext=fontfile=${FONT}:textfile=${textFile(text)}:${opts}`;
}

async function renderDocument(v: Variant): Promise<{ rgb: Buffer; width: number; height: number }> {
  const k = v.docScale ?? 1;
  const [width, height] = v.size ?? [1280, 720];
  const r = (n: number): number => Math.round(n * k);
  const filters = [
    `drawbox=x=${r(140)}:y=${r(80)}:w=${r(1000)}:h=${r(560)}:color=0xf4f1e8:t=fill`,
    ...DOC.map((l) => drawtext(l.text, `fontsize=${r(l.size)}:fontcolor=${l.color}:x=${r(l.x)}:y=${r(l.y)}`)),
    ...(v.doc ?? []),
    drawtext(CLOCK, 'fontsize=28:fontcolor=white:borderw=2:bordercolor=black:x=w-tw-24:y=20'),
    ...(v.post ?? []),
    `scale=${width}:${height}:flags=area`,
  ];
  let rgb = await runFfmpegToBuffer(['-v', 'error', '-f', 'lavfi', '-i', `color=c=${DESK}:s=1280x720:d=1`, '-vf', filters.join(','), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { ownFiles: true });
  if (v.jpegQ) {
    const jpeg = await runFfmpegToBuffer(['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', 'pipe:0', '-frames:v', '1', '-q:v', String(v.jpegQ), '-f', 'mjpeg', 'pipe:1'], { ownFiles: true, stdin: rgb });
    rgb = await runFfmpegToBuffer(['-v', 'error', '-f', 'mjpeg', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { ownFiles: true, stdin: jpeg });
  }
  assert.equal(rgb.length, width * height * 3);
  return { rgb, width, height };
}

function levenshtein(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const row = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (x[i - 1] === y[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[y.length]!;
}

/** Compared without whitespace and with full-width forms folded (NFKC: '：' = ':'). */
const fold = (s: string): string => s.normalize('NFKC').replace(/\s+/g, '');

/**
 * Character error rate of the expected lines: each expected line against its best-matching line read
 * (edits / characters, summed over lines). A missed line counts all its characters, two lines read as one
 * count the other line's characters as insertions.
 */
function cer(expected: string[], read: OcrLine[]): number {
  let edits = 0;
  let chars = 0;
  for (const e of expected) {
    const fe = fold(e);
    chars += [...fe].length;
    edits += Math.min([...fe].length, ...read.map((l) => levenshtein(fe, fold(l.text))));
  }
  return edits / chars;
}


describe('PP-OCRv6 small', () => {
  let engine: PpOcrEngine;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-ocr-'));
    await ensureModels();
    engine = await PpOcrEngine.load();
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('is loaded once per process; the character list comes from the recognizer metadata', async () => {
    assert.equal(await PpOcrEngine.load(), engine);
    const meta = onnxMetadata(await loadModelFile('ppocr_rec'));
    const chars = meta.get('character')!.split('\n');
    assert.equal(chars.length, 18708);
    assert.equal(engine.charset.classes.length, 18710);
    assert.equal(engine.charset.classes[0], '');
    assert.equal(engine.charset.classes[18709], ' ');
    for (const ch of '保险执业证号：明诚人寿股份有限公司投保提示书犹豫期十五天0123456789X-:') assert.ok(engine.charset.classes.includes(ch), ch);
  });

  for (const [name, v] of Object.entries(VARIANTS)) {
    it(`reads the document and the clock: ${name}`, async (t) => {
      const { rgb, width, height } = await renderDocument(v);
      const lines = await engine.readLines(rgb, width, height);
      const rate = cer(EXPECTED, lines);
      const timing = engine.lastTimings!;
      t.diagnostic(
        `${name}: CER ${rate.toFixed(3)}; det ${timing.detMs.toFixed(0)} ms at ${timing.detInput.w}×${timing.detInput.h}, ` +
          `rec ${(timing.recMs / Math.max(1, timing.lines)).toFixed(0)} ms/line; ` +
          lines.map((l) => `${l.text} (${l.score.toFixed(3)})`).join(' | '),
      );
      assert.ok(rate <= v.maxCer, `${name}: CER ${rate.toFixed(3)} > ${v.maxCer}: ${lines.map((l) => l.text).join(' | ')}`);
      if (v.exact) {
        const texts = lines.map((l) => fold(l.text));
        for (const want of [CERT_NO, ID_NO]) assert.ok(texts.some((s) => s.includes(want)), `${want} in ${texts.join(' | ')}`);
        assert.ok(lines.some((l) => l.text === CLOCK), `clock ${CLOCK} read exactly: ${lines.map((l) => l.text).join(' | ')}`);
      }
      // Boxes stay in the frame and lines come in reading order.
      for (const l of lines) for (const [x, y] of l.box) assert.ok(x >= -0.5 && x <= width - 0.5 && y >= -0.5 && y <= height - 0.5);
    });
  }

  it('boxes hug the lines: the clock in the top-right corner, the title centred', async () => {
    const { rgb, width, height } = await renderDocument(VARIANTS.clean!);
    const lines = await engine.readLines(rgb, width, height);
    const clock = lines.find((l) => l.text === CLOCK)!;
    const xs = clock.box.map((p) => p[0]);
    const ys = clock.box.map((p) => p[1]);
    assert.ok(Math.min(...xs) > 900 && Math.max(...xs) < 1280 && Math.min(...ys) >= 5 && Math.max(...ys) < 70, JSON.stringify(clock.box));
    assert.equal(lines[0]!.text, CLOCK, 'top line first');
    const title = lines.find((l) => l.text === '保险执业证')!;
    const cx = title.box.reduce((s, p) => s + p[0], 0) / 4;
    near(cx, 480 + 140, 30, 'title centre x'); // 5 glyphs of 56 px from x = 480
  });

  it('reads nothing on blank and noisy frames', async () => {
    const blank = Buffer.alloc(640 * 360 * 3, 0xf0);
    assert.deepEqual(await engine.readLines(blank, 640, 360), []);
    const noise = await runFfmpegToBuffer(['-v', 'error', '-f', 'lavfi', '-i', `color=c=${DESK}:s=640x360:d=1`, '-vf', 'noise=alls=25:allf=t', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { ownFiles: true });
    const lines = await engine.readLines(noise, 640, 360);
    assert.deepEqual(lines.map((l) => l.text), []);
  });

  it('timing: detection at a 960 px long side, recognition per line', async (t) => {
    const { rgb, width, height } = await renderDocument(VARIANTS.clean!);
    await engine.readLines(rgb, width, height); // warm
    const runs = 3;
    let det = 0;
    let rec = 0;
    let lines = 0;
    for (let i = 0; i < runs; i++) {
      await engine.readLines(rgb, width, height);
      det += engine.lastTimings!.detMs;
      rec += engine.lastTimings!.recMs;
      lines += engine.lastTimings!.lines;
    }
    t.diagnostic(`PP-OCRv6 small, 1280×720 → det input 960×544: det ${(det / runs).toFixed(0)} ms, rec ${(rec / lines).toFixed(0)} ms/line (${lines / runs} lines, batches of 6)`);
    // What the title claims: the detector ran at a 960 px long side (multiples of 32), and every box it found
    // went through recognition (one line per box, the same boxes on every run).
    assert.deepEqual(engine.lastTimings!.detInput, { w: 960, h: 544 });
    const boxes = await engine.detect(rgb, width, height);
    assert.ok(boxes.length >= EXPECTED.length, `every line of the card was detected (${boxes.length} boxes for ${EXPECTED.length} lines)`);
    assert.equal(lines, boxes.length * runs, 'one recognition per detected box');
    assert.ok(det > 0 && rec > 0, `both stages were timed (det ${det} ms, rec ${rec} ms)`);
  });

  it('rejects a buffer that does not match the frame size, and honours an abort', async () => {
    await assert.rejects(engine.readLines(Buffer.alloc(10), 4, 4), RangeError);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(engine.readLines(Buffer.alloc(32 * 32 * 3), 32, 32, { signal: ac.signal }), { name: 'AbortError' });
  });
});
