// Small pieces more than one check family needs: the rule type by check kind, how spans read in reasons,
// and defects turned into evidence items (judge.ts counts defects with the same span measure).
import type { EvidenceDefect } from '../../evidence/types';
import type { Rule } from '../../rules/schema';
import type { EvidenceItem, EvidenceSet } from '../types';

export type CheckOf<K extends Rule['check']> = Extract<Rule, { check: K }>;

export function span(from: number, to: number): string {
  return `${from.toFixed(1)}–${to.toFixed(1)} s`;
}

export function defectSpanS(d: EvidenceDefect): number {
  return d.from !== undefined && d.to !== undefined ? d.to - d.from : 0;
}

export function defectItem(d: EvidenceDefect): EvidenceItem {
  const from = d.at ?? d.from ?? 0;
  return { from, to: d.to ?? from, kind: `defect:${d.type}`, text: d.reason };
}

/** The spans of a stream the decoder could not read (integrity `undecodable` defects): nothing there was seen or heard. */
export function damaged(ev: EvidenceSet, stream: 'video' | 'audio'): EvidenceDefect[] {
  return (ev.integrity?.defects ?? []).filter((d) => d.type === 'undecodable' && d.detail?.stream === stream && d.from !== undefined && d.to !== undefined);
}

/** Damaged spans touching [from, to] (with `marginS` either side). */
export function damagedNear(ev: EvidenceSet, stream: 'video' | 'audio', from: number, to: number, marginS = 0.5): EvidenceDefect[] {
  return damaged(ev, stream).filter((d) => d.from! <= to + marginS && d.to! >= from - marginS);
}

/** "the picture 4.4–10.0 s could not be decoded" for a reason. */
export function damagedText(spans: EvidenceDefect[], stream: 'video' | 'audio'): string {
  return `the ${stream === 'video' ? 'picture' : 'sound'} ${spans.map((d) => span(d.from!, d.to!)).join(', ')} could not be decoded (damaged data)`;
}
