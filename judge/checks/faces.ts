// Checks on the face evidence: who is in frame (同框/离框), whether the agent is the enrolled person, and
// crowding. A picture too dark to see faces is CANNOT_JUDGE, never taken as an absence.
import type { EvidenceItem, EvidenceSet, RuleOutcome } from '../types';
import { damaged, damagedText, defectItem, span, type CheckOf } from './shared';

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
  // Too few people seen is not "nobody else was there" when part of the picture could not be decoded.
  const holes = damaged(ev, 'video');
  if (faces.parties < rule.minParties && holes.length) {
    return {
      ruleId: rule.id,
      verdict: 'CANNOT_JUDGE',
      reason: `${rule.says}: only ${faces.parties} person(s) seen where the picture could be decoded; ${damagedText(holes, 'video')}: who was in frame there is not known`,
      evidence: holes.map(defectItem),
    };
  }
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
    // Any damaged span, however short: who was in frame there is not known.
    ...damaged(ev, 'video').map((d) => ({ from: d.from!, to: d.to!, reason: 'the picture could not be decoded (damaged data)' })),
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
