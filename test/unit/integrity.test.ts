// Each integrity detector on generated media: the defect is found where it was made, and a clean clip
// yields none (so a detector that always fires, or never fires, fails here).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyseMediaFile } from '../../evidence/assemble-media';
import type { IntegrityEvidence } from '../../evidence/types';
import { makeClip, tempDir, type ClipSpec } from '../helpers/media';

const dir = tempDir();
const cases: Record<string, ClipSpec> = {
  clean: { durationS: 10 },
  black: { durationS: 12, blackFrom: 4, blackTo: 7 },
  silence: { durationS: 12, silenceFrom: 3, silenceTo: 9 },
  frozen: { durationS: 12, freezeFrom: 5, freezeTo: 9 },
  splice: { durationS: 10, spliceAt: 6 },
  gap: { durationS: 10, gapAt: 4, gapS: 3 },
  noAudio: { durationS: 5, noAudio: true },
  noVideo: { durationS: 5, noVideo: true },
  // Remote recording through an app: noise-gated sound (zeros until the speaker starts at 6 s) and a card over part of the picture at 6 s.
  gatedCard: { durationS: 10, cardAt: 6, cardShare: 0.4, zeroSpans: [[0.5, 1.5], [2.2, 3], [3.6, 6]] },
  // The same with a screen share replacing the whole picture: one signal only.
  gatedShare: { durationS: 10, spliceAt: 6, spliceSound: false, zeroSpans: [[0.5, 1.5], [2.2, 3], [3.6, 6]] },
  // Another scene from 6 s, the room's sound continuous: picture only.
  pictureOnly: { durationS: 10, spliceAt: 6, spliceSound: false },
  // Noise gate: digital zeros between utterances, each gap 1–4 s.
  gated: { durationS: 20, zeroSpans: [[2, 3.5], [5, 9], [10.5, 12], [14, 16.5]] },
  // A dead channel for 10 s in a recording with room tone everywhere else.
  dead: { durationS: 20, silenceFrom: 5, silenceTo: 15 },
};
const results: Record<string, IntegrityEvidence> = {};

function ofType(ev: IntegrityEvidence | undefined, type: string) {
  assert.ok(ev, 'evidence missing');
  return ev.defects.filter((d) => d.type === type);
}

