// One function per rule check kind. Each returns PASS only when the evidence it needs was collected and
// shows the requirement met; missing evidence is CANNOT_JUDGE with the reason.
import type { DocumentsEvidence, EvidenceDefect } from '../evidence/types';
import type { Rule } from '../rules/schema';
import type { EvidenceItem, EvidenceSet, RuleOutcome } from './types';
import { checkCustomerAnswers, checkNoMisleadingTalk, checkStatementSaid } from './speech-checks';

type CheckOf<K extends Rule['check']> = Extract<Rule, { check: K }>;

const STREAM_NAMES = { video: '画面 (video)', audio: '声音 (audio)' } as const;

export function defectSpanS(d: EvidenceDefect): number {
  return d.from !== undefined && d.to !== undefined ? d.to - d.from : 0;
}

export function defectItem(d: EvidenceDefect): EvidenceItem {
  const from = d.at ?? d.from ?? 0;
  return { from, to: d.to ?? from, kind: `defect:${d.type}`, text: d.reason };
}

function unreadableReason(ev: EvidenceSet): string | null {
  const integrity = ev.integrity;
  if (!integrity) return ev.failures?.integrity ? `the integrity analysis failed: ${ev.failures.integrity}` : 'the integrity analysis has not run';
  if (!integrity.readable) return `the file cannot be inspected: ${integrity.problem?.message ?? 'unreadable'}`;
  return null;
}

export function checkStreamsPresent(rule: CheckOf<'streams_present'>, ev: EvidenceSet): RuleOutcome {
  const media = ev.integrity?.media;
  if (!media) {
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: unreadableReason(ev) ?? 'stream facts unknown', evidence: [] };
  }
  const missing = rule.streams.filter((s) => (s === 'video' ? !media.video : !media.audio));
  if (missing.length > 0) {
    const names = missing.map((s) => STREAM_NAMES[s]).join(', ');
    return {
      ruleId: rule.id,
      verdict: 'FAIL',
      reason: `${rule.says}: the recording has no ${names} stream`,
      evidence: [{ from: 0, to: media.durationS ?? 0, kind: missing.map((s) => `defect:no_${s}`).join(','), text: `no ${names} stream` }],
    };
  }
  return { ruleId: rule.id, verdict: 'PASS', reason: `${rule.streams.join(' and ')} present`, evidence: [] };
}

export function checkDecodable(rule: CheckOf<'decodable'>, ev: EvidenceSet): RuleOutcome {
  const problem = unreadableReason(ev);
  if (problem) return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: problem, evidence: [] };
  const decode = ev.integrity?.decode;
  return { ruleId: rule.id, verdict: 'PASS', reason: `decoded ${decode?.videoDecodedS ?? 0} s of video and ${decode?.audioDecodedS ?? 0} s of audio`, evidence: [] };
}

export function checkNoDefect(rule: CheckOf<'no_defect'>, ev: EvidenceSet): RuleOutcome {
  const integrity = ev.integrity;
  const found = (integrity?.defects ?? []).filter((d) => d.type === rule.defect && (rule.minS === 0 || defectSpanS(d) >= rule.minS));
  if (found.length > 0) {
    return {
      ruleId: rule.id,
      verdict: 'FAIL',
      reason: `${rule.says}: ${found.map((d) => d.reason).join('; ')}`,
      evidence: found.map(defectItem),
    };
  }
  // A truncated MP4 without its index cannot be decoded, yet its one defect (truncation) is proven.
  const problem = unreadableReason(ev);
  if (problem) return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: problem, evidence: [] };
  if (integrity && integrity.decode && !integrity.decode.complete && rule.defect !== 'truncated') {
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `the decoder stopped early at ${integrity.decode.videoDecodedS} s: the rest cannot be checked for ${rule.defect}`, evidence: [] };
  }
  return { ruleId: rule.id, verdict: 'PASS', reason: `no ${rule.defect}${rule.minS ? ` of ${rule.minS} s or more` : ''} found`, evidence: [] };
}

