// reviewRecording: one per recording under human review (id review:<recordingId>). Decisions arrive as
// Updates: the validator refuses bad or stale ones before they touch history; accepted ones run one at a
// time (a lock in workflow state), each writing a new report revision through an activity. Revision 1,
// the machine's, is never changed. Four eyes: a decision overturning a FAIL into a PASS writes a revision
// that records it as pending (the step stays FAIL); a lead's `approve` Update, by another person, writes
// the next revision with the PASS in effect. The workflow ends when closed, or after its deadline.
import { allHandlersFinished, ApplicationFailure, condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Verdict } from '../lib/labelled';
import { approvalProblems, decisionProblems, needsApproval, type ApprovalInput, type ReviewDecisionInput } from '../decisions/decision';
import { approveUpdate, closeReviewSignal, decideUpdate, reviewStateQuery, type ReviewState } from '../decisions/definitions';
import { ERROR_TYPES } from '../temporal.config';
import { light } from './proxies';

export interface ReviewRecordingInput {
  recordingId: string;
  /** Step verdicts of the latest report revision when the review opened. */
  steps: { id: string; verdict: Verdict }[];
  /** The revision those steps come from. */
  revision: number;
  /** How long the review stays open without being closed; 30 days when absent. */
  deadlineMs?: number;
}

export async function reviewRecording(input: ReviewRecordingInput): Promise<ReviewState> {
  const state: ReviewState = { recordingId: input.recordingId, steps: Object.fromEntries(input.steps.map((s) => [s.id, s.verdict])), revision: input.revision, decisions: [], pending: [], approvals: [] };
  const pending = state.pending!;
  const approvals = state.approvals!;
  const pendingSteps = () => pending.map((p) => p.stepId);
  const newerThanKnown = (d: ReviewDecisionInput) => (d.basedOnRevision ?? 0) > state.revision;
  let writing = false;
  let closed = false;

  setHandler(
    decideUpdate,
    async (d) => {
      const done = state.decisions.find((x) => x.decisionId === d.decisionId);
      if (done) return done;
      // A loop, not one wait: several handlers woken together re-check, and the first to run takes the lock.
      while (writing) await condition(() => !writing);
      writing = true;
      try {
        if (newerThanKnown(d)) {
          // A revision written outside this workflow (a re-judge): take its steps as the current ones.
          const latest = await light.readLatestSteps({ recordingId: input.recordingId });
          state.steps = Object.fromEntries(latest.steps.map((s) => [s.id, s.verdict]));
          state.revision = latest.revision;
        }
        // Checked again after the wait: a decision accepted meanwhile may have changed this step.
        const problems = decisionProblems(d, state.steps, pendingSteps());
        if (problems.length) throw ApplicationFailure.nonRetryable(problems.join('; '), ERROR_TYPES.staleDecision);
        const info = workflowInfo();
        // Reviews opened before four eyes replay as they ran (the decision took effect at once).
        const fourEyes = needsApproval(d) && patched('four-eyes-approval');
        const decision = { ...d, decidedAt: new Date().toISOString() };
        const result = await light.writeReviewRevision({
          recordingId: input.recordingId,
          decision,
          review: { workflowId: info.workflowId, runId: info.runId },
          ...(fourEyes ? { pendingApproval: true } : {}),
        });
        if (fourEyes) pending.push({ ...decision, revision: result.revision });
        else state.steps[d.stepId] = d.after;
        state.revision = Math.max(state.revision, result.revision);
        state.decisions.push(result);
        return result;
      } finally {
        writing = false;
      }
    },
    {
      validator: (d: ReviewDecisionInput) => {
        if (state.decisions.some((x) => x.decisionId === d.decisionId)) return;
        // Shown a revision this workflow has not seen: the handler re-reads the steps and checks then.
        const problems = decisionProblems(d, newerThanKnown(d) ? { ...state.steps, [d.stepId]: d.before } : state.steps, pendingSteps());
        if (problems.length) throw new Error(problems.join('; '));
      },
    },
  );
  setHandler(
    approveUpdate,
    async (a) => {
      const done = approvals.find((x) => x.approvalId === a.approvalId);
      if (done) return done.result;
      while (writing) await condition(() => !writing);
      writing = true;
      try {
        const d = pending.find((p) => p.decisionId === a.decisionId);
        const problems = approvalProblems(a, d);
        if (problems.length || !d) throw ApplicationFailure.nonRetryable(problems.join('; '), ERROR_TYPES.staleDecision);
        const info = workflowInfo();
        const { revision: decisionRevision, ...decision } = d;
        const result = await light.writeApprovalRevision({
          recordingId: input.recordingId,
          approval: { ...a, approvedAt: new Date().toISOString() },
          decision,
          decisionRevision,
          review: { workflowId: info.workflowId, runId: info.runId },
        });
        state.steps[d.stepId] = d.after;
        state.revision = Math.max(state.revision, result.revision);
        pending.splice(pending.indexOf(d), 1);
        approvals.push({ approvalId: a.approvalId, decisionId: a.decisionId, result });
        return result;
      } finally {
        writing = false;
      }
    },
    {
      validator: (a: ApprovalInput) => {
        if (approvals.some((x) => x.approvalId === a.approvalId)) return;
        const problems = approvalProblems(a, pending.find((p) => p.decisionId === a.decisionId));
        if (problems.length) throw new Error(problems.join('; '));
      },
    },
  );
  setHandler(reviewStateQuery, () => state);
  setHandler(closeReviewSignal, () => {
    closed = true;
  });

  // Closing with a decision still pending leaves it as recorded (its revision says pending; the step stays FAIL).
  await condition(() => closed, input.deadlineMs ?? 30 * 24 * 3600 * 1000);
  await condition(allHandlersFinished);
  return state;
}
