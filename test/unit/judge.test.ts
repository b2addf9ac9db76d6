// The judge and the rulebook: verdicts follow the evidence, missing evidence never passes, and the
// report built from a judgement matches the committed JSON Schema with personal numbers masked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combine, judge } from '../../judge/judge';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadRulebook, parseRulebook, rulebooksDir } from '../../rules/load';
import type { FacesEvidence } from '../../evidence/types';
import { facesEvidence, facts, ingest, integrity } from '../helpers/judge-evidence';
import { buildReport } from '../../report/build';
import { validateReport } from '../../report/validate';
import { renderReportHtml } from '../../report/html';

const book = loadRulebook();
const step = (j: ReturnType<typeof judge>, id: string) => j.steps.find((s) => s.id === id)!;

describe('rulebook', () => {
  it('loads the national rulebook with all ten standard steps and unique rule ids', () => {
    assert.equal(book.book.id, 'cn-national');
    assert.equal(Object.keys(book.book.steps).length, 10);
    assert.match(book.sha256, /^[0-9a-f]{64}$/);
  });

  it('rejects a rulebook with a duplicate rule id or a missing step', () => {
    const national = fs.readFileSync(book.file.startsWith('/') ? book.file : path.join(rulebooksDir(), book.file), 'utf8');
    assert.throws(() => parseRulebook(national.replace('id: CONT-CUT,', 'id: CONT-BLACK,'), 'dup.yaml'), /duplicate rule id CONT-BLACK/);
    const text = `id: x\nversion: 1.0.0\ntitle: t\nsteps:\n  continuity:\n    title: c\n    rules:\n      - { id: A-B, check: decodable, says: s }\n`;
    assert.throws(() => parseRulebook(text, 'x.yaml'), /steps\.opening/);
  });

  it('rejects an unknown check kind', () => {
    const text = `id: x\nversion: 1.0.0\ntitle: t\nsteps:\n  continuity:\n    title: c\n    rules:\n      - { id: A-B, check: looks_fine, says: s }\n`;
    assert.throws(() => parseRulebook(text, 'x.yaml'), /invalid/);
  });
});

describe('judge', () => {
  it('combines verdicts: FAIL beats CANNOT_JUDGE beats PASS, and nothing checked is not a PASS', () => {
    assert.equal(combine(['PASS', 'FAIL', 'CANNOT_JUDGE']), 'FAIL');
    assert.equal(combine(['PASS', 'CANNOT_JUDGE']), 'CANNOT_JUDGE');
    assert.equal(combine(['PASS', 'PASS']), 'PASS');
    assert.equal(combine([]), 'CANNOT_JUDGE');
  });

  it('a step the rulebook has no rules for is CANNOT_JUDGE, never PASS', () => {
    const { disclosure: _dropped, ...steps } = book.book.steps;
    // An older or partial rulebook: the schema's type has every step, a file may not.
    const j = judge({ ingest, integrity: integrity([]) }, { ...book, book: { ...book.book, steps: steps as typeof book.book.steps } });
    assert.equal(step(j, 'disclosure').verdict, 'CANNOT_JUDGE');
    assert.deepEqual(step(j, 'disclosure').reasons, ['the rulebook has no rules for disclosure']);
  });

  it('passes continuity on clean evidence but never passes a step whose analyser does not exist', () => {
    const j = judge({ ingest, integrity: integrity([]) }, book);
    assert.equal(step(j, 'continuity').verdict, 'PASS');
    assert.equal(step(j, 'coframing').verdict, 'CANNOT_JUDGE');
    assert.match(step(j, 'coframing').reasons.join(), /no face analysis/);
    assert.equal(step(j, 'opening').verdict, 'CANNOT_JUDGE');
    assert.match(step(j, 'opening').reasons.join(), /no speech analysis/);
    assert.equal(j.verdict, 'CANNOT_JUDGE');
  });

  it('fails continuity on a cut, with the rule id and the time as evidence', () => {
    const j = judge({ ingest, integrity: integrity([{ type: 'cut', at: 31.2, reason: 'splice', source: 'picture' }]) }, book);
    const c = step(j, 'continuity');
    assert.equal(c.verdict, 'FAIL');
    assert.ok(c.rules.some((r) => r.ruleId === 'CONT-CUT' && r.verdict === 'FAIL'));
    assert.equal(c.evidence[0]?.from, 31.2);
    assert.equal(j.verdict, 'FAIL');
  });

  it('makes continuity CANNOT_JUDGE on a suspected splice, with the flag as reason and in the judgement (old rulebook: PASS)', () => {
    const flag = { type: 'suspected_splice' as const, from: 42, reason: 'the whole picture changes at once but nothing else agrees' };
    const j = judge({ ingest, integrity: { ...integrity([]), flags: [flag] } }, loadRulebook('cn-national@1.5.0'));
    const c = step(j, 'continuity');
    assert.equal(c.verdict, 'CANNOT_JUDGE');
    assert.match(c.reasons.join(), /CONT-SPLICE-SUSPECT: .*42\.0 s: the whole picture changes at once but nothing else agrees/);
    assert.deepEqual(j.flags, [flag]);
    assert.deepEqual(j.defects, [], 'a flag is not a defect');
  });

  it('applies duration thresholds from the rulebook: a 1 s black flash passes, a 5 s black run fails', () => {
    const short = judge({ ingest, integrity: integrity([{ type: 'black', from: 10, to: 11, reason: 'b', source: 'picture' }]) }, book);
    assert.equal(step(short, 'continuity').verdict, 'PASS');
    assert.equal(short.defects.length, 0);
    const long = judge({ ingest, integrity: integrity([{ type: 'black', from: 10, to: 15, reason: 'b', source: 'picture' }]) }, book);
    assert.equal(step(long, 'continuity').verdict, 'FAIL');
    assert.equal(long.defects.length, 1);
  });

  it('fails continuity and co-framing when there is no video', () => {
    const j = judge({ ingest, integrity: integrity([{ type: 'no_video', reason: 'no video', source: 'streams' }], facts(false, true)) }, book);
    assert.equal(step(j, 'continuity').verdict, 'FAIL');
    assert.equal(step(j, 'coframing').verdict, 'FAIL');
  });

  it('says CANNOT_JUDGE everywhere, with the reason, for a file that is not media', () => {
    const j = judge({ ingest, integrity: integrity([{ type: 'unreadable', reason: 'not media', source: 'container' }], undefined, false) }, book);
    assert.equal(j.verdict, 'CANNOT_JUDGE');
    for (const s of j.steps) assert.equal(s.verdict, 'CANNOT_JUDGE', s.id);
    assert.match(step(j, 'continuity').reasons.join(), /not a readable media file/);
  });

  it('says CANNOT_JUDGE when the integrity analysis failed, naming the failure', () => {
    const j = judge({ ingest, failures: { integrity: 'worker lost' } }, book);
    assert.equal(step(j, 'continuity').verdict, 'CANNOT_JUDGE');
    assert.match(step(j, 'continuity').reasons.join(), /worker lost/);
  });
});

