// The integrity checks (judge/checks/streams.ts), one case per verdict branch: streams present, the file
// decodes, no defect of a kind. Missing or unreadable integrity evidence is never a PASS.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDecodable, checkNoDefect, checkNoSuspectedSplice, checkStreamsPresent, outstandingFlags } from '../../judge/checks/streams';
import type { EvidenceDefect, EvidenceFlag, IntegrityEvidence } from '../../evidence/types';
import { documentsEvidence, facesEvidence, facts, integrity, showing } from '../helpers/judge-evidence';
import { rule } from '../helpers/speech-evidence';

const cut: EvidenceDefect = { type: 'cut', at: 31.2, reason: 'timestamps jump by 4.00 s', source: 'container' };
/** What the integrity pass writes for a file the prober could not read: no stream facts, no decode. */
function unreadable(): IntegrityEvidence {
  const { media: _media, ...ev } = integrity([], undefined, false);
  return ev;
}
const black = (from: number, to: number): EvidenceDefect => ({ type: 'black', from, to, reason: `black ${from}–${to}`, source: 'picture' });

describe('streams_present', () => {
  const both = rule({ check: 'streams_present', says: 'picture and sound', streams: ['video', 'audio'] });

  it('PASSes when every listed stream is there', () => {
    const out = checkStreamsPresent(both, { integrity: integrity([]) });
    assert.equal(out.verdict, 'PASS');
    assert.equal(out.reason, 'video and audio present');
  });

  it('FAILs a missing stream, naming it, with the whole recording as evidence', () => {
    const out = checkStreamsPresent(both, { integrity: integrity([], facts(true, false)) });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, 'picture and sound: the recording has no 声音 (audio) stream');
    assert.deepEqual(out.evidence, [{ from: 0, to: 60, kind: 'defect:no_audio', text: 'no 声音 (audio) stream' }]);
    const neither = checkStreamsPresent(both, { integrity: integrity([], facts(false, false)) });
    assert.equal(neither.verdict, 'FAIL');
    assert.equal(neither.evidence[0]?.kind, 'defect:no_video,defect:no_audio');
  });

  it('ignores a missing stream the rule does not list', () => {
    const video = rule({ check: 'streams_present', streams: ['video'] });
    assert.equal(checkStreamsPresent(video, { integrity: integrity([], facts(true, false)) }).verdict, 'PASS');
  });

  it('is CANNOT_JUDGE without stream facts, saying why', () => {
    const notRun = checkStreamsPresent(both, {});
    assert.equal(notRun.verdict, 'CANNOT_JUDGE');
    assert.equal(notRun.reason, 'the integrity analysis has not run');
    assert.equal(checkStreamsPresent(both, { failures: { integrity: 'worker lost' } }).reason, 'the integrity analysis failed: worker lost');
    const notMedia = checkStreamsPresent(both, { integrity: unreadable() });
    assert.equal(notMedia.verdict, 'CANNOT_JUDGE');
    assert.equal(notMedia.reason, 'the file cannot be inspected: not a readable media file');
    const { media: _media, ...noMedia } = integrity([]);
    const noFacts = checkStreamsPresent(both, { integrity: noMedia });
    assert.equal(noFacts.verdict, 'CANNOT_JUDGE');
    assert.equal(noFacts.reason, 'stream facts unknown');
  });
});

describe('decodable', () => {
  const decodable = rule({ check: 'decodable' });

  it('PASSes a file the decoder read, citing the seconds decoded', () => {
    const out = checkDecodable(decodable, { integrity: integrity([]) });
    assert.equal(out.verdict, 'PASS');
    assert.equal(out.reason, 'decoded 60 s of video and 60 s of audio');
  });

  it('is CANNOT_JUDGE for an unreadable file or a missing analysis', () => {
    const out = checkDecodable(decodable, { integrity: unreadable() });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, 'the file cannot be inspected: not a readable media file');
    const { problem: _problem, ...bare } = unreadable();
    assert.equal(checkDecodable(decodable, { integrity: bare }).reason, 'the file cannot be inspected: unreadable');
    assert.equal(checkDecodable(decodable, {}).verdict, 'CANNOT_JUDGE');
  });

  it('is CANNOT_JUDGE for a decoded recording with a stretch that could not be decoded: it cannot be shown whole', () => {
    const hole: EvidenceDefect = { type: 'undecodable', from: 20, to: 22, reason: 'the video could not be decoded', source: 'decoder', detail: { stream: 'video', packets: 10 } };
    const out = checkDecodable(decodable, { integrity: integrity([hole]) });
    assert.equal(out.verdict, 'CANNOT_JUDGE', out.reason);
    assert.match(out.reason, /cannot be shown to be whole/);
  });

  it('is CANNOT_JUDGE, not "decoded 0 s", for a readable file without decode facts', () => {
    const { decode: _decode, ...undecoded } = integrity([]);
    const out = checkDecodable(decodable, { integrity: undecoded });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, 'the integrity evidence says readable but holds no decode facts');
  });
});

