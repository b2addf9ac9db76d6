// The documents analyser: frame selection on synthetic grey frames (a card slides in, is held with a
// tremor, slides out, in front of a scene with static print on the wall), the keeper across both orders of
// tap arrival, classification and field extraction on OCR text (with OCR slips), the burned-in clock with a
// fake OCR engine, and the whole pass on synthetic frames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BestFrameKeeper } from '../../media/documents/keeper';
import { DEFAULT_SELECT_CONFIG, DocumentSelector, laplacianVariance, type Showing } from '../../media/documents/select';

// ---------------------------------------------------------------------------------------------------------
// Synthetic scenes

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Card {
  /** Top-left and size in pixels of a 320 × 180 frame. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** Still (fully in view) during [from, to); slides in and out over `slideS` around it. */
  from: number;
  to: number;
  slideS?: number;
  /** Box-blur radius of the print (0 = crisp). */
  blur?: number;
  /** Frame indices printed crisp even though the card is blurred. */
  sharpAt?: number[];
}

const W = 320;
const H = 180;

/** A wall with a gradient and noise, a notice board with print (static), and a dark desk. */
function sceneFrame(t: number, seed: number, cards: Card[], opts: { brightness?: number; index?: number } = {}): Buffer {
  const r = rng(seed);
  const g = Buffer.alloc(W * H);
  const lift = opts.brightness ?? 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let v = y > 140 ? 70 : 205 - (20 * y) / H;
      // notice board with "text" bars, top right: static print that is part of the scene
      if (x >= 270 && x < 310 && y >= 20 && y < 70) v = (y - 20) % 6 < 2 && x > 274 && x < 305 ? 110 : 240;
      g[y * W + x] = Math.max(0, Math.min(255, Math.round(v + lift + (r() - 0.5) * 6)));
    }
  }
  for (const c of cards) drawCard(g, t, c, opts.index ?? -1);
  return g;
}

/** A bright card with rows of dark strokes, sliding up from below the frame before `from` and after `to`. */
function drawCard(g: Buffer, t: number, c: Card, index: number): void {
  const slide = c.slideS ?? 0.5;
  if (t < c.from - slide || t >= c.to + slide) return;
  const u = t < c.from ? (c.from - t) / slide : t >= c.to ? (t - c.to) / slide : 0;
  const tremor = t >= c.from && t < c.to ? Math.round(Math.sin(t * 4.8)) : 0;
  const y0 = c.y + Math.round(u * (H - c.y)) + tremor;
  const x0 = c.x + tremor;
  const card = Buffer.alloc(c.w * c.h);
  for (let y = 0; y < c.h; y++) {
    for (let x = 0; x < c.w; x++) {
      const row = (y - 6) % 10;
      const stroke = y > 6 && y < c.h - 6 && x > 6 && x < c.w - 6 && row >= 0 && row < 4 && (x * 7 + y * 3) % 5 < 3;
      card[y * c.w + x] = stroke ? 35 : 238;
    }
  }
  const blurred = c.blur && !(c.sharpAt ?? []).includes(index) ? boxBlur(card, c.w, c.h, c.blur) : card;
  for (let y = 0; y < c.h; y++) {
    for (let x = 0; x < c.w; x++) {
      const fy = y0 + y;
      const fx = x0 + x;
      if (fy >= 0 && fy < H && fx >= 0 && fx < W) g[fy * W + fx] = blurred[y * c.w + x]!;
    }
  }
}

function boxBlur(src: Buffer, w: number, h: number, r: number): Buffer {
  const out = Buffer.alloc(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      let n = 0;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const yy = Math.min(h - 1, Math.max(0, y + dy));
          const xx = Math.min(w - 1, Math.max(0, x + dx));
          s += src[yy * w + xx]!;
          n++;
        }
      }
      out[y * w + x] = Math.round(s / n);
    }
  }
  return out;
}

function runSelector(durationS: number, cards: Card[], fps = 4, extra: (t: number) => { brightness?: number } = () => ({})): { showings: Showing[]; selector: DocumentSelector } {
  const selector = new DocumentSelector(DEFAULT_SELECT_CONFIG);
  for (let i = 0; i < durationS * fps; i++) {
    const t = i / fps;
    selector.push({ t, index: i, width: W, height: H, data: sceneFrame(t, 1000 + i, cards, { ...extra(t), index: i }) });
  }
  return { showings: selector.finish(), selector };
}

