// The review workflow's messages, shared by the workflow and its clients (the review server, tests).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Verdict } from '../lib/labelled';
import type { ApprovalInput, ReviewDecision, ReviewDecisionInput, ReviewDecisionResult } from './decision';

export interface ReviewState {
  recordingId: string;
  steps: Record<string, Verdict>;
  /** The newest report revision the workflow knows of. */
  revision: number;
  decisions: ReviewDecisionResult[];
  /** Decisions overturning a FAIL into a PASS, written as revisions, awaiting a lead's approval. */
  pending?: (ReviewDecision & { revision: number })[];
  /** Approval ids applied, with the revision each wrote. */
  approvals?: { approvalId: string; decisionId: string; result: ReviewDecisionResult }[];
}

export const decideUpdate = defineUpdate<ReviewDecisionResult, [ReviewDecisionInput]>('decide');
export const approveUpdate = defineUpdate<ReviewDecisionResult, [ApprovalInput]>('approve');
export const reviewStateQuery = defineQuery<ReviewState>('reviewState');
export const closeReviewSignal = defineSignal('closeReview');
