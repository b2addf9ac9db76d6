// rejudgeRecordings: replays the judge over stored evidence with a (new) rulebook, in parallel batches.
// Only keys and counts pass through history; no media is read and no model runs.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities, RejudgeBatchResult } from '../activities';
import { ACTIVITY_TIMEOUTS, RETRY, TASK_QUEUES } from '../temporal.config';

export interface RejudgeInput {
  /** `id` or `id@version`; the newest rulebook when absent. */
  rulebook?: string;
  /** ISO date: only recordings first inspected since then. */
  since?: string;
  batchSize?: number;
  parallelBatches?: number;
}

export interface RejudgeResult extends RejudgeBatchResult {
  recordings: number;
}

const retry = { ...RETRY, nonRetryableErrorTypes: [...RETRY.nonRetryableErrorTypes] };
const acts = proxyActivities<Activities>({ taskQueue: TASK_QUEUES.orchestration, startToCloseTimeout: '10 minutes', heartbeatTimeout: ACTIVITY_TIMEOUTS.light.heartbeatTimeout, retry });

export async function rejudgeRecordings(input: RejudgeInput): Promise<RejudgeResult> {
  const info = workflowInfo();
  const recordings = await acts.listInspectedRecordings({ since: input.since });
  const batchSize = input.batchSize ?? 50;
  const parallel = input.parallelBatches ?? 4;
  const batches: string[][] = [];
  for (let i = 0; i < recordings.length; i += batchSize) batches.push(recordings.slice(i, i + batchSize).map((r) => r.recordingId));
  const total: RejudgeResult = { recordings: recordings.length, rejudged: 0, unchanged: 0, missing: [], verdictChanges: [] };
  for (let i = 0; i < batches.length; i += parallel) {
    const results = await Promise.all(
      batches.slice(i, i + parallel).map((ids) => acts.rejudgeBatch({ recordingIds: ids, rulebook: input.rulebook, inspection: { workflowId: info.workflowId, runId: info.runId } })),
    );
    for (const r of results) {
      total.rejudged += r.rejudged;
      total.unchanged += r.unchanged;
      total.missing.push(...r.missing);
      total.verdictChanges.push(...r.verdictChanges);
    }
  }
  return total;
}