describe('co-framing (parties_in_frame)', () => {
  it('passes two parties together throughout, citing the ratio', () => {
    const c = step(judge({ ingest, integrity: integrity([]), faces: facesEvidence() }, book), 'coframing');
    assert.equal(c.verdict, 'PASS', c.reasons.join());
    assert.match(c.reasons.join(), /100\.0 %/);
  });

  it('fails a party out of frame for longer than the tolerance, with the span as evidence', () => {
    const faces = facesEvidence({ absences: [{ personId: 2, from: 20, to: 30 }], coframing: { ratio: 0.83, framesTogether: 100, framesJudged: 120 } });
    const c = step(judge({ ingest, integrity: integrity([]), faces }, book), 'coframing');
    assert.equal(c.verdict, 'FAIL');
    assert.equal(c.evidence[0]?.from, 20);
    assert.equal(c.evidence[0]?.kind, 'faces:absence');
  });

  it('tolerates an absence shorter than the rulebook tolerance', () => {
    const faces = facesEvidence({ absences: [{ personId: 2, from: 20, to: 21.5 }], coframing: { ratio: 0.975, framesTogether: 117, framesJudged: 120 } });
    assert.equal(step(judge({ ingest, integrity: integrity([]), faces }, book), 'coframing').verdict, 'PASS');
  });

  it('fails when only one person is ever visible', () => {
    const faces = facesEvidence({ parties: 1, maxCount: 1, coframing: { ratio: 0, framesTogether: 0, framesJudged: 120 } });
    assert.equal(step(judge({ ingest, integrity: integrity([]), faces }, book), 'coframing').verdict, 'FAIL');
  });

  it('cannot judge a dark stretch, saying when and why, instead of failing it', () => {
    const faces = facesEvidence({ unusable: [{ from: 30, to: 40, reason: 'too dark to recognise a face' }], coframing: { ratio: 1, framesTogether: 100, framesJudged: 100 } });
    const c = step(judge({ ingest, integrity: integrity([]), faces }, book), 'coframing');
    assert.equal(c.verdict, 'CANNOT_JUDGE');
    assert.match(c.reasons.join(), /30\.0–40\.0 s.*too dark/);
  });
});

describe('co-framing through a black picture', () => {
  it('cannot judge who was there during a black run (the integrity pass fails it), but ignores a timestamp gap', () => {
    const black = facesEvidence({ excluded: [{ from: 31, to: 39, why: 'black' }] });
    assert.equal(step(judge({ ingest, integrity: integrity([]), faces: black }, book), 'coframing').verdict, 'CANNOT_JUDGE');
    const gap = facesEvidence({ excluded: [{ from: 40, to: 43, why: 'timestamp_gap' }] });
    assert.equal(step(judge({ ingest, integrity: integrity([]), faces: gap }, book), 'coframing').verdict, 'PASS');
  });
});

