// The face checks (judge/checks/faces.ts), one case per verdict branch: co-framing and absences, the
// enrolled agent photo, crowding. A picture too dark or black to see faces is CANNOT_JUDGE, never an absence.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkEnrolledFaceMatch, checkMaxPeople, checkPartiesInFrame } from '../../judge/checks/faces';
import type { FacesEvidence } from '../../evidence/types';
import { facesEvidence, integrity } from '../helpers/judge-evidence';
import { rule } from '../helpers/speech-evidence';

describe('parties_in_frame', () => {
  // Defaults: 2 parties, together ≥ 90 % of the judged time, no absence of 3 s or more.
  const inFrame = rule({ check: 'parties_in_frame', says: '同框' });

  it('PASSes two parties together throughout, citing the share and the seconds judged', () => {
    const out = checkPartiesInFrame(inFrame, { faces: facesEvidence() });
    assert.equal(out.verdict, 'PASS');
    assert.equal(out.reason, '2 parties in frame together 100.0 % of 60 s judged; no absence of 3 s or more');
  });

  it('PASSes around a dark stretch shorter than the absence tolerance, saying it was set aside', () => {
    const faces = facesEvidence({ unusable: [{ from: 30, to: 32.5, reason: 'too dark' }], coframing: { ratio: 0.95, framesTogether: 109, framesJudged: 115 } });
    const out = checkPartiesInFrame(inFrame, { faces });
    assert.equal(out.verdict, 'PASS');
    assert.match(out.reason, /95\.0 % of 58 s judged \(2\.5 s too dark, set aside\)/);
  });

  it('is CANNOT_JUDGE without a face analysis, naming a failure', () => {
    const none = checkPartiesInFrame(inFrame, {});
    assert.equal(none.verdict, 'CANNOT_JUDGE');
    assert.equal(none.reason, '同框: no face analysis');
    assert.equal(checkPartiesInFrame(inFrame, { failures: { faces: 'model missing' } }).reason, '同框: the face analysis failed (model missing)');
  });

  it('is CANNOT_JUDGE when under a second of picture could be judged, with the unusable spans', () => {
    const dark = facesEvidence({ unusable: [{ from: 0, to: 60, reason: 'too dark to recognise a face' }], coframing: { ratio: null, framesTogether: 0, framesJudged: 1 } });
    const out = checkPartiesInFrame(inFrame, { faces: dark });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '同框: cannot judge: too dark to recognise a face');
    assert.deepEqual(out.evidence, [{ from: 0, to: 60, kind: 'faces:unusable', text: 'too dark to recognise a face' }]);
    const blank = checkPartiesInFrame(inFrame, { faces: facesEvidence({ coframing: { ratio: null, framesTogether: 0, framesJudged: 0 } }) });
    assert.equal(blank.reason, '同框: cannot judge: no usable picture');
  });

  it('FAILs when fewer parties than required are ever visible', () => {
    const faces = facesEvidence({ parties: 1, maxCount: 1, faces: [{ from: 0, to: 58, count: 1 }], coframing: { ratio: 0, framesTogether: 0, framesJudged: 120 } });
    const out = checkPartiesInFrame(inFrame, { faces });
    assert.equal(out.verdict, 'FAIL');
    assert.match(out.reason, /only 1 person\(s\) visible .* \(at most 1 face\(s\) at once\); 2 required$/);
    assert.deepEqual(out.evidence, [{ from: 0, to: 58, kind: 'faces:count', text: '1 party visible' }]);
  });

  it('is CANNOT_JUDGE for too few parties seen when part of the picture could not be decoded', () => {
    const faces = facesEvidence({ parties: 1, maxCount: 1, faces: [{ from: 0, to: 58, count: 1 }], coframing: { ratio: 0, framesTogether: 0, framesJudged: 120 } });
    const broken = integrity([{ type: 'undecodable', from: 20, to: 30, reason: 'damaged', source: 'decoder', detail: { stream: 'video' } }]);
    const out = checkPartiesInFrame(inFrame, { faces, integrity: broken });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.match(out.reason, /only 1 person\(s\) seen where the picture could be decoded; the picture 20\.0–30\.0 s could not be decoded/);
  });

  it('FAILs an absence of the tolerance or longer, with its span and the nearest thumbnail', () => {
    const faces = facesEvidence({
      absences: [{ personId: 2, from: 20, to: 23 }, { personId: 1, from: 40, to: 42.9 }],
      thumbnails: [{ at: 20.5, key: 'r/frames/faces-20.5s.jpg', why: 'absence' }],
      coframing: { ratio: 0.95, framesTogether: 114, framesJudged: 120 },
    });
    const out = checkPartiesInFrame(inFrame, { faces });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, '同框: person 2 out of frame 20.0–23.0 s (3.0 s ≥ 3 s)');
    assert.deepEqual(out.evidence, [{ from: 20, to: 23, kind: 'faces:absence', text: 'person 2 out of frame', frameKey: 'r/frames/faces-20.5s.jpg' }]);
  });

  it('FAILs parties together for less than the required share', () => {
    const faces = facesEvidence({ coframing: { ratio: 0.85, framesTogether: 102, framesJudged: 120 } });
    const out = checkPartiesInFrame(inFrame, { faces });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, '同框: parties together in frame 85.0 % of the judged time (< 90 %)');
    assert.equal(checkPartiesInFrame(inFrame, { faces: facesEvidence({ coframing: { ratio: null, framesTogether: 0, framesJudged: 120 } }) }).verdict, 'FAIL');
  });

  it('is CANNOT_JUDGE over a long dark stretch or black run, not FAIL, and ignores a timestamp gap', () => {
    const faces = facesEvidence({
      unusable: [{ from: 40, to: 45, reason: 'too dark' }],
      excluded: [{ from: 10, to: 14, why: 'black' }, { from: 50, to: 55, why: 'timestamp_gap' }],
    });
    const out = checkPartiesInFrame(inFrame, { faces });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '同框: cannot judge 10.0–14.0 s (the picture is black (an integrity defect)), 40.0–45.0 s (too dark); elsewhere both parties were in frame 100.0 % of the time');
    assert.deepEqual(out.evidence.map((e) => [e.from, e.to, e.kind]), [[10, 14, 'faces:unusable'], [40, 45, 'faces:unusable']]);
    const gap = facesEvidence({ excluded: [{ from: 50, to: 55, why: 'timestamp_gap' }] });
    assert.equal(checkPartiesInFrame(inFrame, { faces: gap }).verdict, 'PASS');
  });
});

