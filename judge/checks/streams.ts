// Checks on the integrity evidence: the streams are there, the file decodes, no defect of a kind. Each
// PASSes only on integrity facts actually collected; an unreadable file is CANNOT_JUDGE with the reason.
import type { EvidenceDefect, EvidenceFlag } from '../../evidence/types';
import type { EvidenceItem, EvidenceSet, RuleOutcome } from '../types';
import { damaged, damagedText, defectItem, defectSpanS, span, type CheckOf } from './shared';

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
  // A damaged span: the rest decoded, but nothing shows the recording whole there.
  const holes = [...damaged(ev, 'video'), ...damaged(ev, 'audio')];
  if (holes.length) {
    const said = (['video', 'audio'] as const).map((s) => damaged(ev, s)).filter((d) => d.length).map((d) => damagedText(d, d[0]!.detail!.stream as 'video' | 'audio'));
    return {
      ruleId: rule.id,
      verdict: 'CANNOT_JUDGE',
      reason: `${rule.says}: decoded ${decode.videoDecodedS} s of video and ${decode.audioDecodedS} s of audio, but ${said.join(' and ')}: what happened there cannot be seen or heard, so the recording cannot be shown to be whole`,
      evidence: holes.map(defectItem),
    };
  }
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

/** A suspected splice and what the other passes say about it. */
export interface SettledFlag {
  flag: EvidenceFlag;
  /** A clock jump or timestamp cut at the same instant: the second signal. */
  confirmedBy?: EvidenceDefect;
  /** A document showing that starts at that instant: the recording's own content explains the change. */
  explainedBy?: { from: number; to: number; type: string };
}

/** Below this share of the frame a picture change is of part of the picture (the integrity pass calls 0.8 whole). */
const PARTIAL_SHARE = 0.5;

export function settleSplices(ev: EvidenceSet, withinS = 1): SettledFlag[] {
  const flags = (ev.integrity?.flags ?? []).filter((f) => f.type === 'suspected_splice');
  const seconds = [...(ev.documents?.defects ?? []).filter((d) => d.type === 'clock_jump'), ...(ev.integrity?.defects ?? []).filter((d) => d.type === 'cut' && d.source === 'container')];
  return flags.map((flag) => {
    const confirmedBy = seconds.find((d) => Math.abs((d.at ?? d.from ?? -Infinity) - flag.from) <= withinS);
    if (confirmedBy) return { flag, confirmedBy };
    // A document appearing explains a change; one taken away (a screen share switching pages) explains a
    // change of part of the picture only: a whole new picture as a card goes is not the card.
    const partial = typeof flag.detail?.changedShare === 'number' && flag.detail.changedShare < PARTIAL_SHARE;
    const showings = ev.documents?.showings ?? [];
    const showing = showings.find((s) => Math.abs(s.from - flag.from) <= withinS) ?? (partial ? showings.find((s) => Math.abs(s.to - flag.from) <= withinS) : undefined);
    if (showing) return { flag, explainedBy: { from: showing.from, to: showing.to, type: showing.label ?? showing.type } };
    // The picture going dark or black (lights off, lens covered) and coming back is the scene, not an edit;
    // the black or dark span is judged by its own rules.
    const near = (t: number) => Math.abs(t - flag.from) <= withinS;
    const dark = [...(ev.faces?.unusable ?? []), ...(ev.integrity?.defects ?? []).filter((d) => d.type === 'black' && d.from !== undefined && d.to !== undefined)].find(
      (d) => near(d.from!) || near(d.to!),
    );
    return dark ? { flag, explainedBy: { from: dark.from!, to: dark.to!, type: 'a dark or black picture' } } : { flag };
  });
}

/** The flags a reviewer should look at: neither confirmed (then a defect says it) nor explained. */
export function outstandingFlags(ev: EvidenceSet): EvidenceFlag[] {
  const settled = settleSplices(ev);
  const open = settled.filter((s) => !s.confirmedBy && !s.explainedBy).map((s) => s.flag);
  return [...open, ...(ev.integrity?.flags ?? []).filter((f) => f.type !== 'suspected_splice')].sort((a, b) => a.from - b.from);
}

function flagItem(f: EvidenceFlag): EvidenceItem {
  return { from: f.from, to: f.to ?? f.from, kind: `flag:${f.type}`, text: f.reason };
}

export function checkNoSuspectedSplice(rule: CheckOf<'no_suspected_splice'>, ev: EvidenceSet): RuleOutcome {
  const problem = unreadableReason(ev);
  if (problem) return { ruleId: rule.id, verdict: 'CANNOT_JUDGE', reason: problem, evidence: [] };
  const settled = settleSplices(ev, rule.withinS);
  const confirmed = settled.filter((s) => s.confirmedBy);
  if (confirmed.length) {
    return {
      ruleId: rule.id,
      verdict: 'FAIL',
      reason: `${rule.says}: ${confirmed.map((s) => `${s.flag.reason}; at the same time ${s.confirmedBy!.reason}`).join('; ')}`,
      evidence: confirmed.flatMap((s) => [flagItem(s.flag), defectItem(s.confirmedBy!)]),
    };
  }
  const open = settled.filter((s) => !s.explainedBy);
  if (open.length) {
    return {
      ruleId: rule.id,
      verdict: 'CANNOT_JUDGE',
      reason: `${rule.says}: a reviewer should look — ${open.map((s) => `${s.flag.from.toFixed(1)} s: ${s.flag.reason}`).join('; ')}`,
      evidence: open.map((s) => flagItem(s.flag)),
    };
  }
  const explained = settled.filter((s) => s.explainedBy);
  return {
    ruleId: rule.id,
    verdict: 'PASS',
    reason: explained.length
      ? `no unexplained picture change: ${explained.map((s) => `${s.flag.from.toFixed(1)} s is where ${s.explainedBy!.type} is shown (${span(s.explainedBy!.from, s.explainedBy!.to)})`).join('; ')}`
      : 'no suspected splice',
    evidence: [],
  };
}
