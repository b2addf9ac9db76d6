// Checks on the integrity evidence: the streams are there, the file decodes, no defect of a kind. Each
// PASSes only on integrity facts actually collected; an unreadable file is CANNOT_JUDGE with the reason.
import type { EvidenceSet, RuleOutcome } from '../types';
import { defectItem, defectSpanS, type CheckOf } from './shared';

const STREAM_NAMES = { video: '画面 (video)', audio: '声音 (audio)' } as const;

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
  // The integrity pass writes decode facts for every readable file: without them nothing shows it decoded.
  const decode = ev.integrity?.decode;
  if (!decode) return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: 'the integrity evidence says readable but holds no decode facts', evidence: [] };
  return { ruleId: rule.id, verdict: 'PASS', reason: `decoded ${decode.videoDecodedS} s of video and ${decode.audioDecodedS} s of audio`, evidence: [] };
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
