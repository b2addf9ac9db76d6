// Checks on the documents evidence (OCR of what was held to the camera, and the burned-in recorder
// clock): documents shown legibly, the licence number against the insurer's record, a clock that never jumps.
import type { DocumentsEvidence } from '../../evidence/types';
import type { EvidenceItem, EvidenceSet, RuleOutcome } from '../types';
import { damaged, damagedNear, damagedText, defectItem, span, type CheckOf } from './shared';
import { saidShown } from './documents-said';

function noDocuments(ruleId: string, says: string, ev: EvidenceSet): RuleOutcome {
  const failure = ev.failures?.documents;
  return { ruleId, verdict: 'CANNOT_JUDGE', reason: `${says}: ${failure ? `the document analysis failed (${failure})` : 'no document analysis'}`, evidence: [] };
}

export function checkDocumentShown(rule: CheckOf<'document_shown'>, ev: EvidenceSet): RuleOutcome {
  const docs = ev.documents;
  if (!docs) return noDocuments(rule.id, rule.says, ev);
  const wanted = [...rule.types.map((t) => ({ key: t, match: (s: DocumentsEvidence['showings'][number]) => s.type === t })), ...rule.labels.map((l) => ({ key: l, match: (s: DocumentsEvidence['showings'][number]) => s.label === l }))];
  const missing: string[] = [];
  const unreadable: string[] = [];
  const evidence: EvidenceItem[] = [];
  const seen: string[] = [];
  for (const w of wanted) {
    const showings = docs.showings.filter(w.match);
    const legible = showings.filter((s) => s.legible);
    if (legible.length) {
      const first = legible[0]!;
      const thumb = docs.thumbnails.find((t) => t.showingId === first.id);
      seen.push(`${w.key} ${span(first.from, first.to)}`);
      evidence.push({ from: first.from, to: first.to, kind: `document:${w.key}`, text: `${w.key} shown and read`, ...(thumb ? { frameKey: thumb.key } : {}) });
    } else if (showings.length) {
      unreadable.push(`${w.key} (${showings.map((s) => `${span(s.from, s.to)}: ${s.reason ?? 'not readable'}`).join('; ')})`);
      for (const s of showings) evidence.push({ from: s.from, to: s.to, kind: `document:${w.key}`, text: s.reason ?? 'not readable' });
    } else {
      missing.push(w.key);
    }
  }
  // A document shown but unreadable and of unknown type may be one of the missing ones: not judgeable, not FAIL.
  const unknown = missing.length ? docs.showings.filter((s) => s.type === 'other' && !s.label && !s.legible) : [];
  if (missing.length && unknown.length) {
    for (const s of unknown) evidence.push({ from: s.from, to: s.to, kind: 'document:unreadable', text: s.reason ?? 'not readable' });
    const shown = unknown.map((s) => `${span(s.from, s.to)}: ${s.reason ?? 'not readable'}`).join('; ');
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: not shown legibly: ${missing.join(', ')}; a document shown could not be read (${shown})`, evidence };
  }
  // Not seen is not "never shown" where the picture could not be decoded.
  const holes = damaged(ev, 'video');
  if (missing.length && holes.length) {
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: not seen: ${missing.join(', ')}; but ${damagedText(holes, 'video')}: it may have been shown there`, evidence: [...evidence, ...holes.map(defectItem)] };
  }
  // Not seen, but said to be shown: the OCR may have missed it (a small overlay, an angle).
  const said = missing.flatMap((type) => saidShown(ev.speech, type).map((item) => ({ type, item })));
  if (said.length) {
    const where = said.map(({ type, item }) => `${type} at ${item.from.toFixed(1)} s (“${item.text}”)`).join('; ');
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: not seen in the picture: ${missing.join(', ')}; but the speech says it is being shown (${where}): the document reader may have missed it`, evidence: [...evidence, ...said.map((s) => s.item)] };
  }
  if (missing.length) return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: never shown: ${missing.join(', ')}`, evidence };
  if (unreadable.length) return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: shown but not readable: ${unreadable.join('; ')}`, evidence };
  return { ruleId: rule.id, verdict: 'PASS', reason: `shown legibly: ${seen.join(', ')}`, evidence };
}

export function checkLicenceMatchesSidecar(rule: CheckOf<'licence_matches_sidecar'>, ev: EvidenceSet): RuleOutcome {
  const docs = ev.documents;
  if (!docs) return noDocuments(rule.id, rule.says, ev);
  const licences = docs.showings.filter((s) => s.type === 'agent_licence' && s.legible);
  const results = licences.map((s) => (s.fields as { licenceNo?: { expected?: string; masked?: string } }).licenceNo?.expected).filter((x): x is string => Boolean(x));
  if (results.length === 0) {
    const expectedKnown = ev.ingest?.sidecar.status === 'ok' && Boolean(ev.ingest.sidecar.meta.agent?.licenceNo);
    if (!expectedKnown) return { ruleId: rule.id, applies: false, verdict: 'CANNOT_JUDGE', reason: 'not applied: the sidecar gives no licence number', evidence: [] };
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: no licence number could be read from a shown 执业证`, evidence: [] };
  }
  if (results.includes('exact')) return { ruleId: rule.id, verdict: 'PASS', reason: 'the licence number shown agrees with the insurer’s record', evidence: [] };
  if (results.includes('near')) return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: the number read is close to the record but not equal (an OCR slip or a different licence)`, evidence: [] };
  return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: the licence number shown differs from the insurer’s record`, evidence: [] };
}

export function checkClockContinuous(rule: CheckOf<'clock_continuous'>, ev: EvidenceSet): RuleOutcome {
  const docs = ev.documents;
  if (!docs) return { ruleId: rule.id, applies: false, verdict: 'CANNOT_JUDGE', reason: `not applied: ${ev.failures?.documents ? `the document analysis failed (${ev.failures.documents})` : 'the recorder clock was not read'}`, evidence: [] };
  const jumps = docs.defects.filter((d) => d.type === 'clock_jump');
  // A clock read from garbled pictures next to a damaged span is not a reading to hold against the recording.
  const nearDamage = jumps.filter((d) => damagedNear(ev, 'video', d.at ?? d.from ?? 0, d.to ?? d.at ?? d.from ?? 0, 1).length > 0);
  if (jumps.length && nearDamage.length === jumps.length) {
    const holes = damaged(ev, 'video');
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: ${jumps.map((d) => d.reason).join('; ')} — at ${damagedText(holes, 'video')}: the clock there cannot be read reliably`, evidence: [...jumps.map(defectItem), ...holes.map(defectItem)] };
  }
  if (jumps.length) return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: ${jumps.map((d) => d.reason).join('; ')}`, evidence: jumps.map(defectItem) };
  if (docs.clock.status !== 'ok') return { ruleId: rule.id, applies: false, verdict: 'CANNOT_JUDGE', reason: `not applied: recorder clock ${docs.clock.status}${docs.clock.reason ? ` (${docs.clock.reason})` : ''}`, evidence: [] };
  return { ruleId: rule.id, verdict: 'PASS', reason: `the recorder clock runs with the media (${docs.clock.readings} readings)`, evidence: [] };
}
