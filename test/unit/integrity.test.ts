// Each integrity detector on generated media: the defect is found where it was made, and a clean clip
// yields none (so a detector that always fires, or never fires, fails here).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyseMediaFile } from '../../media/analyse-file';
import type { IntegrityEvidence } from '../../lib/evidence';
import { makeClip, tempDir, type ClipSpec } from '../helpers/media';

const dir = tempDir();
const cases: Record<string, ClipSpec> = {
  clean: { durationS: 10 },
  black: { durationS: 12, blackFrom: 4, blackTo: 7 },
  silence: { durationS: 12, silenceFrom: 3, silenceTo: 9 },
  frozen: { durationS: 12, freezeFrom: 5, freezeTo: 9 },
  splice: { durationS: 10, spliceAt: 6 },
  pictureOnly: { durationS: 10, pictureChangeAt: 6 },
  // The picture changes at once while the room sound steps by +3.5 dB (×1.5) or +8 dB (×2.5): either side of
  // the 6 dB a splice's sound must change by (DEFAULT_INTEGRITY_CONFIG.cutLevelJumpDb).
  spliceSoundSmall: { durationS: 10, spliceAt: 6, soundChangeGain: 1.5 },
  spliceSoundLarge: { durationS: 10, spliceAt: 6, soundChangeGain: 2.5 },
  soundOnly: { durationS: 10, soundChangeAt: 6 },
  gap: { durationS: 10, gapAt: 4, gapS: 3 },
  noAudio: { durationS: 5, noAudio: true },
  noVideo: { durationS: 5, noVideo: true },
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
    assert.match(cuts[0]!.reason, /whole picture changes at once .* room sound changes with it .*: a splice/);
    assert.deepEqual(results.splice!.defects.map((d) => d.type), ['cut'], 'nothing else');
  });

  it('an abrupt picture change while the sound goes on unchanged is not a cut (only a note)', () => {
    const ev = results.pictureOnly!;
    assert.deepEqual(ev.defects, [], 'no defect at all');
    // The change was seen (not a detector that missed it): a note at the change says why it is not a cut.
    const seen = ev.notes.filter((n) => n.at !== undefined && Math.abs(n.at - 6) <= 0.5);
    assert.equal(seen.length, 1, JSON.stringify(ev.notes));
    assert.match(seen[0]!.text, /^abrupt picture change .* without a change of room sound.*: not counted as a cut/);
  });

  it('a picture change is a cut when the room sound steps by 8 dB with it, not when it steps by 3.5 dB', () => {
    const large = ofType(results.spliceSoundLarge, 'cut');
    assert.equal(large.length, 1, JSON.stringify(results.spliceSoundLarge!.defects));
    assert.ok(Math.abs(large[0]!.at! - 6) <= 0.5 && (large[0]!.detail?.levelJumpDb as number) >= 6, JSON.stringify(large[0]));
    assert.deepEqual(ofType(results.spliceSoundSmall, 'cut'), [], 'a 3.5 dB step is not a change of room');
    assert.ok(results.spliceSoundSmall!.notes.some((n) => n.at !== undefined && Math.abs(n.at - 6) <= 0.5 && /not counted as a cut/.test(n.text)), JSON.stringify(results.spliceSoundSmall!.notes));
  });

  it('a jump of the room sound while the picture goes on unchanged is not a cut', () => {
    assert.deepEqual(results.soundOnly!.defects, [], JSON.stringify(results.soundOnly!.defects));
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
