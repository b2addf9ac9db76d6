// Overlays: chosen from the sidecar (region, product, channel, remote, age), applied to the base
// rulebook by rule id, cited with their own hash; an overlay changes the verdicts it should and no other.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judge } from '../../judge/judge';
import type { FacesEvidence, IntegrityEvidence } from '../../evidence/types';
import type { Sidecar } from '../../lib/labelled';
import { loadRulebook } from '../../rules/load';
import { applyOverlays, loadOverlays, overlayApplies, parseOverlay } from '../../rules/overlays';

const base = loadRulebook();
const overlays = loadOverlays();
const elderly330: Sidecar = { region: '330000', customer: { age: 67 }, channel: 'agent', product: { type: 'traditional' } };

function faces(spans: FacesEvidence['faces']): FacesEvidence {
  return {
    kind: 'faces', schemaVersion: 1, recordingId: 'r', analyser: { name: 'faces', version: '1' }, createdAt: '', model: { name: 'yunet', version: 'x', sha256: 'x' },
    sampleFps: 2, frames: 120, msPerFrame: 1, faces: spans, persons: [], parties: 2, absences: [], unusable: [], excluded: [],
    coframing: { ratio: 1, framesTogether: 120, framesJudged: 120 }, maxCount: Math.max(...spans.map((s) => s.count)), documentPhotos: [], identity: [], tracks: [], thumbnails: [],
  };
}
const integrity = { kind: 'integrity', readable: true, defects: [], notes: [], measurements: {}, decode: { videoDecodedS: 60, audioDecodedS: 60, complete: true, errorCount: 0, errors: [], sampleFps: 10 },
  media: { formatName: 'mp4', sizeBytes: 1, durationS: 60, startS: 0, bitRate: null, videoStreams: 1, audioStreams: 1,
    video: { index: 0, codec: 'h264', width: 1280, height: 720, rotation: 0, fps: 25, durationS: 60, startS: 0 }, audio: { index: 1, codec: 'aac', sampleRate: 48000, channels: 1, durationS: 60, startS: 0 } } } as unknown as IntegrityEvidence;

describe('rulebook overlays', () => {
  it('all committed overlays are valid and name rules the base has', () => {
    assert.ok(overlays.length >= 3);
    for (const o of overlays) applyOverlays(base, [o], { region: '330000', customer: { age: 70 }, channel: 'bank', remote: true, product: { type: 'participating' } });
  });

  it('applies only when the sidecar matches, and not when the metadata is missing', () => {
    const example = overlays.find((o) => o.overlay.example)!.overlay;
    assert.equal(overlayApplies(example, elderly330), true);
    assert.equal(overlayApplies(example, { ...elderly330, customer: { age: 45 } }), false);
    assert.equal(overlayApplies(example, { ...elderly330, region: '320000' }), false);
    assert.equal(overlayApplies(example, undefined), false);
  });

  it('the product overlay adds the returns-uncertain statement for participating products only', () => {
    const p = applyOverlays(base, overlays, { product: { type: 'participating' } });
    assert.ok(p.book.steps.explanation.rules.some((r) => r.id === 'EXPL-RETURNS-UNCERTAIN'));
    const t = applyOverlays(base, overlays, { product: { type: 'traditional' } });
    assert.ok(!t.book.steps.explanation.rules.some((r) => r.id === 'EXPL-RETURNS-UNCERTAIN'));
    assert.equal(t.sha256, base.sha256);
    assert.notEqual(p.sha256, base.sha256);
  });

  it('the example provincial overlay fails a third person in frame, and changes nothing on a two-person recording', () => {
    const withOverlay = applyOverlays(base, overlays, elderly330);
    assert.deepEqual(withOverlay.overlays.map((o) => o.example), [true]);
    const crowded = faces([{ from: 0, to: 30, count: 2 }, { from: 30, to: 38, count: 3 }, { from: 38, to: 60, count: 2 }]);
    const normal = faces([{ from: 0, to: 60, count: 2 }]);
    const co = (ev: FacesEvidence, book: typeof base) => judge({ integrity, faces: ev }, book).steps.find((s) => s.id === 'coframing')!.verdict;
    assert.equal(co(crowded, base), 'PASS');
    assert.equal(co(crowded, withOverlay), 'FAIL');
    assert.equal(co(normal, base), 'PASS');
    assert.equal(co(normal, withOverlay), 'PASS');
    assert.equal(judge({ integrity, faces: crowded }, withOverlay).rulebook.overlays?.[0]?.id, 'example-province-330000-elderly');
  });

  it('leaves older base versions alone when an overlay needs a newer one (re-judging with 1.0.0 works)', () => {
    const old = loadRulebook('cn-national@1.0.0');
    const applied = applyOverlays(old, overlays, elderly330);
    assert.deepEqual(applied.overlays, []);
    assert.equal(applied.sha256, old.sha256);
  });

  it('rejects an overlay that sets a rule the base does not have', () => {
    const bad = parseOverlay('id: x\nversion: 1.0.0\ntitle: t\noverlays: cn-national\nappliesWhen: {}\nset:\n  NO-SUCH: { minS: 1 }\n', 'x.yaml');
    assert.throws(() => applyOverlays(base, [bad], {}), /NO-SUCH/);
  });
});