describe('documents: frame selection', () => {
  it('finds a card held still, with from/to within ±0.5 s, and ignores static print on the wall', () => {
    const card: Card = { x: 100, y: 60, w: 110, h: 70, from: 3, to: 7.5 };
    const { showings } = runSelector(12, [card]);
    assert.equal(showings.length, 1, JSON.stringify(showings));
    const s = showings[0]!;
    assert.ok(Math.abs(s.from - 3) <= 0.5 && Math.abs(s.to - 7.5) <= 0.5, `${s.from}–${s.to}`);
    assert.ok(s.best.t >= s.from && s.best.t < s.to);
    // The region covers the card (normalised to the frame).
    assert.ok(Math.abs(s.region.x - 100 / W) < 0.06 && Math.abs(s.region.y - 60 / H) < 0.08, JSON.stringify(s.region));
    assert.ok(Math.abs(s.region.w - 110 / W) < 0.08 && Math.abs(s.region.h - 70 / H) < 0.1, JSON.stringify(s.region));
  });

  it('splits two cards shown one after the other in the same place', () => {
    const { showings } = runSelector(14, [
      { x: 100, y: 60, w: 110, h: 70, from: 2, to: 5 },
      { x: 100, y: 60, w: 110, h: 70, from: 6.2, to: 9.5 },
    ]);
    assert.equal(showings.length, 2, JSON.stringify(showings.map((s) => [s.from, s.to])));
    assert.ok(Math.abs(showings[0]!.to - 5) <= 0.5 && Math.abs(showings[1]!.from - 6.2) <= 0.5);
  });

  it('picks the sharpest frame of a showing', () => {
    const fps = 4;
    const sharpIndex = 5.25 * fps;
    const { showings } = runSelector(9, [{ x: 90, y: 50, w: 120, h: 76, from: 3, to: 7, blur: 1, sharpAt: [sharpIndex] }], fps);
    assert.equal(showings.length, 1);
    assert.equal(showings[0]!.best.index, sharpIndex);
  });

  it('reports a brief showing with its short span, and nothing for a whole-picture change (a cut)', () => {
    const brief = runSelector(6, [{ x: 100, y: 60, w: 110, h: 70, from: 2, to: 2.75 }]).showings;
    assert.equal(brief.length, 1);
    assert.ok(brief[0]!.to - brief[0]!.from < 1, `${brief[0]!.from}–${brief[0]!.to}`);
    const cut = runSelector(10, [], 4, (t) => ({ brightness: t >= 5 ? 40 : 0 })).showings;
    assert.deepEqual(cut, []);
  });

  it('measures blur as a lower variance of the Laplacian', () => {
    const crisp = sceneFrame(4, 1, [{ x: 100, y: 60, w: 110, h: 70, from: 3, to: 6 }]);
    const soft = sceneFrame(4, 1, [{ x: 100, y: 60, w: 110, h: 70, from: 3, to: 6, blur: 2 }]);
    const region = { x: 105 / W, y: 65 / H, w: 100 / W, h: 60 / H };
    assert.ok(laplacianVariance(crisp, W, H, region) > 4 * laplacianVariance(soft, W, H, region));
  });
});

describe('documents: keeping the frame to read', () => {
  const large = (index: number): { t: number; index: number; width: number; height: number; data: Buffer } => ({
    t: index / 4,
    index,
    width: 40,
    height: 20,
    data: Buffer.alloc(40 * 20 * 3, index),
  });
  const region = { x: 0.25, y: 0.25, w: 0.5, h: 0.5 };

  it('keeps the chosen frame whether the large frame arrives before or after the choice', () => {
    const early = new BestFrameKeeper({ pendingMax: 8, maxShowings: 4, margin: 0 });
    early.offer(large(3));
    early.choose(1, 3, 0.75, region);
    early.decided(3);
    const late = new BestFrameKeeper({ pendingMax: 8, maxShowings: 4, margin: 0 });
    late.choose(1, 3, 0.75, region);
    late.decided(3);
    late.offer(large(3));
    for (const k of [early, late]) {
      const crop = k.crop(1);
      assert.ok(crop, 'crop kept');
      assert.equal(crop.index, 3);
      assert.deepEqual(crop.rect, { x: 10, y: 5, w: 20, h: 10 });
      assert.equal(crop.rgb.length, 20 * 10 * 3);
      assert.equal(crop.rgb[0], 3);
    }
  });

  it('replaces the crop when a sharper frame is chosen, bounds what waits, and counts what it cannot keep', () => {
    const k = new BestFrameKeeper({ pendingMax: 2, maxShowings: 1, margin: 0 });
    for (let i = 0; i < 6; i++) k.offer(large(i)); // the selector lags: only the last two wait
    k.choose(1, 5, 1.25, region);
    assert.equal(k.crop(1)?.index, 5);
    k.choose(1, 1, 0.25, region); // already dropped
    assert.equal(k.summary().missed, 1);
    k.choose(2, 5, 1.25, region); // a second showing beyond maxShowings
    assert.equal(k.summary().overflow, 1);
    k.decided(5);
    assert.equal(k.summary().pending, 0);
    assert.ok(k.summary().maxPending <= 2);
    k.choose(1, 7, 1.75, region);
    k.offer(large(7));
    assert.equal(k.crop(1)?.index, 7);
    k.release(1);
    assert.equal(k.crop(1), undefined);
  });
});
