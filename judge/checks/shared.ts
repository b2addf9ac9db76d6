// Small pieces more than one check family needs: the rule type by check kind, how spans read in reasons,
// and defects turned into evidence items (judge.ts counts defects with the same span measure).
import type { EvidenceDefect } from '../../evidence/types';
import type { Rule } from '../../rules/schema';
import type { EvidenceItem } from '../types';

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
