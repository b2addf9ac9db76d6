// A file damaged in the middle (#18): the decoder's holes are located (packets that give no frame, the video
// span running to the next keyframe), the detectors' findings inside them are notes, not defects, and the
// judge neither PASSes nor FAILs what could not be seen or heard there.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyseMediaFile } from '../../evidence/assemble-media';
import type { EvidenceDefect, IntegrityEvidence } from '../../evidence/types';
import { judge } from '../../judge/judge';
import { runFfmpeg } from '../../media/ffmpeg';
import { spansOf } from '../../media/integrity/undecodable';
import { loadRulebook } from '../../rules/load';
import { documentsEvidence, facesEvidence, ingest, integrity, showing } from '../helpers/judge-evidence';
import { tempDir } from '../helpers/media';
import { speechEvidence } from '../helpers/speech-evidence';

const dir = tempDir('dualqa-undecodable-');

/** Noise over `share` of the bytes from 45 % of the file on: the middle of the media data, both streams. */
function damage(src: string, out: string, bytes = 30_000): string {
  const buf = Buffer.from(fs.readFileSync(src));
  let x = 3;
  const at = Math.floor(buf.length * 0.45);
  for (let i = 0; i < bytes; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    buf[at + i] = x >> 16;
  }
  fs.writeFileSync(out, buf);
  return out;
}

describe('undecodable spans: located', () => {
  it('packets without a frame are holes; neighbours merge; priming is not damage; video runs to the next keyframe', () => {
    const packets = [...Array(100).keys()].map((i) => ({ t: i * 0.04, duration: 0.04, key: i % 25 === 0 }));
    const frames = packets.map((p) => p.t).filter((t) => !(t >= 1.2 && t < 1.4) && Math.abs(t - 1.6) > 1e-6);
    const { spans, holes } = spansOf('video', packets, frames);
    assert.equal(holes, 6);
    assert.deepEqual(spans, [{ stream: 'video', from: 1.2, to: 2, packets: 6, keyframeAt: 2 }]);
    const audio = [{ t: -0.021, duration: 0.021, key: true }, ...[...Array(50).keys()].map((i) => ({ t: i * 0.021, duration: 0.021, key: true }))];
    assert.deepEqual(spansOf('audio', audio, audio.slice(1).map((p) => p.t)).spans, [], 'the priming packet before zero');
    // Damage after the last keyframe: to the end of the stream.
    const late = spansOf('video', packets, packets.map((p) => p.t).filter((t) => t < 3.5));
    assert.deepEqual(late.spans, [{ stream: 'video', from: 3.52, to: 4, packets: 12, keyframeAt: null }]);
    // A damaged start: packets before the first frame make a span from zero with a length (never a negative one).
    const start = spansOf('audio', [{ t: 0, duration: 0, key: true }, ...packets.slice(1).map((p) => ({ ...p, t: p.t + 0.001 }))], packets.slice(1).map((p) => p.t + 0.001));
    assert.ok(start.spans.every((sp) => sp.to > sp.from && sp.from >= 0), JSON.stringify(start.spans));
  });
});

