// The review activity, a thin adapter: a person's decision becomes a new report revision. The latest
// revision is read, the decision applied (review/apply-decision.ts), and the result validated, written
// and signed like any report. Earlier revisions, the machine's first one included, are never touched.
import { ApplicationFailure } from '@temporalio/activity';
import { getJson } from '../lib/object-store';
import { reportKeys } from '../evidence/layout';
import { reportRevisions } from '../evidence/load';
import type { Report } from '../report/types';
import { renderReportHtml } from '../report/html';
import { validateReport } from '../report/validate';
import type { Approval, ReviewDecision, ReviewDecisionResult } from '../decisions/decision';
import { applyApproval, applyDecision, type ReviewedReport } from '../decisions/apply';
import { writeNextRevision } from './revision-writer';
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

  /** The machine's first verdict, which every review revision carries forward. */
  async function firstVerdict(recordingId: string, latest: { revision: number; report: ReviewedReport }): Promise<Report['verdict']> {
    const first = (await revisionsOf(recordingId))[0];
    if (first === undefined || first === latest.revision) return latest.report.verdict;
    return (await getJson<Report>(deps.s3, deps.buckets.reports, reportKeys(recordingId, first).json))?.verdict ?? latest.report.verdict;
  }

  function validated(report: ReviewedReport): { report: ReviewedReport; html: string } {
    const problems = validateReport(report);
    if (problems.length) throw ApplicationFailure.nonRetryable(`review revision invalid: ${problems.slice(0, 5).join('; ')}`, ERROR_TYPES.invalidReport);
    return { report, html: renderReportHtml(report) };
  }

  const store = { s3: deps.s3, bucket: deps.buckets.reports };

  /** The stored revision a decision or approval already wrote, newest first: a retry after its write, even with another revision written since. */
  async function alreadyWritten(recordingId: string, mine: (r: ReviewedReport) => boolean): Promise<{ existing: number; report: ReviewedReport } | null> {
    for (const revision of (await revisionsOf(recordingId)).reverse()) {
      const report = await getJson<ReviewedReport>(deps.s3, deps.buckets.reports, reportKeys(recordingId, revision).json);
      if (report && mine(report)) return { existing: revision, report };
    }
    return null;
  }

  function required(latest: { revision: number; report: ReviewedReport } | null, recordingId: string): { revision: number; report: ReviewedReport } {
    if (!latest) throw ApplicationFailure.nonRetryable(`no report for ${recordingId}`, ERROR_TYPES.badInput);
    return latest;
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
      const pending = input.pendingApproval === true;
      // Composed again if another writer takes the revision first: the decision is checked against the winner.
      const written = await writeNextRevision<ReviewedReport>(store, input.recordingId, `decision:${input.decision.decisionId}`, async (found, revision) => {
        const latest = required(found, input.recordingId);
        // A retry after the write (another writer may have added a revision since).
        const own = await alreadyWritten(input.recordingId, (r) => r.review?.decisionId === input.decision.decisionId);
        if (own) return own;
        // The stored report is the authority: a revision written after the workflow last looked makes the decision stale.
        const shown = latest.report.steps.find((s) => s.id === input.decision.stepId)?.verdict;
        if (shown !== input.decision.before) {
          throw ApplicationFailure.nonRetryable(`step ${input.decision.stepId} is ${String(shown)} now, not ${input.decision.before}: reload the recording`, ERROR_TYPES.staleDecision);
        }
        return validated(applyDecision(latest.report, input.decision, revision, input.review, await firstVerdict(input.recordingId, latest), pending));
      });
      const { report, revision } = written;
      deps.logger.info({ recordingId: input.recordingId, revision, step: input.decision.stepId, reviewer: input.decision.reviewer, pending }, 'review revision written');
      const decidedAt = report.review?.decidedAt ?? input.decision.decidedAt;
      return { decisionId: input.decision.decisionId, revision, verdict: report.verdict, reportKey: written.reportKey, decidedAt, ...(report.review?.pendingApproval ? { pendingApproval: true } : {}) };
    },

    /** A lead's approval of a pending decision: the next revision, with the decided verdict in effect. */
    async writeApprovalRevision(input: WriteApprovalRevisionInput): Promise<ReviewDecisionResult> {
      const d = input.decision;
      const written = await writeNextRevision<ReviewedReport>(store, input.recordingId, `approval:${input.approval.approvalId}`, async (found, revision) => {
        const latest = required(found, input.recordingId);
        // A retry after the write (another writer may have added a revision since).
        const own = await alreadyWritten(input.recordingId, (r) => r.approval?.approvalId === input.approval.approvalId);
        if (own) return own;
        const shown = latest.report.steps.find((s) => s.id === d.stepId)?.verdict;
        if (shown !== d.before) {
          throw ApplicationFailure.nonRetryable(`step ${d.stepId} is ${String(shown)} now, not ${d.before}: the decision can no longer be approved`, ERROR_TYPES.staleDecision);
        }
        return validated(applyApproval(latest.report, d, input.decisionRevision, input.approval, revision, input.review, await firstVerdict(input.recordingId, latest)));
      });
      deps.logger.info({ recordingId: input.recordingId, revision: written.revision, step: d.stepId, reviewer: d.reviewer, lead: input.approval.lead }, 'approval revision written');
      return { decisionId: d.decisionId, revision: written.revision, verdict: written.report.verdict, reportKey: written.reportKey, decidedAt: written.report.approval?.approvedAt ?? input.approval.approvedAt };
    },
  };
}
