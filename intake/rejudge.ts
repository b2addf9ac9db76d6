// Starting a re-judge from outside a workflow (CLI, bench, tests).
import type { Client } from '@temporalio/client';
import { TASK_QUEUES } from '../temporal.config';
import type { RejudgeInput, RejudgeResult } from '../workflows/rejudge';
import type { ReanalyseInput, ReanalyseResult } from '../workflows/reanalyse';

export async function runRejudge(client: Client, input: RejudgeInput): Promise<RejudgeResult> {
  const workflowId = `rejudge:${input.rulebook ?? 'latest'}:${new Date().toISOString()}`;
  return client.workflow.execute('rejudgeRecordings', { taskQueue: TASK_QUEUES.orchestration, workflowId, args: [input] }) as Promise<RejudgeResult>;
}

/** Starting a re-analysis (one analyser run again, old evidence kept) from outside a workflow. */
export async function runReanalyse(client: Client, input: ReanalyseInput): Promise<ReanalyseResult> {
  const workflowId = `reanalyse:${input.analyser}:${new Date().toISOString()}`;
  return client.workflow.execute('reanalyseRecordings', { taskQueue: TASK_QUEUES.orchestration, workflowId, args: [input] }) as Promise<ReanalyseResult>;
}
