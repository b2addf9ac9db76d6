// The review activity: a person's decision becomes a new report revision. The latest revision is copied,
// the decided step takes the reviewer's verdict (with the decision among its reasons), the recording's
// verdict is recombined, and the result is validated, written and signed like any report. Earlier
// revisions, the machine's first one included, are never touched.
import { ApplicationFailure } from '@temporalio/activity';
import { getJson, putJson, putText } from '../lib/object-store';
import { maskText } from '../lib/mask';
import type { Report } from '../report/types';
import { renderReportHtml } from '../report/html';
import { validateReport } from '../report/validate';
import { combineVerdicts, type ReviewDecision, type ReviewDecisionResult } from '../review/decision';
import { signReportIfKeyed } from '../signing/report-signature';
import { FAILURE, type ActivityDeps } from './deps';
import { reportKeys } from './report';

export interface WriteReviewRevisionInput {
  recordingId: string;
  decision: ReviewDecision;
  review: { workflowId: string; runId: string };
}

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

export function createReviewActivities(deps: ActivityDeps) {
  async function revisionsOf(recordingId: string): Promise<number[]> {
    const found: number[] = [];
    for await (const item of deps.s3.listObjectsV2(deps.buckets.reports, `${recordingId}/r`, true) as AsyncIterable<{ name?: string }>) {
      const m = item.name?.match(/\/r(\d+)\/report\.json$/);
      if (m) found.push(Number(m[1]));
    }
    return found.sort((a, b) => a - b);
  }

  return {
    /** The steps of the newest report revision: for a review workflow that learns a revision was written outside it. */
    async readLatestSteps(input: { recordingId: string }): Promise<{ revision: number; steps: { id: string; verdict: Report['verdict'] }[] }> {
      const revisions = await revisionsOf(input.recordingId);
      const latest = revisions[revisions.length - 1];
      const report = latest === undefined ? null : await getJson<Report>(deps.s3, deps.buckets.reports, reportKeys(input.recordingId, latest).json);
      if (!report) throw ApplicationFailure.nonRetryable(`no report for ${input.recordingId}`, FAILURE.badInput);
      return { revision: report.revision, steps: report.steps.map((s) => ({ id: s.id, verdict: s.verdict })) };
    },

    async writeReviewRevision(input: WriteReviewRevisionInput): Promise<ReviewDecisionResult> {
      const revisions = await revisionsOf(input.recordingId);
      const latest = revisions[revisions.length - 1];
      if (latest === undefined) throw ApplicationFailure.nonRetryable(`no report for ${input.recordingId}`, FAILURE.badInput);
      const prior = await getJson<ReviewedReport>(deps.s3, deps.buckets.reports, reportKeys(input.recordingId, latest).json);
      if (!prior) throw ApplicationFailure.nonRetryable(`report r${latest} of ${input.recordingId} unreadable`, FAILURE.badInput);
      const keysOfLatest = reportKeys(input.recordingId, latest);
      // A retry after the write: the decision is already the latest revision.
      if (prior.review?.decisionId === input.decision.decisionId) {
        await signReportIfKeyed(deps.s3, deps.buckets.reports, keysOfLatest.json);
        return { decisionId: input.decision.decisionId, revision: latest, verdict: prior.verdict, reportKey: keysOfLatest.json, decidedAt: prior.review.decidedAt };
      }
      // The stored report is the authority: a revision written after the workflow last looked makes the decision stale.
      const shown = prior.steps.find((s) => s.id === input.decision.stepId)?.verdict;
      if (shown !== input.decision.before) {
        throw ApplicationFailure.nonRetryable(`step ${input.decision.stepId} is ${String(shown)} now, not ${input.decision.before}: reload the recording`, 'StaleDecision');
      }
      const first = latest === 1 ? prior : await getJson<Report>(deps.s3, deps.buckets.reports, reportKeys(input.recordingId, revisions[0]!).json);
      const revision = latest + 1;
      const report = applyDecision(prior, input.decision, revision, input.review, first?.verdict ?? prior.verdict);
      const problems = validateReport(report);
      if (problems.length) throw ApplicationFailure.nonRetryable(`review revision invalid: ${problems.slice(0, 5).join('; ')}`, 'InvalidReport');
      const keys = reportKeys(input.recordingId, revision);
      await putText(deps.s3, deps.buckets.reports, keys.html, renderReportHtml(report), 'text/html; charset=utf-8');
      await putJson(deps.s3, deps.buckets.reports, keys.json, report);
      await signReportIfKeyed(deps.s3, deps.buckets.reports, keys.json);
      deps.logger.info({ recordingId: input.recordingId, revision, step: input.decision.stepId, reviewer: input.decision.reviewer }, 'review revision written');
      return { decisionId: input.decision.decisionId, revision, verdict: report.verdict, reportKey: keys.json, decidedAt: input.decision.decidedAt };
    },
  };
}