describe('enrolled_face_match', () => {
  const agentFace = rule({ check: 'enrolled_face_match', says: '代理人本人', minSimilarity: 0.5 });
  const enrolled = (similarities: FacesEvidence['identity'][number]['similarities'], over: Partial<FacesEvidence['identity'][number]> = {}) =>
    facesEvidence({ identity: [{ role: 'agent', key: 'p.jpg', usable: true, similarities, ...over }] });

  it('does not apply without an enrolled photo or without a face analysis', () => {
    for (const ev of [{ faces: facesEvidence() }, {}]) {
      const out = checkEnrolledFaceMatch(agentFace, ev);
      assert.equal(out.applies, false);
      assert.equal(out.verdict, 'CANNOT_JUDGE');
      assert.match(out.reason, /^not applied: no enrolled agent photo/);
    }
  });

  it('is CANNOT_JUDGE when the enrolled photo cannot be used', () => {
    const out = checkEnrolledFaceMatch(agentFace, { faces: enrolled([], { usable: false, problem: 'two faces in the photo' }) });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.applies, undefined);
    assert.equal(out.reason, '代理人本人: the enrolled photo cannot be used: two faces in the photo');
    assert.equal(checkEnrolledFaceMatch(agentFace, { faces: enrolled([], { usable: false }) }).reason, '代理人本人: the enrolled photo cannot be used: no face found');
  });

  it('is CANNOT_JUDGE, not a mismatch, when every face is too small to recognise', () => {
    const out = checkEnrolledFaceMatch(agentFace, { faces: enrolled([{ personId: 1, party: true, medianHeightPx: 39, similarity: 0.1 }]) });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '代理人本人: no face in frame is large enough to recognise (≥ 40 px)');
  });

  it('PASSes the best large face at or above the threshold', () => {
    const out = checkEnrolledFaceMatch(agentFace, {
      faces: enrolled([
        { personId: 1, party: true, medianHeightPx: 90, similarity: 0.5 },
        { personId: 2, party: true, medianHeightPx: 90, similarity: 0.03 },
      ]),
    });
    assert.equal(out.verdict, 'PASS');
    assert.equal(out.reason, 'person 1 matches the enrolled agent photo (similarity 0.5 ≥ 0.5)');
  });

  it('FAILs when no large face matches, ignoring a small face that seems to', () => {
    const out = checkEnrolledFaceMatch(agentFace, {
      faces: enrolled([
        { personId: 1, party: true, medianHeightPx: 90, similarity: 0.12 },
        { personId: 2, party: true, medianHeightPx: 90, similarity: 0.49 },
        { personId: 3, party: false, medianHeightPx: 20, similarity: 0.95 },
      ]),
    });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, '代理人本人: nobody in frame matches the enrolled agent photo (best similarity 0.49 < 0.5, person 2)');
    assert.deepEqual(out.evidence, [{ from: 0, to: 0, kind: 'faces:identity', text: 'best similarity 0.49' }]);
  });
});

describe('max_people_in_frame', () => {
  const crowd = rule({ check: 'max_people_in_frame', says: '无关人员', maxPeople: 2 });

  it('FAILs more people than allowed for the minimum time, with the span', () => {
    const faces = facesEvidence({ faces: [{ from: 0, to: 20, count: 2 }, { from: 20, to: 23, count: 3 }, { from: 23, to: 60, count: 2 }] });
    const out = checkMaxPeople(crowd, { faces });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, '无关人员: 3 people in frame 20.0–23.0 s');
    assert.deepEqual(out.evidence, [{ from: 20, to: 23, kind: 'faces:count', text: '3 faces' }]);
  });

  it('PASSes a crowd briefer than the minimum time, or exactly the allowed number', () => {
    const faces = facesEvidence({ faces: [{ from: 0, to: 20, count: 2 }, { from: 20, to: 22.9, count: 4 }, { from: 22.9, to: 60, count: 2 }] });
    const out = checkMaxPeople(crowd, { faces });
    assert.equal(out.verdict, 'PASS');
    assert.equal(out.reason, 'never more than 2 people in frame for 3 s');
  });

  it('is CANNOT_JUDGE without a face analysis', () => {
    const out = checkMaxPeople(crowd, {});
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '无关人员: no face analysis');
  });
});
