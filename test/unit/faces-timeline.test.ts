// The face tracker and timeline on synthetic sightings (the detector is tested with real photos in
// models.test.ts): counts over time, a party leaving and coming back as the same person, a visitor who
// is not a party, dark frames that are "cannot judge" rather than absence, and co-framing ratios.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFaceTimeline } from '../../media/faces/timeline';
import { FaceTracker } from '../../media/faces/tracker';
import type { Box, FaceSighting, FrameSummary } from '../../media/faces/types';

const FPS = 2;
const AGENT: Box = { x: 0.2, y: 0.3, w: 0.1, h: 0.18 };
const CUSTOMER: Box = { x: 0.65, y: 0.32, w: 0.1, h: 0.18 };
const VISITOR: Box = { x: 0.45, y: 0.1, w: 0.08, h: 0.14 };

interface Scene {
  durationS: number;
  present: (t: number) => Box[];
  luma?: (t: number) => number;
  /** Frames where the detector misses everything (e.g. one dropped detection). */
  miss?: (t: number) => boolean;
}

function simulate(scene: Scene) {
  const tracker = new FaceTracker();
  const frames: FrameSummary[] = [];
  for (let i = 0; i < scene.durationS * FPS; i++) {
    const t = i / FPS;
    // A little sway so boxes are never identical.
    const boxes = scene.miss?.(t) ? [] : scene.present(t).map((b) => ({ ...b, x: b.x + 0.005 * Math.sin(t + b.x * 10) }));
    const sightings: FaceSighting[] = boxes.map((box) => ({ t, box, score: 0.95, heightPx: box.h * 720 }));
    frames.push({ t, meanLuma: scene.luma?.(t) ?? 120, trackIds: tracker.push(t, sightings) });
  }
  return buildFaceTimeline({ tracks: tracker.tracks(), frames, fps: FPS, durationS: scene.durationS });
}

const countAt = (tl: ReturnType<typeof simulate>, t: number) => tl.faces.find((f) => t >= f.from && t < f.to)?.count;

describe('face timeline', () => {
  it('two parties throughout: count 2 everywhere, co-framing 1, no absence', () => {
    const tl = simulate({ durationS: 60, present: () => [AGENT, CUSTOMER] });
    assert.equal(tl.parties, 2);
    assert.deepEqual(tl.faces, [{ from: 0, to: 60, count: 2 }]);
    assert.equal(tl.coframing.ratio, 1);
    assert.deepEqual(tl.absences, []);
  });

  it('a single missed detection is not an absence and does not split the count', () => {
    const tl = simulate({ durationS: 30, present: () => [AGENT, CUSTOMER], miss: (t) => t === 12 });
    assert.deepEqual(tl.faces, [{ from: 0, to: 30, count: 2 }]);
    assert.deepEqual(tl.absences, []);
  });

  it('the customer leaves for 10 s and comes back: one absence within ±1 s, the same person afterwards', () => {
    const tl = simulate({ durationS: 60, present: (t) => (t >= 20 && t < 30 ? [AGENT] : [AGENT, CUSTOMER]) });
    assert.equal(tl.persons.length, 2, JSON.stringify(tl.persons));
    assert.equal(tl.absences.length, 1);
    const a = tl.absences[0]!;
    assert.ok(Math.abs(a.from - 20) <= 1 && Math.abs(a.to - 30) <= 1, JSON.stringify(a));
    assert.equal(countAt(tl, 25), 1);
    assert.equal(countAt(tl, 35), 2);
    assert.ok(Math.abs(tl.coframing.ratio! - 50 / 60) < 0.02, String(tl.coframing.ratio));
  });

  it('a visitor for 8 s raises the count to 3 but is not a party', () => {
    const tl = simulate({ durationS: 60, present: (t) => (t >= 30 && t < 38 ? [AGENT, CUSTOMER, VISITOR] : [AGENT, CUSTOMER]) });
    assert.equal(tl.parties, 2);
    assert.equal(tl.persons.length, 3);
    assert.equal(countAt(tl, 34), 3);
    assert.equal(tl.maxCount, 3);
    assert.equal(tl.coframing.ratio, 1);
  });

  it('dark frames are unusable: not counted as absence, not in the co-framing ratio', () => {
    const tl = simulate({ durationS: 60, present: (t) => (t >= 20 && t < 30 ? [] : [AGENT, CUSTOMER]), luma: (t) => (t >= 20 && t < 30 ? 15 : 120) });
    assert.deepEqual(tl.absences, []);
    assert.equal(tl.unusable.length, 1);
    assert.ok(Math.abs(tl.unusable[0]!.from - 20) <= 0.5 && Math.abs(tl.unusable[0]!.to - 30) <= 0.5);
    assert.equal(tl.coframing.ratio, 1);
    assert.equal(tl.coframing.framesJudged, 100);
  });

  it('only the agent in frame: one party, co-framing 0', () => {
    const tl = simulate({ durationS: 40, present: () => [AGENT] });
    assert.equal(tl.parties, 1);
    assert.equal(tl.coframing.ratio, 0);
  });

  it('nobody at all: no party, count 0, co-framing 0', () => {
    const tl = simulate({ durationS: 20, present: () => [] });
    assert.equal(tl.parties, 0);
    assert.deepEqual(tl.faces, [{ from: 0, to: 20, count: 0 }]);
    assert.equal(tl.coframing.ratio, 0);
  });
});
