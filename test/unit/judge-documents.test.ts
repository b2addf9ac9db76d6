// The document checks (judge/checks/documents.ts), one case per verdict branch: documents shown legibly,
// the licence number on the 执业证 against the insurer's record, and the burned-in recorder clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkClockContinuous, checkDocumentShown, checkLicenceMatchesSidecar } from '../../judge/checks/documents';
import type { DocumentsEvidence, EvidenceDefect, IngestEvidence } from '../../evidence/types';
import type { Agreement } from '../../media/documents/fields';
import { documentsEvidence, ingest, integrity, showing } from '../helpers/judge-evidence';
import { rule, speechEvidence } from '../helpers/speech-evidence';

describe('document_shown', () => {
  const shown = rule({ check: 'document_shown', says: '出示证件', types: ['agent_licence', 'id_card'], labels: ['application_form'] });
  const all = [
    showing(1, 'agent_licence', 5, 8),
    showing(2, 'id_card', 10, 12.5),
    showing(3, 'other', 20, 24, { label: 'application_form' }),
  ];

  it('PASSes every type and label shown legibly, with their spans and thumbnails', () => {
    const docs = documentsEvidence({ showings: all, thumbnails: [{ at: 6, key: 'r/frames/doc-1.jpg', why: 'document', showingId: 1 }] });
    const out = checkDocumentShown(shown, { documents: docs });
    assert.equal(out.verdict, 'PASS');
    assert.equal(out.reason, 'shown legibly: agent_licence 5.0–8.0 s, id_card 10.0–12.5 s, application_form 20.0–24.0 s');
    assert.deepEqual(out.evidence[0], { from: 5, to: 8, kind: 'document:agent_licence', text: 'agent_licence shown and read', frameKey: 'r/frames/doc-1.jpg' });
    assert.deepEqual(out.evidence[2], { from: 20, to: 24, kind: 'document:application_form', text: 'application_form shown and read' });
  });

  it('FAILs a document never shown, naming it', () => {
    const out = checkDocumentShown(shown, { documents: documentsEvidence({ showings: [all[0]!, all[2]!] }) });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, '出示证件: never shown: id_card');
    assert.deepEqual(out.evidence.map((e) => e.kind), ['document:agent_licence', 'document:application_form']);
  });

  it('FAILs a missing document even beside an unreadable one whose type or label is known', () => {
    const labelled = showing(4, 'other', 30, 31, { legible: false, reason: 'too brief', label: 'risk_notice_form' });
    const legibleOther = showing(5, 'other', 40, 44);
    const out = checkDocumentShown(shown, { documents: documentsEvidence({ showings: [all[0]!, all[2]!, labelled, legibleOther] }) });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, '出示证件: never shown: id_card');
  });

  it('is CANNOT_JUDGE when the picture shows no id card but the customer says she is showing it; a request alone still FAILs', () => {
    const docs = documentsEvidence({ showings: [all[0]!, all[2]!] });
    const showingIt = checkDocumentShown(shown, { documents: docs, speech: speechEvidence([[26, 28, '请出示您的身份证'], [29, 31, '好的，这是我的身份证']]) });
    assert.equal(showingIt.verdict, 'CANNOT_JUDGE');
    assert.match(showingIt.reason, /speech says it is being shown \(id_card at 30\.\d s \(“这是我的身份证”\)\)/);
    assert.equal(showingIt.evidence.at(-1)?.kind, 'speech:showing');
    const requested = checkDocumentShown(shown, { documents: docs, speech: speechEvidence([[26, 28, '请出示您的身份证'], [29, 31, '好的']]) });
    assert.equal(requested.verdict, 'FAIL');
  });

  it('is CANNOT_JUDGE for a document not seen where the picture could not be decoded', () => {
    const broken = integrity([{ type: 'undecodable', from: 9, to: 14, reason: 'damaged', source: 'decoder', detail: { stream: 'video' } }]);
    const out = checkDocumentShown(shown, { integrity: broken, documents: documentsEvidence({ showings: [all[0]!, all[2]!] }) });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.match(out.reason, /not seen: id_card; but the picture 9\.0–14\.0 s could not be decoded/);
  });

  it('is CANNOT_JUDGE when a missing document may be an unreadable one of unknown type', () => {
    const blur = showing(6, 'other', 14, 15.5, { legible: false, reason: 'blurred' });
    const out = checkDocumentShown(shown, { documents: documentsEvidence({ showings: [all[0]!, all[2]!, blur] }) });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '出示证件: not shown legibly: id_card; a document shown could not be read (14.0–15.5 s: blurred)');
    assert.deepEqual(out.evidence.at(-1), { from: 14, to: 15.5, kind: 'document:unreadable', text: 'blurred' });
  });

  it('is CANNOT_JUDGE for a document shown but never readable, with each showing', () => {
    const small = showing(7, 'id_card', 10, 11, { legible: false, reason: 'too small' });
    const unsaid = showing(8, 'id_card', 30, 31, { legible: false });
    const out = checkDocumentShown(shown, { documents: documentsEvidence({ showings: [all[0]!, small, unsaid, all[2]!] }) });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '出示证件: shown but not readable: id_card (10.0–11.0 s: too small; 30.0–31.0 s: not readable)');
    assert.deepEqual(out.evidence.filter((e) => e.kind === 'document:id_card').map((e) => [e.from, e.text]), [[10, 'too small'], [30, 'not readable']]);
  });

  it('is CANNOT_JUDGE without a document analysis, naming a failure', () => {
    const none = checkDocumentShown(shown, {});
    assert.equal(none.verdict, 'CANNOT_JUDGE');
    assert.equal(none.reason, '出示证件: no document analysis');
    assert.equal(checkDocumentShown(shown, { failures: { documents: 'ocr down' } }).reason, '出示证件: the document analysis failed (ocr down)');
  });
});

