// Submitting a decision from outside the workflow: Update-with-Start, so the first decision on a recording
// opens its review workflow and later ones join it. The update id is the decision id: a double click or
// a retried request is applied once. Comments are masked here, before they enter Temporal history (the
// workflow masks again when it applies them, for callers that come another way).
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { TASK_QUEUES } from '../temporal.config';
import { maskText } from '../lib/mask';
import type { Verdict } from '../lib/labelled';
import { reviewWorkflowId, type ApprovalInput, type ReviewDecisionInput, type ReviewDecisionResult } from '../decisions/decision';
import { approveUpdate, closeReviewSignal, decideUpdate } from '../decisions/definitions';
import type { ReviewRecordingInput } from '../workflows/review-recording';

export interface ShownRevision {
  revision: number;
  steps: { id: string; verdict: Verdict }[];
}

export async function submitDecision(client: Client, recordingId: string, shown: ShownRevision, d: ReviewDecisionInput): Promise<ReviewDecisionResult> {
  const input: ReviewRecordingInput = { recordingId, steps: shown.steps, revision: shown.revision };
  const start = new WithStartWorkflowOperation('reviewRecording', {
    workflowId: reviewWorkflowId(recordingId),
    taskQueue: TASK_QUEUES.orchestration,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  try {
    return await client.workflow.executeUpdateWithStart(decideUpdate, { args: [{ ...d, comment: maskText(d.comment), basedOnRevision: d.basedOnRevision ?? shown.revision }], updateId: d.decisionId, startWorkflowOperation: start });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new DecisionRefused(innermostMessage(err));
    throw err;
  }
}

/** A lead approves a decision pending approval (the decision opened the review workflow). The update id is the approval id. */
export async function submitApproval(client: Client, recordingId: string, a: ApprovalInput): Promise<ReviewDecisionResult> {
  try {
    return await client.workflow.getHandle(reviewWorkflowId(recordingId)).executeUpdate(approveUpdate, { args: [{ ...a, comment: maskText(a.comment) }], updateId: `approve:${a.approvalId}` });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new DecisionRefused(innermostMessage(err));
    throw err;
  }
}

/** The reason at the bottom of a failure chain (update → activity → application failure). */
function innermostMessage(err: Error): string {
  let e: Error = err;
  while (e.cause instanceof Error) e = e.cause;
  return e.message;
}

/** The workflow refused the decision (validator or a decision accepted meanwhile): the reason is for the reviewer. */
export class DecisionRefused extends Error {
  override name = 'DecisionRefused';
}

/** Opens the review of a recording that needs one, without a decision yet (idempotent). */
export async function openReview(client: Client, recordingId: string, shown: ShownRevision): Promise<void> {
  const input: ReviewRecordingInput = { recordingId, steps: shown.steps, revision: shown.revision };
  await client.workflow.start('reviewRecording', {
    workflowId: reviewWorkflowId(recordingId),
    taskQueue: TASK_QUEUES.orchestration,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

export async function closeReview(client: Client, recordingId: string): Promise<void> {
  await client.workflow.getHandle(reviewWorkflowId(recordingId)).signal(closeReviewSignal);
}
