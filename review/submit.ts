// Submitting a decision from outside the workflow: Update-with-Start, so the first decision on a recording
// opens its review workflow and later ones join it. The update id is the decision id: a double click or
// a retried request is applied once.
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { TASK_QUEUES } from '../temporal.config';
import type { Verdict } from '../lib/labelled';
import { reviewWorkflowId, type ReviewDecisionInput, type ReviewDecisionResult } from './decision';
import { closeReviewSignal, decideUpdate } from './definitions';
import type { ReviewRecordingInput } from '../workflows/review-recording';

export async function submitDecision(client: Client, recordingId: string, steps: { id: string; verdict: Verdict }[], d: ReviewDecisionInput): Promise<ReviewDecisionResult> {
  const input: ReviewRecordingInput = { recordingId, steps };
  const start = new WithStartWorkflowOperation('reviewRecording', {
    workflowId: reviewWorkflowId(recordingId),
    taskQueue: TASK_QUEUES.orchestration,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  try {
    return await client.workflow.executeUpdateWithStart(decideUpdate, { args: [d], updateId: d.decisionId, startWorkflowOperation: start });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new DecisionRefused(err.cause?.message ?? err.message);
    throw err;
  }
}

/** The workflow refused the decision (validator or a decision accepted meanwhile): the reason is for the reviewer. */
export class DecisionRefused extends Error {
  override name = 'DecisionRefused';
}

/** Opens the review of a recording that needs one, without a decision yet (idempotent). */
export async function openReview(client: Client, recordingId: string, steps: { id: string; verdict: Verdict }[]): Promise<void> {
  const input: ReviewRecordingInput = { recordingId, steps };
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