/** A requirement whose check is not built yet: never a PASS, whatever evidence exists. */
export function checkAnalyserRequired(rule: CheckOf<'analyser_required'>, ev: EvidenceSet): RuleOutcome {
  const failure = ev.failures?.[rule.analyser];
  const collected = (ev as Record<string, unknown>)[rule.analyser] !== undefined;
  const reason = failure
    ? `${rule.says}: the ${rule.analyser} analysis failed (${failure})`
    : collected
      ? `${rule.says}: this version does not check this requirement yet (it needs more than the ${rule.analyser} evidence), so it cannot be judged`
      : `${rule.says}: the ${rule.analyser} analyser is not available in this version, so this cannot be judged`;
  return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason, evidence: [] };
}

function span(from: number, to: number): string {
  return `${from.toFixed(1)}–${to.toFixed(1)} s`;
}

export function checkPartiesInFrame(rule: CheckOf<'parties_in_frame'>, ev: EvidenceSet): RuleOutcome {
  const faces = ev.faces;
  if (!faces) {
    const failure = ev.failures?.faces;
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: failure ? `${rule.says}: the face analysis failed (${failure})` : `${rule.says}: no face analysis`, evidence: [] };
  }
  const unusableS = faces.unusable.reduce((s, u) => s + (u.to - u.from), 0);
  const judgedS = faces.coframing.framesJudged / faces.sampleFps;
  if (judgedS < 1) {
    const why = faces.unusable[0]?.reason ?? 'no usable picture';
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: cannot judge: ${why}`, evidence: faces.unusable.map((u) => ({ from: u.from, to: u.to, kind: 'faces:unusable', text: u.reason })) };
  }
  const failures: string[] = [];
  const evidence: EvidenceItem[] = [];
  if (faces.parties < rule.minParties) {
    failures.push(`only ${faces.parties} person(s) visible for a substantial part of the recording (at most ${faces.maxCount} face(s) at once); ${rule.minParties} required`);
    evidence.push({ from: 0, to: faces.faces.at(-1)?.to ?? 0, kind: 'faces:count', text: `${faces.parties} party visible` });
  }
  const long = faces.absences.filter((a) => a.to - a.from >= rule.maxAbsenceS);
  for (const a of long) {
    const thumb = faces.thumbnails.find((t) => Math.abs(t.at - a.from) <= 1);
    failures.push(`person ${a.personId} out of frame ${span(a.from, a.to)} (${(a.to - a.from).toFixed(1)} s ≥ ${rule.maxAbsenceS} s)`);
    evidence.push({ from: a.from, to: a.to, kind: 'faces:absence', text: `person ${a.personId} out of frame`, ...(thumb ? { frameKey: thumb.key } : {}) });
  }
  const ratio = faces.coframing.ratio ?? 0;
  if (faces.parties >= rule.minParties && ratio < rule.minTogetherShare) {
    failures.push(`parties together in frame ${(ratio * 100).toFixed(1)} % of the judged time (< ${(rule.minTogetherShare * 100).toFixed(0)} %)`);
  }
  if (failures.length) return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: ${failures.join('; ')}`, evidence };
  // Nobody can be seen through a black picture: the integrity pass FAILs it, and presence there is unknown.
  const blind = [
    ...faces.unusable.filter((u) => u.to - u.from >= rule.maxAbsenceS),
    ...faces.excluded.filter((x) => x.why === 'black' && x.to - x.from >= rule.maxAbsenceS).map((x) => ({ from: x.from, to: x.to, reason: 'the picture is black (an integrity defect)' })),
  ].sort((a, b) => a.from - b.from);
  if (blind.length) {
    return {
      ruleId: rule.id,
      verdict: 'CANNOT_JUDGE',
      reason: `${rule.says}: cannot judge ${blind.map((u) => `${span(u.from, u.to)} (${u.reason})`).join(', ')}; elsewhere both parties were in frame ${(ratio * 100).toFixed(1)} % of the time`,
      evidence: blind.map((u) => ({ from: u.from, to: u.to, kind: 'faces:unusable', text: u.reason })),
    };
  }
  return {
    ruleId: rule.id,
    verdict: 'PASS',
    reason: `${faces.parties} parties in frame together ${(ratio * 100).toFixed(1)} % of ${judgedS.toFixed(0)} s judged${unusableS > 0 ? ` (${unusableS.toFixed(1)} s too dark, set aside)` : ''}; no absence of ${rule.maxAbsenceS} s or more`,
    evidence: [],
  };
}