describe('licence_matches_sidecar', () => {
  const licence = rule({ check: 'licence_matches_sidecar', says: '执业证号一致' });
  const licenceShown = (id: number, expected: Agreement, legible = true) =>
    showing(id, 'agent_licence', 5 + id, 8 + id, { legible, fields: { licenceNo: { masked: '0200**********2345', length: 20, expected } } });
  const judged = (showings: DocumentsEvidence['showings'], ing: IngestEvidence = ingest) => checkLicenceMatchesSidecar(licence, { ingest: ing, documents: documentsEvidence({ showings }) });

  it('PASSes a number that agrees with the record, whatever other showings read', () => {
    const out = judged([licenceShown(1, 'different'), licenceShown(2, 'exact')]);
    assert.equal(out.verdict, 'PASS');
    assert.equal(out.reason, 'the licence number shown agrees with the insurer’s record');
  });

  it('is CANNOT_JUDGE for a number one character off the record', () => {
    const out = judged([licenceShown(1, 'different'), licenceShown(2, 'near')]);
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '执业证号一致: the number read is close to the record but not equal (an OCR slip or a different licence)');
  });

  it('FAILs a licence number that differs from the record', () => {
    const out = judged([licenceShown(1, 'different')]);
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.applies, undefined);
    assert.equal(out.reason, '执业证号一致: the licence number shown differs from the insurer’s record');
  });

  it('is CANNOT_JUDGE when the sidecar has a number but none was read (an illegible 执业证 is not read)', () => {
    for (const showings of [[], [licenceShown(1, 'different', false)], [showing(2, 'agent_licence', 5, 8)]]) {
      const out = judged(showings);
      assert.equal(out.verdict, 'CANNOT_JUDGE');
      assert.equal(out.applies, undefined);
      assert.equal(out.reason, '执业证号一致: no licence number could be read from a shown 执业证');
    }
  });

  it('does not apply when the sidecar gives no licence number', () => {
    const noNumber: IngestEvidence = { ...ingest, sidecar: { status: 'ok', key: 'k', meta: { agent: { name: '王芳' } } } };
    for (const ing of [noNumber, { ...ingest, sidecar: { status: 'absent' as const } }]) {
      const out = judged([], ing);
      assert.equal(out.applies, false);
      assert.equal(out.verdict, 'CANNOT_JUDGE');
      assert.equal(out.reason, 'not applied: the sidecar gives no licence number');
    }
  });

  it('is CANNOT_JUDGE without a document analysis', () => {
    const out = checkLicenceMatchesSidecar(licence, { ingest, failures: { documents: 'ocr down' } });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.applies, undefined);
    assert.equal(out.reason, '执业证号一致: the document analysis failed (ocr down)');
  });
});

describe('clock_continuous', () => {
  const clock = rule({ check: 'clock_continuous', says: '时间连续' });
  const jump: EvidenceDefect = { type: 'clock_jump', at: 47.5, reason: 'the recorder clock jumps 120 s ahead at 47.5 s', source: 'picture' };

  it('PASSes a clock read throughout without a jump, citing the readings', () => {
    const out = checkClockContinuous(clock, { documents: documentsEvidence() });
    assert.equal(out.verdict, 'PASS');
    assert.equal(out.reason, 'the recorder clock runs with the media (30 readings)');
  });

  it('FAILs a clock jump, with its time as evidence, even where the clock was only partly read', () => {
    const out = checkClockContinuous(clock, { documents: documentsEvidence({ defects: [jump] }) });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, '时间连续: the recorder clock jumps 120 s ahead at 47.5 s');
    assert.deepEqual(out.evidence, [{ from: 47.5, to: 47.5, kind: 'defect:clock_jump', text: jump.reason }]);
    const partial = documentsEvidence({ defects: [jump], clock: { ...documentsEvidence().clock, status: 'partial', reason: 'unread 10–20 s' } });
    assert.equal(checkClockContinuous(clock, { documents: partial }).verdict, 'FAIL');
  });

  it('does not apply when the clock was not found or not read well enough', () => {
    const notFound = documentsEvidence({ clock: { ...documentsEvidence().clock, status: 'not_found' } });
    const out = checkClockContinuous(clock, { documents: notFound });
    assert.equal(out.applies, false);
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, 'not applied: recorder clock not_found');
    const partial = documentsEvidence({ clock: { ...documentsEvidence().clock, status: 'partial', reason: 'unread 10–20 s' } });
    assert.equal(checkClockContinuous(clock, { documents: partial }).reason, 'not applied: recorder clock partial (unread 10–20 s)');
  });

  it('is CANNOT_JUDGE for a clock jump read next to a damaged stretch of picture', () => {
    const broken = integrity([{ type: 'undecodable', from: 46, to: 48, reason: 'damaged', source: 'decoder', detail: { stream: 'video' } }]);
    const out = checkClockContinuous(clock, { integrity: broken, documents: documentsEvidence({ defects: [jump] }) });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.match(out.reason, /the clock there cannot be read reliably/);
  });

  it('does not apply without a document analysis, naming a failure', () => {
    const out = checkClockContinuous(clock, {});
    assert.equal(out.applies, false);
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, 'not applied: the recorder clock was not read');
    assert.equal(checkClockContinuous(clock, { failures: { documents: 'ocr down' } }).reason, 'not applied: the document analysis failed (ocr down)');
  });
});
