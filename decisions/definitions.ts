// The review workflow's messages, shared by the workflow and its clients (the review server, tests).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Verdict } from '../lib/labelled';
import type { ReviewDecisionInput, ReviewDecisionResult } from './decision';

export interface ReviewState {
  recordingId: string;
  steps: Record<string, Verdict>;
  /** The newest report revision the workflow knows of. */
  revision: number;
  decisions: ReviewDecisionResult[];
}

export const decideUpdate = defineUpdate<ReviewDecisionResult, [ReviewDecisionInput]>('decide');
export const reviewStateQuery = defineQuery<ReviewState>('reviewState');
export const closeReviewSignal = defineSignal('closeReview');