describe('no_defect', () => {
  const noCut = rule({ check: 'no_defect', says: 'uncut', defect: 'cut' });
  const noBlack = rule({ check: 'no_defect', says: 'no black picture', defect: 'black', minS: 3 });

  it('FAILs on a defect of its type, with the time and reason as evidence', () => {
    const out = checkNoDefect(noCut, { integrity: integrity([cut]) });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, 'uncut: timestamps jump by 4.00 s');
    assert.deepEqual(out.evidence, [{ from: 31.2, to: 31.2, kind: 'defect:cut', text: 'timestamps jump by 4.00 s' }]);
  });

  it('counts a span defect from its threshold on (3 s counts, 2.9 s does not)', () => {
    const out = checkNoDefect(noBlack, { integrity: integrity([black(10, 12.9), black(20, 23)]) });
    assert.equal(out.verdict, 'FAIL');
    assert.deepEqual(out.evidence, [{ from: 20, to: 23, kind: 'defect:black', text: 'black 20–23' }]);
    const short = checkNoDefect(noBlack, { integrity: integrity([black(10, 12.9)]) });
    assert.equal(short.verdict, 'PASS');
    assert.equal(short.reason, 'no black of 3 s or more found');
  });

  it('PASSes clean evidence, ignoring defects of other types', () => {
    const out = checkNoDefect(noCut, { integrity: integrity([black(10, 20)]) });
    assert.equal(out.verdict, 'PASS');
    assert.equal(out.reason, 'no cut found');
  });

  it('FAILs a proven truncation even on a file that cannot be decoded', () => {
    const truncated = rule({ check: 'no_defect', says: 'whole', defect: 'truncated' });
    const ev = { ...unreadable(), defects: [{ type: 'truncated' as const, reason: 'moov atom not found', source: 'container' as const }] };
    const out = checkNoDefect(truncated, { integrity: ev });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, 'whole: moov atom not found');
    assert.deepEqual(out.evidence, [{ from: 0, to: 0, kind: 'defect:truncated', text: 'moov atom not found' }]);
  });

  it('is CANNOT_JUDGE on an unreadable file with no such defect', () => {
    const out = checkNoDefect(noCut, { integrity: unreadable() });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, 'the file cannot be inspected: not a readable media file');
    assert.equal(checkNoDefect(noCut, { failures: { integrity: 'worker lost' } }).reason, 'the integrity analysis failed: worker lost');
  });

  it('is CANNOT_JUDGE when the decoder stopped early, except for truncation itself', () => {
    const base = integrity([]);
    const early = { ...base, decode: { ...base.decode!, videoDecodedS: 42.5, complete: false } };
    const out = checkNoDefect(noCut, { integrity: early });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, 'the decoder stopped early at 42.5 s: the rest cannot be checked for cut');
    const truncated = rule({ check: 'no_defect', defect: 'truncated' });
    assert.equal(checkNoDefect(truncated, { integrity: early }).verdict, 'PASS');
  });
});

