// A reviewer's decision on one step of one recording, and the rules every decision must satisfy. Shared
// by the review workflow (validator, so it must stay free of Node built-ins), the server and the tests.
import type { Verdict } from '../lib/labelled';

// Listed here rather than imported: lib/labelled.ts pulls zod into the workflow bundle.
const VERDICTS: readonly Verdict[] = ['PASS', 'FAIL', 'CANNOT_JUDGE'];

export interface ReviewDecisionInput {
  /** Client-chosen id: the same decision submitted twice is applied once. */
  decisionId: string;
  reviewer: string;
  stepId: string;
  /** The verdict the reviewer saw: a decision made on a stale view is refused. */
  before: Verdict;
  after: Verdict;
  comment: string;
  /** The report revision the reviewer was shown: when it is newer than the workflow knows (a re-judge wrote it), the workflow re-reads the steps first. */
  basedOnRevision?: number;
}

export interface ReviewDecision extends ReviewDecisionInput {
  decidedAt: string;
}

export interface ReviewDecisionResult {
  decisionId: string;
  revision: number;
  verdict: Verdict;
  reportKey: string;
  decidedAt: string;
  /** The decision overturns a FAIL into a PASS: its revision records it, the step stays FAIL until a lead approves. */
  pendingApproval?: boolean;
}

/** Four eyes: a FAIL overturned into a PASS takes effect only when a lead (another person) approves it. */
export function needsApproval(d: Pick<ReviewDecisionInput, 'before' | 'after'>): boolean {
  return d.before === 'FAIL' && d.after === 'PASS';
}

/** A lead's approval of a decision pending approval. */
export interface ApprovalInput {
  /** Client-chosen: the same approval submitted twice is applied once. */
  approvalId: string;
  /** The pending decision approved. */
  decisionId: string;
  lead: string;
  comment: string;
}

export interface Approval extends ApprovalInput {
  approvedAt: string;
}

/** Every reason the approval can't be accepted; empty when it can. */
export function approvalProblems(a: ApprovalInput, pending: ReviewDecision | undefined): string[] {
  const problems: string[] = [];
  if (!a.approvalId || a.approvalId.length > 100) problems.push('approval id missing');
  if (!a.lead?.trim()) problems.push('lead missing');
  if (!pending) problems.push(`no decision ${a.decisionId} is pending approval`);
  else if (pending.reviewer === a.lead) problems.push('four eyes: a decision is approved by another person than the one who made it');
  if ((a.comment ?? '').trim().length < MIN_COMMENT_LENGTH) problems.push(`a comment of at least ${MIN_COMMENT_LENGTH} characters is required`);
  if ((a.comment ?? '').length > 2000) problems.push('comment longer than 2000 characters');
  return problems;
}

export const MIN_COMMENT_LENGTH = 4;

/** Every reason the decision can't be accepted against the current step verdicts (and steps awaiting approval); empty when it can. */
export function decisionProblems(d: ReviewDecisionInput, current: Record<string, Verdict>, pendingSteps: readonly string[] = []): string[] {
  const problems: string[] = [];
  if (pendingSteps.includes(d.stepId)) problems.push(`step ${d.stepId} has a decision pending a lead's approval: approve or wait`);
  if (!d.decisionId || d.decisionId.length > 100) problems.push('decision id missing');
  if (!d.reviewer?.trim()) problems.push('reviewer missing');
  if (!(d.stepId in current)) problems.push(`step ${d.stepId} is not in this report`);
  if (!VERDICTS.includes(d.after)) problems.push(`unknown verdict ${String(d.after)}`);
  if ((d.comment ?? '').trim().length < MIN_COMMENT_LENGTH) problems.push(`a comment of at least ${MIN_COMMENT_LENGTH} characters is required`);
  if ((d.comment ?? '').length > 2000) problems.push('comment longer than 2000 characters');
  if (d.stepId in current && current[d.stepId] !== d.before) {
    problems.push(`step ${d.stepId} is ${String(current[d.stepId])} now, not ${d.before}: reload the recording (someone decided meanwhile)`);
  }
  return problems;
}

/** A recording FAILs if any step FAILs, else it is CANNOT_JUDGE if any step is, else PASS. */
export function combineVerdicts(verdicts: Verdict[]): Verdict {
  if (verdicts.includes('FAIL')) return 'FAIL';
  if (verdicts.includes('CANNOT_JUDGE')) return 'CANNOT_JUDGE';
  return 'PASS';
}

export function reviewWorkflowId(recordingId: string): string {
  return `review:${recordingId}`;
}