describe('integrity detectors on generated media', () => {
  before(async () => {
    for (const [name, spec] of Object.entries(cases)) {
      const file = await makeClip(path.join(dir, `${name}.mp4`), spec);
      results[name] = (await analyseMediaFile(file, { recordingId: name })).integrity;
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds nothing wrong in a clean clip', () => {
    const ev = results.clean!;
    assert.equal(ev.readable, true);
    assert.deepEqual(ev.defects, []);
    assert.ok(Math.abs((ev.decode?.videoDecodedS ?? 0) - 10) < 0.2);
    assert.ok(Math.abs((ev.decode?.audioDecodedS ?? 0) - 10) < 0.2);
  });

  it('finds a black run within ±0.5 s', () => {
    const [black, ...rest] = ofType(results.black, 'black');
    assert.equal(rest.length, 0);
    assert.ok(Math.abs(black!.from! - 4) <= 0.5 && Math.abs(black!.to! - 7) <= 0.5, JSON.stringify(black));
    assert.equal(ofType(results.black, 'frozen').length, 0, 'a black run is not also frozen');
  });

  it('finds a silent run within ±0.5 s', () => {
    const [run, ...rest] = ofType(results.silence, 'silence');
    assert.equal(rest.length, 0);
    assert.ok(Math.abs(run!.from! - 3) <= 0.5 && Math.abs(run!.to! - 9) <= 0.5, JSON.stringify(run));
  });

  it('finds a frozen run within ±0.5 s', () => {
    const [run, ...rest] = ofType(results.frozen, 'frozen');
    assert.equal(rest.length, 0);
    assert.ok(Math.abs(run!.from! - 5) <= 0.5 && Math.abs(run!.to! - 9) <= 0.5, JSON.stringify(run));
  });

  it('finds a re-encoded splice from picture and sound together, within ±0.5 s', () => {
    const cuts = ofType(results.splice, 'cut');
    assert.equal(cuts.length, 1, JSON.stringify(results.splice!.defects));
    assert.ok(Math.abs(cuts[0]!.at! - 6) <= 0.5);
    assert.equal(cuts[0]!.source, 'picture');
    assert.equal(results.splice!.flags?.length ?? 0, 0, 'a confirmed cut is not also a flag');
  });

  it('does not call a card over part of the picture with the gate opening at the same instant a cut (old: cut from an 80 dB "jump" out of digital zeros)', () => {
    const ev = results.gatedCard!;
    assert.deepEqual(ofType(ev, 'cut'), [], JSON.stringify(ev.defects));
    assert.deepEqual(ofType(ev, 'silence'), [], 'gate gaps are not a dead channel');
    assert.equal((ev.flags ?? []).filter((f) => f.type === 'suspected_splice').length, 0, JSON.stringify(ev.flags));
    assert.ok(ev.notes.some((n) => n.at !== undefined && Math.abs(n.at - 6) <= 0.5 && /part of the picture/.test(n.text)), JSON.stringify(ev.notes));
  });

  it('flags a whole-frame change over gated sound, and does not call it a cut (old: cut)', () => {
    const ev = results.gatedShare!;
    assert.deepEqual(ofType(ev, 'cut'), [], JSON.stringify(ev.defects));
    const [flag, ...rest] = (ev.flags ?? []).filter((f) => f.type === 'suspected_splice');
    assert.equal(rest.length, 0);
    assert.ok(flag && Math.abs(flag.from - 6) <= 0.5, JSON.stringify(ev.flags));
    assert.match(flag.reason, /noise-gated/);
  });

  it('flags a whole-frame change with continuous room sound (old: a note only, nothing for a reviewer)', () => {
    const ev = results.pictureOnly!;
    assert.deepEqual(ofType(ev, 'cut'), []);
    const flags = (ev.flags ?? []).filter((f) => f.type === 'suspected_splice');
    assert.equal(flags.length, 1, JSON.stringify(ev.flags));
    assert.ok(Math.abs(flags[0]!.from - 6) <= 0.5);
  });

  it('reports no silence in noise-gated sound with 1–4 s gaps (old: one silence defect per gap)', () => {
    const ev = results.gated!;
    assert.deepEqual(ofType(ev, 'silence'), [], JSON.stringify(ev.defects));
    assert.equal(ev.measurements.gateGaps, 4, JSON.stringify(ev.measurements));
  });

  it('still finds a dead channel of 10 s in a recording with room tone elsewhere', () => {
    const [run, ...rest] = ofType(results.dead, 'silence');
    assert.equal(rest.length, 0);
    assert.ok(Math.abs(run!.from! - 5) <= 0.5 && Math.abs(run!.to! - 15) <= 0.5, JSON.stringify(run));
    assert.match(run!.reason, /dead/);
  });

  it('finds a timestamp gap as a cut, without also reporting the filled gap as frozen or silent', () => {
    const cuts = ofType(results.gap, 'cut');
    assert.equal(cuts.length, 1, JSON.stringify(results.gap!.defects));
    assert.ok(Math.abs(cuts[0]!.at! - 4) <= 0.5);
    assert.equal(cuts[0]!.source, 'container');
    assert.equal(ofType(results.gap, 'frozen').length, 0);
    assert.equal(ofType(results.gap, 'silence').length, 0);
  });

  it('reports missing streams', () => {
    assert.equal(ofType(results.noAudio, 'no_audio').length, 1);
    assert.equal(ofType(results.noAudio, 'no_video').length, 0);
    assert.equal(ofType(results.noVideo, 'no_video').length, 1);
    assert.equal(results.noVideo!.readable, true);
  });

  it('classifies files that are not media or have lost their index', async () => {
    const empty = path.join(dir, 'empty.mp4');
    fs.writeFileSync(empty, '');
    const random = path.join(dir, 'random.mp4');
    fs.writeFileSync(random, Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919 + 13) % 251)));
    const half = path.join(dir, 'half.mp4');
    const whole = fs.readFileSync(path.join(dir, 'clean.mp4'));
    fs.writeFileSync(half, whole.subarray(0, Math.floor(whole.length / 2)));
    const e = (await analyseMediaFile(empty, { recordingId: 'e' })).integrity;
    const r = (await analyseMediaFile(random, { recordingId: 'r' })).integrity;
    const h = (await analyseMediaFile(half, { recordingId: 'h' })).integrity;
    assert.equal(e.problem?.code, 'empty');
    assert.equal(r.problem?.code, 'not_media');
    assert.equal(h.problem?.code, 'truncated');
    assert.match(h.problem.message, /moov atom missing/);
    for (const ev of [e, r, h]) assert.equal(ev.readable, false);
  });

  it('finds a truncated file whose index survived (decode ends early)', async () => {
    const faststart = path.join(dir, 'faststart.mp4');
    const { runFfmpeg } = await import('../../media/ffmpeg');
    await runFfmpeg(['-i', path.join(dir, 'clean.mp4'), '-c', 'copy', '-movflags', '+faststart', faststart]);
    const whole = fs.readFileSync(faststart);
    const cut = path.join(dir, 'cut-faststart.mp4');
    fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const ev = (await analyseMediaFile(cut, { recordingId: 'c' })).integrity;
    const [t] = ofType(ev, 'truncated');
    assert.ok(t, JSON.stringify(ev.defects));
    assert.ok(t.at! > 2 && t.at! < 9, `truncated at ${t.at}`);
  });
});
