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
import type { Approval, ReviewDecision, ReviewDecisionResult } from '../decisions/decision';
import { applyApproval, applyDecision, type ReviewedReport } from '../decisions/apply';
import { signReportIfKeyed } from '../signing/report-signature';
import type { ActivityDeps } from './deps';
import { ERROR_TYPES } from '../temporal.config';

export interface WriteReviewRevisionInput {
  recordingId: string;
  decision: ReviewDecision;
  review: { workflowId: string; runId: string };
  /** Four eyes: record the decision, keep the step's verdict until a lead approves. */
  pendingApproval?: boolean;
}

export interface WriteApprovalRevisionInput {
  recordingId: string;
  approval: Approval;
  /** The decision approved, and the revision that recorded it. */
  decision: ReviewDecision;
  decisionRevision: number;
  review: { workflowId: string; runId: string };
}

export function createReviewActivities(deps: ActivityDeps) {
  const revisionsOf = (recordingId: string): Promise<number[]> => reportRevisions(deps.s3, deps.buckets.reports, recordingId);

  async function latestOf(recordingId: string): Promise<{ revisions: number[]; latest: number; prior: ReviewedReport }> {
    const revisions = await revisionsOf(recordingId);
    const latest = revisions[revisions.length - 1];
    if (latest === undefined) throw ApplicationFailure.nonRetryable(`no report for ${recordingId}`, ERROR_TYPES.badInput);
    const prior = await getJson<ReviewedReport>(deps.s3, deps.buckets.reports, reportKeys(recordingId, latest).json);
    if (!prior) throw ApplicationFailure.nonRetryable(`report r${latest} of ${recordingId} unreadable`, ERROR_TYPES.badInput);
    return { revisions, latest, prior };
  }

  async function store(recordingId: string, revision: number, report: ReviewedReport): Promise<string> {
    const problems = validateReport(report);
    if (problems.length) throw ApplicationFailure.nonRetryable(`review revision invalid: ${problems.slice(0, 5).join('; ')}`, ERROR_TYPES.invalidReport);
    const keys = reportKeys(recordingId, revision);
    await putText(deps.s3, deps.buckets.reports, keys.html, renderReportHtml(report), 'text/html; charset=utf-8');
    await putJson(deps.s3, deps.buckets.reports, keys.json, report);
    await signReportIfKeyed(deps.s3, deps.buckets.reports, keys.json);
    return keys.json;
  }

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
        return { decisionId: input.decision.decisionId, revision: latest, verdict: prior.verdict, reportKey: keysOfLatest.json, decidedAt: prior.review.decidedAt, ...(prior.review.pendingApproval ? { pendingApproval: true } : {}) };
      }
      // The stored report is the authority: a revision written after the workflow last looked makes the decision stale.
      const shown = prior.steps.find((s) => s.id === input.decision.stepId)?.verdict;
      if (shown !== input.decision.before) {
        throw ApplicationFailure.nonRetryable(`step ${input.decision.stepId} is ${String(shown)} now, not ${input.decision.before}: reload the recording`, ERROR_TYPES.staleDecision);
      }
      const first = latest === 1 ? prior : await getJson<Report>(deps.s3, deps.buckets.reports, reportKeys(input.recordingId, revisions[0]!).json);
      const revision = latest + 1;
      const pending = input.pendingApproval === true;
      const report = applyDecision(prior, input.decision, revision, input.review, first?.verdict ?? prior.verdict, pending);
      const reportKey = await store(input.recordingId, revision, report);
      deps.logger.info({ recordingId: input.recordingId, revision, step: input.decision.stepId, reviewer: input.decision.reviewer, pending }, 'review revision written');
      return { decisionId: input.decision.decisionId, revision, verdict: report.verdict, reportKey, decidedAt: input.decision.decidedAt, ...(pending ? { pendingApproval: true } : {}) };
    },

    /** A lead's approval of a pending decision: the next revision, with the decided verdict in effect. */
    async writeApprovalRevision(input: WriteApprovalRevisionInput): Promise<ReviewDecisionResult> {
      const { revisions, latest, prior } = await latestOf(input.recordingId);
      const d = input.decision;
      // A retry after the write: the approval is already the latest revision.
      if (prior.approval?.approvalId === input.approval.approvalId) {
        await signReportIfKeyed(deps.s3, deps.buckets.reports, reportKeys(input.recordingId, latest).json);
        return { decisionId: d.decisionId, revision: latest, verdict: prior.verdict, reportKey: reportKeys(input.recordingId, latest).json, decidedAt: prior.approval.approvedAt };
      }
      const shown = prior.steps.find((s) => s.id === d.stepId)?.verdict;
      if (shown !== d.before) {
        throw ApplicationFailure.nonRetryable(`step ${d.stepId} is ${String(shown)} now, not ${d.before}: the decision can no longer be approved`, ERROR_TYPES.staleDecision);
      }
      const first = latest === 1 ? prior : await getJson<Report>(deps.s3, deps.buckets.reports, reportKeys(input.recordingId, revisions[0]!).json);
      const revision = latest + 1;
      const report = applyApproval(prior, d, input.decisionRevision, input.approval, revision, input.review, first?.verdict ?? prior.verdict);
      const reportKey = await store(input.recordingId, revision, report);
      deps.logger.info({ recordingId: input.recordingId, revision, step: d.stepId, reviewer: d.reviewer, lead: input.approval.lead }, 'approval revision written');
      return { decisionId: d.decisionId, revision, verdict: report.verdict, reportKey, decidedAt: input.approval.approvedAt };
    },
  };
}