describe('undecodable spans: a clip damaged in the middle', () => {
  let damaged: IntegrityEvidence;
  let clean: IntegrityEvidence;
  before(async () => {
    const src = path.join(dir, 'src.mp4');
    // A keyframe every second, so the damaged picture span ends at the next one.
    await runFfmpeg(['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25:duration=10', '-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=48000:duration=10', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '48k', '-movflags', '+faststart', src]);
    clean = (await analyseMediaFile(src, { recordingId: 'clean' })).integrity;
    damaged = (await analyseMediaFile(damage(src, path.join(dir, 'damaged.mp4')), { recordingId: 'damaged' })).integrity;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the clean clip has no undecodable span', () => {
    assert.deepEqual(clean.defects, []);
  });

  it('the damaged clip: a picture span and a sound span in the middle, each with its reason', () => {
    const spans = damaged.defects.filter((d) => d.type === 'undecodable');
    const video = spans.find((d) => d.detail?.stream === 'video');
    const audio = spans.find((d) => d.detail?.stream === 'audio');
    assert.ok(video && audio, JSON.stringify(damaged.defects));
    for (const d of [video, audio]) {
      assert.ok(d.from! > 2 && d.from! < 7 && d.to! > d.from! && d.to! - d.from! < 4, JSON.stringify(d));
    }
    // The picture span ends on a keyframe (one a second).
    assert.ok(Math.abs(video.to! - Math.round(video.to!)) < 0.05, JSON.stringify(video));
    assert.match(video.reason, /^the picture could not be decoded from \d+\.\d s to \d+\.\d s \(\d+ damaged packet\(s\), up to the next keyframe at \d+\.\d s/);
    assert.match(audio.reason, /^the sound could not be decoded from .*: what happened there cannot be heard$/);
    // Nothing else is held against the recording for the damage itself (silence filled in, a repeated or garbled picture).
    assert.deepEqual(damaged.defects.filter((d) => d.type !== 'undecodable').map((d) => d.type), []);
  });

  it('judged: continuity CANNOT_JUDGE with the spans, never PASS', () => {
    const j = judge({ ingest, integrity: damaged }, loadRulebook());
    const continuity = j.steps.find((s) => s.id === 'continuity')!;
    assert.equal(continuity.verdict, 'CANNOT_JUDGE');
    assert.match(continuity.reasons.join('\n'), /could not be decoded \(damaged data\): what happened there cannot be seen or heard/);
    assert.deepEqual(j.defects.map((d) => d.type).sort(), ['undecodable', 'undecodable'], 'the report lists the spans');
  });
});

describe('undecodable spans: judged', () => {
  const book = loadRulebook();
  const hole = (stream: 'video' | 'audio', from: number, to: number): EvidenceDefect => ({ type: 'undecodable', from, to, reason: `the ${stream} could not be decoded`, source: 'decoder', detail: { stream, packets: 10 } });
  const verdictOf = (j: ReturnType<typeof judge>, id: string) => j.steps.find((s) => s.id === id)!;

  it('coframing: both parties in frame elsewhere is not a PASS over a damaged picture', () => {
    const j = judge({ ingest, integrity: integrity([hole('video', 20, 22)]), faces: facesEvidence() }, book);
    const step = verdictOf(j, 'coframing');
    assert.equal(step.verdict, 'CANNOT_JUDGE');
    assert.match(step.reasons.join(), /20\.0–22\.0 s \(the picture could not be decoded \(damaged data\)\)/);
    assert.equal(verdictOf(judge({ ingest, integrity: integrity([]), faces: facesEvidence() }, book), 'coframing').verdict, 'PASS', 'the same without the hole');
    // One person seen where the picture decoded: the other may be in the hole.
    const alone = facesEvidence({ parties: 1, maxCount: 1, faces: [{ from: 0, to: 60, count: 1 }] });
    assert.equal(verdictOf(judge({ ingest, integrity: integrity([]), faces: alone }, book), 'coframing').verdict, 'FAIL', 'alone without the hole');
    const aloneStep = verdictOf(judge({ ingest, integrity: integrity([hole('video', 20, 22)]), faces: alone }, book), 'coframing');
    assert.equal(aloneStep.verdict, 'CANNOT_JUDGE');
    assert.match(aloneStep.reasons.join(), /only 1 person\(s\) seen where the picture could be decoded; the picture 20\.0–22\.0 s could not be decoded/);
  });

  it('documents: not seen is not "never shown" when the picture has a hole; shown elsewhere still PASSes', () => {
    const none = judge({ ingest, integrity: integrity([hole('video', 20, 22)]), documents: documentsEvidence() }, book);
    const step = verdictOf(none, 'documents_shown');
    assert.equal(step.verdict, 'CANNOT_JUDGE');
    assert.match(step.reasons.join(), /not seen: .*; but the picture 20\.0–22\.0 s could not be decoded \(damaged data\): it may have been shown there/);
    assert.equal(verdictOf(judge({ ingest, integrity: integrity([]), documents: documentsEvidence() }, book), 'documents_shown').verdict, 'FAIL', 'the same without the hole');
    const shown = documentsEvidence({ showings: [showing(1, 'risk_notice', 5, 9), showing(2, 'policy_terms', 10, 14), showing(3, 'exclusions', 30, 34)] });
    assert.equal(verdictOf(judge({ ingest, integrity: integrity([hole('video', 20, 22)]), documents: shown }, book), 'documents_shown').verdict, 'PASS');
  });

  it('speech: a statement not heard is CANNOT_JUDGE, not FAIL, when the sound has a hole', () => {
    const silent = speechEvidence([[1, 3, '您好']]);
    const withHole = judge({ ingest, integrity: integrity([hole('audio', 40, 41)]), speech: silent }, book);
    const without = judge({ ingest, integrity: integrity([]), speech: silent }, book);
    for (const id of ['opening', 'explanation', 'disclosure']) {
      assert.equal(verdictOf(without, id).verdict, 'FAIL', `${id} without the hole`);
      assert.equal(verdictOf(withHole, id).verdict, 'CANNOT_JUDGE', `${id} with the hole: ${verdictOf(withHole, id).reasons.join()}`);
      assert.match(verdictOf(withHole, id).reasons.join(), /the sound 40\.0–41\.0 s could not be decoded \(damaged data\): it may have been (said|asked) there/);
      // Rule by rule: every statement not heard is unsure, none PASSes or FAILs behind another rule's verdict.
      for (const r of verdictOf(withHole, id).rules.filter((o) => o.applies !== false && /_said|answers/.test(book.book.steps[id as 'opening'].rules.find((x) => x.id === o.ruleId)!.check))) {
        assert.equal(r.verdict, 'CANNOT_JUDGE', `${r.ruleId}: ${r.reason}`);
      }
    }
  });

  it('continuity: the other defects outside the hole still FAIL', () => {
    const cut: EvidenceDefect = { type: 'cut', at: 50, reason: 'timestamps jump by 3 s', source: 'container', detail: { gapS: 3 } };
    assert.equal(verdictOf(judge({ ingest, integrity: integrity([hole('video', 20, 22), cut]) }, book), 'continuity').verdict, 'FAIL');
  });
});
