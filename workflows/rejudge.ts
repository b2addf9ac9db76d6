// rejudgeRecordings: replays the judge over stored evidence with a (new) rulebook, in parallel batches.
// Only keys and counts pass through history; no media is read and no model runs.
import { workflowInfo } from '@temporalio/workflow';
import type { RejudgeBatchResult } from '../activities';
import { batch } from './proxies';

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

export async function rejudgeRecordings(input: RejudgeInput): Promise<RejudgeResult> {
  const info = workflowInfo();
  const recordings = await batch.listInspectedRecordings({ since: input.since });
  const batchSize = input.batchSize ?? 50;
  const parallel = input.parallelBatches ?? 4;
  const batches: string[][] = [];
  for (let i = 0; i < recordings.length; i += batchSize) batches.push(recordings.slice(i, i + batchSize).map((r) => r.recordingId));
  const total: RejudgeResult = { recordings: recordings.length, rejudged: 0, unchanged: 0, missing: [], verdictChanges: [] };
  for (let i = 0; i < batches.length; i += parallel) {
    const results = await Promise.all(
      batches.slice(i, i + parallel).map((ids) => batch.rejudgeBatch({ recordingIds: ids, rulebook: input.rulebook, inspection: { workflowId: info.workflowId, runId: info.runId } })),
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