describe('no_suspected_splice', () => {
  const suspect = rule({ check: 'no_suspected_splice', says: '疑似拼接须由人工复核', withinS: 1 });
  const flag: EvidenceFlag = { type: 'suspected_splice', from: 42, reason: 'the whole picture changes at once but nothing else agrees' };
  const flagged = (defects: EvidenceDefect[] = []): IntegrityEvidence => ({ ...integrity(defects), flags: [flag] });
  const jump: EvidenceDefect = { type: 'clock_jump', at: 42.6, reason: 'the recorder clock jumps 95 s', source: 'picture' };

  it('PASSes without flags, and on old evidence that has no flags field', () => {
    assert.equal(checkNoSuspectedSplice(suspect, { integrity: integrity([]) }).verdict, 'PASS');
    assert.equal(checkNoSuspectedSplice(suspect, { integrity: { ...integrity([]), flags: [] } }).reason, 'no suspected splice');
  });

  it('is CANNOT_JUDGE for a reviewer on a flag no other evidence settles, with the flag as reason and evidence (old rulebook: continuity PASSed)', () => {
    const out = checkNoSuspectedSplice(suspect, { integrity: flagged(), documents: documentsEvidence() });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.match(out.reason, /a reviewer should look — 42\.0 s: the whole picture changes at once but nothing else agrees/);
    assert.deepEqual(out.evidence, [{ from: 42, to: 42, kind: 'flag:suspected_splice', text: flag.reason }]);
    assert.deepEqual(outstandingFlags({ integrity: flagged() }), [flag]);
  });

  it('FAILs when the recorder clock jumps within 1 s of the flag, citing both', () => {
    const out = checkNoSuspectedSplice(suspect, { integrity: flagged(), documents: documentsEvidence({ defects: [jump] }) });
    assert.equal(out.verdict, 'FAIL');
    assert.match(out.reason, /nothing else agrees; at the same time the recorder clock jumps 95 s/);
    assert.deepEqual(out.evidence.map((e) => e.kind), ['flag:suspected_splice', 'defect:clock_jump']);
    assert.deepEqual(outstandingFlags({ integrity: flagged(), documents: documentsEvidence({ defects: [jump] }) }), [], 'a confirmed flag is a defect, not a flag');
  });

  it('FAILs on a timestamp cut at the same instant, not on a clock jump 5 s away', () => {
    const gap: EvidenceDefect = { type: 'cut', at: 41.5, reason: 'timestamps jump by 2.00 s', source: 'container' };
    assert.equal(checkNoSuspectedSplice(suspect, { integrity: flagged([gap]) }).verdict, 'FAIL');
    const far = { ...jump, at: 47 };
    assert.equal(checkNoSuspectedSplice(suspect, { integrity: flagged(), documents: documentsEvidence({ defects: [far] }) }).verdict, 'CANNOT_JUDGE');
  });

  it('PASSes a flag that a document showing starting at that instant explains, saying so', () => {
    const docs = documentsEvidence({ showings: [showing(1, 'risk_notice', 42.3, 60)] });
    const out = checkNoSuspectedSplice(suspect, { integrity: flagged(), documents: docs });
    assert.equal(out.verdict, 'PASS');
    assert.match(out.reason, /42\.0 s is where risk_notice is shown \(42\.3–60\.0 s\)/);
    assert.deepEqual(outstandingFlags({ integrity: flagged(), documents: docs }), []);
  });

  it('PASSes a change of part of the picture where a document is taken away (a screen share switching pages), not a whole new picture', () => {
    const docs = documentsEvidence({ showings: [showing(1, 'risk_notice', 30, 42.1)] });
    const partFlag: EvidenceFlag = { ...flag, reason: 'part of the picture changes at once (19 % of the frame)', detail: { changedShare: 0.19 } };
    const part = checkNoSuspectedSplice(suspect, { integrity: { ...integrity([]), flags: [partFlag] }, documents: docs });
    assert.equal(part.verdict, 'PASS', part.reason);
    assert.match(part.reason, /42\.0 s is where risk_notice is shown \(30\.0–42\.1 s\)/);
    const wholeFlag: EvidenceFlag = { ...flag, detail: { changedShare: 0.94 } };
    assert.equal(checkNoSuspectedSplice(suspect, { integrity: { ...integrity([]), flags: [wholeFlag] }, documents: docs }).verdict, 'CANNOT_JUDGE');
    const later = documentsEvidence({ showings: [showing(1, 'risk_notice', 30, 44)] });
    assert.equal(checkNoSuspectedSplice(suspect, { integrity: { ...integrity([]), flags: [partFlag] }, documents: later }).verdict, 'CANNOT_JUDGE');
  });

  it('PASSes a flag where the picture goes dark or black or comes back (lights off, lens covered: the scene, judged by its own rules)', () => {
    const dark = facesEvidence({ unusable: [{ from: 42.1, to: 52, reason: 'too dark to see faces' }] });
    const out = checkNoSuspectedSplice(suspect, { integrity: flagged(), faces: dark });
    assert.equal(out.verdict, 'PASS', out.reason);
    assert.match(out.reason, /a dark or black picture/);
    const black: EvidenceDefect = { type: 'black', from: 34, to: 42.4, reason: 'black for 8 s', source: 'picture' };
    assert.equal(checkNoSuspectedSplice(suspect, { integrity: flagged([black]) }).verdict, 'PASS');
    const elsewhere = facesEvidence({ unusable: [{ from: 10, to: 20, reason: 'too dark to see faces' }] });
    assert.equal(checkNoSuspectedSplice(suspect, { integrity: flagged(), faces: elsewhere }).verdict, 'CANNOT_JUDGE');
  });

  it('is CANNOT_JUDGE when the file cannot be read', () => {
    assert.equal(checkNoSuspectedSplice(suspect, {}).verdict, 'CANNOT_JUDGE');
  });
});
