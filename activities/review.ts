// The review activity, a thin adapter: a person's decision becomes a new report revision. The latest
// revision is read, the decision applied (review/apply-decision.ts), and the result validated, written
// and signed like any report. Earlier revisions, the machine's first one included, are never touched.
import { ApplicationFailure } from '@temporalio/activity';
import { getJson, putJson, putText } from '../lib/object-store';
import { reportKeys } from '../evidence/layout';
import { reportRevisions } from '../evidence/load';
import type { Report } from '../report/types';
import { renderReportHtml } from '../report/html';
import { validateReport } from '../report/validate';
import type { ReviewDecision, ReviewDecisionResult } from '../decisions/decision';
import { applyDecision, type ReviewedReport } from '../decisions/apply';
import { signReportIfKeyed } from '../signing/report-signature';
import type { ActivityDeps } from './deps';
import { ERROR_TYPES } from '../temporal.config';

export interface WriteReviewRevisionInput {
  recordingId: string;
  decision: ReviewDecision;
  review: { workflowId: string; runId: string };
}

export function createReviewActivities(deps: ActivityDeps) {
  const revisionsOf = (recordingId: string): Promise<number[]> => reportRevisions(deps.s3, deps.buckets.reports, recordingId);

  return {
    /** The steps of the newest report revision: for a review workflow that learns a revision was written outside it. */
    async readLatestSteps(input: { recordingId: string }): Promise<{ revision: number; steps: { id: string; verdict: Report['verdict'] }[] }> {
      const revisions = await revisionsOf(input.recordingId);
      const latest = revisions[revisions.length - 1];
      const report = latest === undefined ? null : await getJson<Report>(deps.s3, deps.buckets.reports, reportKeys(input.recordingId, latest).json);
      if (!report) throw ApplicationFailure.nonRetryable(`no report for ${input.recordingId}`, ERROR_TYPES.badInput);
      return { revision: report.revision, steps: report.steps.map((s) => ({ id: s.id, verdict: s.verdict })) };
    },

    async writeReviewRevision(input: WriteReviewRevisionInput): Promise<ReviewDecisionResult> {
      const revisions = await revisionsOf(input.recordingId);
      const latest = revisions[revisions.length - 1];
      if (latest === undefined) throw ApplicationFailure.nonRetryable(`no report for ${input.recordingId}`, ERROR_TYPES.badInput);
      const prior = await getJson<ReviewedReport>(deps.s3, deps.buckets.reports, reportKeys(input.recordingId, latest).json);
      if (!prior) throw ApplicationFailure.nonRetryable(`report r${latest} of ${input.recordingId} unreadable`, ERROR_TYPES.badInput);
      const keysOfLatest = reportKeys(input.recordingId, latest);
      // A retry after the write: the decision is already the latest revision.
      if (prior.review?.decisionId === input.decision.decisionId) {
        await signReportIfKeyed(deps.s3, deps.buckets.reports, keysOfLatest.json);
        return { decisionId: input.decision.decisionId, revision: latest, verdict: prior.verdict, reportKey: keysOfLatest.json, decidedAt: prior.review.decidedAt };
      }
      // The stored report is the authority: a revision written after the workflow last looked makes the decision stale.
      const shown = prior.steps.find((s) => s.id === input.decision.stepId)?.verdict;
      if (shown !== input.decision.before) {
        throw ApplicationFailure.nonRetryable(`step ${input.decision.stepId} is ${String(shown)} now, not ${input.decision.before}: reload the recording`, ERROR_TYPES.staleDecision);
      }
      const first = latest === 1 ? prior : await getJson<Report>(deps.s3, deps.buckets.reports, reportKeys(input.recordingId, revisions[0]!).json);
      const revision = latest + 1;
      const report = applyDecision(prior, input.decision, revision, input.review, first?.verdict ?? prior.verdict);
      const problems = validateReport(report);
      if (problems.length) throw ApplicationFailure.nonRetryable(`review revision invalid: ${problems.slice(0, 5).join('; ')}`, ERROR_TYPES.invalidReport);
      const keys = reportKeys(input.recordingId, revision);
      await putText(deps.s3, deps.buckets.reports, keys.html, renderReportHtml(report), 'text/html; charset=utf-8');
      await putJson(deps.s3, deps.buckets.reports, keys.json, report);
      await signReportIfKeyed(deps.s3, deps.buckets.reports, keys.json);
      deps.logger.info({ recordingId: input.recordingId, revision, step: input.decision.stepId, reviewer: input.decision.reviewer }, 'review revision written');
      return { decisionId: input.decision.decisionId, revision, verdict: report.verdict, reportKey: keys.json, decidedAt: input.decision.decidedAt };
    },
  };
}
