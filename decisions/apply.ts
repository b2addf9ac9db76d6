// A reviewer's decision applied to a report: the decided step takes the reviewer's verdict (with the
// decision among its reasons), the recording's verdict is recombined, the review section records who,
// what and on which revision. Pure: the activity stores the result, the review pages show it.
import { maskText } from '../lib/mask';
import type { Report } from '../report/types';
import { combineVerdicts, type Approval, type ReviewDecision } from './decision';

/** What a review revision adds to report.json (the schema allows extra top-level fields). */
export interface ReviewSection {
  decisionId: string;
  reviewer: string;
  stepId: string;
  before: Report['verdict'];
  after: Report['verdict'];
  comment: string;
  decidedAt: string;
  basedOnRevision: number;
  machineVerdict: Report['verdict'];
  /** A FAIL overturned into a PASS: recorded, not in effect, until a lead approves (approval section of a later revision). */
  pendingApproval?: boolean;
}

/** What an approval revision adds: the lead's approval and the decision it puts into effect. */
export interface ApprovalSection {
  approvalId: string;
  lead: string;
  comment: string;
  approvedAt: string;
  /** The revision that recorded the decision pending approval. */
  decisionRevision: number;
  decision: Omit<ReviewSection, 'basedOnRevision' | 'machineVerdict' | 'pendingApproval'>;
  basedOnRevision: number;
  machineVerdict: Report['verdict'];
}

export type ReviewedReport = Report & { review?: ReviewSection; approval?: ApprovalSection };

/** Sections of the prior revision that describe how it came about, not the new one. */
function withoutOrigin(prior: ReviewedReport): Report {
  const { review: _review, approval: _approval, ...rest } = prior;
  return rest;
}

/**
 * A decision pending approval (`pending`) is recorded in the review section and among the step's reasons,
 * but the step keeps its verdict: the lead's approval (applyApproval) puts it into effect.
 */
export function applyDecision(prior: ReviewedReport, d: ReviewDecision, revision: number, review: { workflowId: string; runId: string }, firstVerdict: Report['verdict'], pending = false): ReviewedReport {
  const comment = maskText(d.comment.trim());
  const kind = d.before === d.after ? 'confirmed' : 'overridden';
  const reason = pending
    ? `Reviewer ${d.reviewer} proposes ${d.before} → ${d.after} (pending a lead's approval): ${comment}`
    : `Reviewer ${d.reviewer} ${kind} ${d.before} → ${d.after}: ${comment}`;
  const steps = prior.steps.map((s) => (s.id === d.stepId ? { ...s, verdict: pending ? s.verdict : d.after, reasons: [reason, ...s.reasons] } : s));
  const verdict = combineVerdicts(steps.map((s) => s.verdict));
  return {
    ...withoutOrigin(prior),
    revision,
    createdAt: d.decidedAt,
    inspection: review,
    steps,
    verdict,
    summary: pending
      ? `${verdict}: ${d.stepId} ${d.before} → ${d.after} proposed by ${d.reviewer}, pending a lead's approval — machine verdict ${firstVerdict}`
      : `${verdict} after review (${d.stepId} ${kind} by ${d.reviewer}) — machine verdict ${firstVerdict}`,
    review: {
      decisionId: d.decisionId,
      reviewer: d.reviewer,
      stepId: d.stepId,
      before: d.before,
      after: d.after,
      comment,
      decidedAt: d.decidedAt,
      basedOnRevision: prior.revision,
      machineVerdict: firstVerdict,
      ...(pending ? { pendingApproval: true } : {}),
    },
  };
}

/** A lead's approval puts a pending decision into effect: the step takes the decided verdict. */
export function applyApproval(prior: ReviewedReport, d: ReviewDecision, decisionRevision: number, a: Approval, revision: number, review: { workflowId: string; runId: string }, firstVerdict: Report['verdict']): ReviewedReport {
  const comment = maskText(a.comment.trim());
  const decisionComment = maskText(d.comment.trim());
  const steps = prior.steps.map((s) =>
    s.id === d.stepId ? { ...s, verdict: d.after, reasons: [`Lead ${a.lead} approved ${d.reviewer}'s ${d.before} → ${d.after} (r${decisionRevision}): ${comment}`, ...s.reasons] } : s,
  );
  const verdict = combineVerdicts(steps.map((s) => s.verdict));
  return {
    ...withoutOrigin(prior),
    revision,
    createdAt: a.approvedAt,
    inspection: review,
    steps,
    verdict,
    summary: `${verdict} after review (${d.stepId} overridden by ${d.reviewer}, approved by ${a.lead}) — machine verdict ${firstVerdict}`,
    approval: {
      approvalId: a.approvalId,
      lead: a.lead,
      comment,
      approvedAt: a.approvedAt,
      decisionRevision,
      decision: { decisionId: d.decisionId, reviewer: d.reviewer, stepId: d.stepId, before: d.before, after: d.after, comment: decisionComment, decidedAt: d.decidedAt },
      basedOnRevision: prior.revision,
      machineVerdict: firstVerdict,
    },
  };
}
