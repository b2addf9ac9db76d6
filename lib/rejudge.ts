// Starting a re-judge from outside a workflow (CLI, bench, tests).
import type { Client } from '@temporalio/client';
import { TASK_QUEUES } from '../temporal.config';
import type { RejudgeInput, RejudgeResult } from '../workflows/rejudge';

export async function runRejudge(client: Client, input: RejudgeInput): Promise<RejudgeResult> {
  const workflowId = `rejudge:${input.rulebook ?? 'latest'}:${new Date().toISOString()}`;
  return client.workflow.execute('rejudgeRecordings', { taskQueue: TASK_QUEUES.orchestration, workflowId, args: [input] }) as Promise<RejudgeResult>;
}
