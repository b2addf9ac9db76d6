// A reviewer's decision applied to a report: the decided step takes the reviewer's verdict (with the
// decision among its reasons), the recording's verdict is recombined, the review section records who,
// what and on which revision. Pure: the activity stores the result, the review pages show it.
import { maskText } from '../lib/mask';
import type { Report } from '../report/types';
import { combineVerdicts, type ReviewDecision } from './decision';

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
}

export type ReviewedReport = Report & { review?: ReviewSection };

export function applyDecision(prior: ReviewedReport, d: ReviewDecision, revision: number, review: { workflowId: string; runId: string }, firstVerdict: Report['verdict']): ReviewedReport {
  const comment = maskText(d.comment.trim());
  const kind = d.before === d.after ? 'confirmed' : 'overridden';
  const steps = prior.steps.map((s) =>
    s.id === d.stepId ? { ...s, verdict: d.after, reasons: [`Reviewer ${d.reviewer} ${kind} ${d.before} → ${d.after}: ${comment}`, ...s.reasons] } : s,
  );
  const verdict = combineVerdicts(steps.map((s) => s.verdict));
  return {
    ...prior,
    revision,
    createdAt: d.decidedAt,
    inspection: review,
    steps,
    verdict,
    summary: `${verdict} after review (${d.stepId} ${kind} by ${d.reviewer}) — machine verdict ${firstVerdict}`,
    review: { decisionId: d.decisionId, reviewer: d.reviewer, stepId: d.stepId, before: d.before, after: d.after, comment, decidedAt: d.decidedAt, basedOnRevision: prior.revision, machineVerdict: firstVerdict },
  };
}
