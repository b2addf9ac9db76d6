// What the judge reads and writes. Pure data: no I/O anywhere under judge/.
import type { EvidenceDefect, EvidenceFlag } from '../evidence/types';
import type { StepId, Verdict } from '../lib/labelled';

export type { EvidenceSet } from '../evidence/types';

/** A moment or span the verdict rests on, in media seconds. */
export interface EvidenceItem {
  from: number;
  to: number;
  kind: string;
  text?: string;
  frameKey?: string;
  /** On a customer's reply: whether its words answer the question (affirmative, or any reply where any will do). */
  answered?: boolean;
}

export interface RuleOutcome {
  ruleId: string;
  /** False when the rule does not apply to this recording (e.g. no enrolled photo): listed, not counted. */
  applies?: boolean;
  verdict: Verdict;
  reason: string;
  evidence: EvidenceItem[];
}

export interface StepJudgement {
  id: StepId;
  title: string;
  verdict: Verdict;
  reasons: string[];
  evidence: EvidenceItem[];
  rules: RuleOutcome[];
}

export interface Judgement {
  /** sha256 covers the base rulebook and every applied overlay. */
  rulebook: { id: string; version: string; sha256: string; overlays?: { id: string; version: string; sha256: string; example: boolean }[] };
  verdict: Verdict;
  steps: StepJudgement[];
  /** Defects that the rulebook counts (above its thresholds), in the labelled shape. */
  defects: EvidenceDefect[];
  /** For a reviewer, not defects: suspicions on one signal that no other evidence settled (labelled `flags[]`). */
  flags: EvidenceFlag[];
}