describe('agent identity (enrolled_face_match)', () => {
  const rule = (faces: FacesEvidence) => step(judge({ ingest, integrity: integrity([]), faces }, book), 'agent_identity').rules.find((r) => r.ruleId === 'AGENT-FACE')!;
  const sims = (similarity: number, medianHeightPx = 90) => [
    { personId: 1, party: true, medianHeightPx, similarity },
    { personId: 2, party: true, medianHeightPx, similarity: 0.03 },
  ];
  it('does not apply without an enrolled photo (and so cannot make the step pass)', () => {
    const r = rule(facesEvidence());
    assert.equal(r.applies, false);
  });
  it('passes a match, fails a mismatch, citing the similarity', () => {
    const match = rule(facesEvidence({ identity: [{ role: 'agent', key: 'p.jpg', usable: true, similarities: sims(0.91) }] }));
    assert.equal(match.verdict, 'PASS');
    assert.match(match.reason, /0\.91/);
    const mismatch = rule(facesEvidence({ identity: [{ role: 'agent', key: 'p.jpg', usable: true, similarities: sims(0.12) }] }));
    assert.equal(mismatch.verdict, 'FAIL');
  });
  it('says CANNOT_JUDGE, not mismatch, when faces are too small or the photo is unusable', () => {
    assert.equal(rule(facesEvidence({ identity: [{ role: 'agent', key: 'p.jpg', usable: true, similarities: sims(0.1, 30) }] })).verdict, 'CANNOT_JUDGE');
    assert.equal(rule(facesEvidence({ identity: [{ role: 'agent', key: 'p.jpg', usable: false, problem: 'no face in the photo', similarities: [] }] })).verdict, 'CANNOT_JUDGE');
  });
});

describe('report', () => {
  const ev = integrity([{ type: 'cut', at: 5, reason: 'timestamps jump', source: 'container' }]);
  const j = judge({ ingest, integrity: ev }, book);
  const reportOf = (judgement: typeof j) =>
    buildReport({
      recordingId: ingest.recordingId,
      revision: 1,
      createdAt: '2026-11-27T00:00:00.000Z',
      ingest,
      integrity: ev,
      judgement,
      failures: {},
      evidenceKeys: { ingest: 'a/ingest.json' },
      inspection: { workflowId: 'w', runId: 'r' },
      versions: { dualqa: '0.1.0', ffmpeg: 'ffmpeg 5.1' },
      timings: [{ activity: 'ingest', ms: 12 }],
    });
  const report = reportOf(j);

  it('matches schemas/report.schema.json', () => {
    assert.deepEqual(validateReport(report), []);
  });

  it('is caught by the schema when broken', () => {
    assert.notDeepEqual(validateReport({ ...report, verdict: 'MAYBE' }), []);
  });

  it('carries speaker turns (voices) the schema knows, uncertain included', () => {
    const voices = [{ from: 1, to: 2, speaker: 'uncertain', source: 'voice', margin: null }, { from: 2, to: 3, speaker: 'agent', source: 'channels', margin: 0.3 }];
    assert.deepEqual(validateReport({ ...report, voices }), []);
    assert.notDeepEqual(validateReport({ ...report, voices: [{ ...voices[0], speaker: 'maybe' }] }), []);
  });

  it('masks the ID number in the key and the licence number, in JSON and HTML', () => {
    const json = JSON.stringify(report);
    const html = renderReportHtml(report);
    for (const text of [json, html]) {
      assert.ok(!text.includes('11010519491231002X'));
      assert.ok(!text.includes('02000132010080002345'));
    }
    assert.ok(json.includes('1101**********002X'));
    assert.equal(report.verdict, 'FAIL');
    assert.match(html, /不合格 FAIL/);
  });

  it('carries flags as "to look at" items: in report.json (schema-valid) and in report.html', () => {
    const flagged = judge({ ingest, integrity: { ...ev, flags: [{ type: 'suspected_splice', from: 42, reason: 'picture changes at once, nothing else agrees', detail: { changedShare: 0.94 } }] } }, book);
    const withFlags = reportOf(flagged);
    assert.deepEqual(withFlags.flags, [{ type: 'suspected_splice', from: 42, reason: 'picture changes at once, nothing else agrees' }]);
    assert.deepEqual(validateReport(withFlags), []);
    assert.notDeepEqual(validateReport({ ...withFlags, flags: [{ type: 'suspected_splice', reason: 'no time' }] }), []);
    const html = renderReportHtml(withFlags);
    assert.match(html, /To look at · 待复核[\s\S]*suspected_splice<\/code> picture changes at once, nothing else agrees/);
    const { flags: _none, ...old } = withFlags;
    assert.deepEqual(validateReport(old), [], 'reports written before flags stay valid');
    assert.doesNotMatch(renderReportHtml(old), /To look at/);
  });

  it('keeps evidence frame keys whole (a hash with a digit run is not a number to mask), masking the text beside them', () => {
    const frameKey = 'customer_leaves-cf8212345678940f2/frames/faces-46.5s.jpg';
    const first = j.steps[0]!;
    const cited = { ...j, steps: [{ ...first, evidence: [{ from: 46.5, to: 50, kind: 'faces:absence', text: 'ID 11010519491231002X left', frameKey }] }, ...j.steps.slice(1)] };
    const item = reportOf(cited).steps[0]!.evidence[0]!;
    assert.equal(item.frameKey, frameKey);
    assert.equal(item.text, 'ID 1101**********002X left');
  });
});