export function checkEnrolledFaceMatch(rule: CheckOf<'enrolled_face_match'>, ev: EvidenceSet): RuleOutcome {
  const enrolled = ev.faces?.identity.find((i) => i.role === 'agent');
  if (!enrolled) {
    return { ruleId: rule.id, applies: false, verdict: 'CANNOT_JUDGE', reason: 'not applied: no enrolled agent photo (sidecar agent.photoKey) or no face analysis', evidence: [] };
  }
  if (!enrolled.usable) return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: the enrolled photo cannot be used: ${enrolled.problem ?? 'no face found'}`, evidence: [] };
  const candidates = enrolled.similarities.filter((s) => s.medianHeightPx >= rule.minFacePx);
  if (candidates.length === 0) {
    return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: no face in frame is large enough to recognise (≥ ${rule.minFacePx} px)`, evidence: [] };
  }
  const best = candidates.reduce((a, b) => (b.similarity > a.similarity ? b : a));
  if (best.similarity >= rule.minSimilarity) {
    return { ruleId: rule.id, verdict: 'PASS', reason: `person ${best.personId} matches the enrolled agent photo (similarity ${best.similarity} ≥ ${rule.minSimilarity})`, evidence: [] };
  }
  return {
    ruleId: rule.id,
    verdict: 'FAIL',
    reason: `${rule.says}: nobody in frame matches the enrolled agent photo (best similarity ${best.similarity} < ${rule.minSimilarity}, person ${best.personId})`,
    evidence: [{ from: 0, to: 0, kind: 'faces:identity', text: `best similarity ${best.similarity}` }],
  };
}

export function checkMaxPeople(rule: CheckOf<'max_people_in_frame'>, ev: EvidenceSet): RuleOutcome {
  const faces = ev.faces;
  if (!faces) return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: `${rule.says}: no face analysis`, evidence: [] };
  const crowded = faces.faces.filter((f) => f.count > rule.maxPeople && f.to - f.from >= rule.minSeconds);
  if (crowded.length) {
    return {
      ruleId: rule.id,
      verdict: 'FAIL',
      reason: `${rule.says}: ${crowded.map((f) => `${f.count} people in frame ${span(f.from, f.to)}`).join('; ')}`,
      evidence: crowded.map((f) => ({ from: f.from, to: f.to, kind: 'faces:count', text: `${f.count} faces` })),
    };
  }
  return { ruleId: rule.id, verdict: 'PASS', reason: `never more than ${rule.maxPeople} people in frame for ${rule.minSeconds} s`, evidence: [] };
}

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
  if (jumps.length) return { ruleId: rule.id, verdict: 'FAIL', reason: `${rule.says}: ${jumps.map((d) => d.reason).join('; ')}`, evidence: jumps.map(defectItem) };
  if (docs.clock.status !== 'ok') return { ruleId: rule.id, applies: false, verdict: 'CANNOT_JUDGE', reason: `not applied: recorder clock ${docs.clock.status}${docs.clock.reason ? ` (${docs.clock.reason})` : ''}`, evidence: [] };
  return { ruleId: rule.id, verdict: 'PASS', reason: `the recorder clock runs with the media (${docs.clock.readings} readings)`, evidence: [] };
}

export function runCheck(rule: Rule, ev: EvidenceSet): RuleOutcome {
  switch (rule.check) {
    case 'streams_present':
      return checkStreamsPresent(rule, ev);
    case 'decodable':
      return checkDecodable(rule, ev);
    case 'no_defect':
      return checkNoDefect(rule, ev);
    case 'analyser_required':
      return checkAnalyserRequired(rule, ev);
    case 'parties_in_frame':
      return checkPartiesInFrame(rule, ev);
    case 'enrolled_face_match':
      return checkEnrolledFaceMatch(rule, ev);
    case 'max_people_in_frame':
      return checkMaxPeople(rule, ev);
    case 'document_shown':
      return checkDocumentShown(rule, ev);
    case 'licence_matches_sidecar':
      return checkLicenceMatchesSidecar(rule, ev);
    case 'clock_continuous':
      return checkClockContinuous(rule, ev);
    case 'statement_said':
      return checkStatementSaid(rule, ev);
    case 'no_misleading_talk':
      return checkNoMisleadingTalk(rule, ev);
    case 'customer_answers':
      return checkCustomerAnswers(rule, ev);
  }
}
