// What the start limits are measured against, from Temporal itself (shared by every starter, in any
// process): inspections running now, and inspections started in the last minute. And whether a
// recording version already has an inspection that a start would only join.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { StartLoad } from './start-limits';

const INSPECTIONS = `WorkflowType = 'inspectRecording'`;

export async function measureInspectionLoad(client: Client, what: { running: boolean; startedLastMinute: boolean }): Promise<StartLoad> {
  const load: StartLoad = {};
  if (what.running) load.running = (await client.workflow.count(`${INSPECTIONS} AND ExecutionStatus = 'Running'`)).count;
  if (what.startedLastMinute) {
    const since = new Date(Date.now() - 60_000).toISOString();
    load.startedLastMinute = (await client.workflow.count(`${INSPECTIONS} AND StartTime > '${since}'`)).count;
  }
  return load;
}

/**
 * True if a start of this workflow id would join an existing inspection (running or completed) rather
 * than start one: such a start costs no permit. A failed, timed-out, terminated or cancelled one is run
 * again by a start (ALLOW_DUPLICATE_FAILED_ONLY), so it counts as not started.
 */
export async function inspectionExists(client: Client, workflowId: string): Promise<boolean> {
  try {
    const { status } = await client.workflow.getHandle(workflowId).describe();
    return status.name === 'RUNNING' || status.name === 'COMPLETED' || status.name === 'CONTINUED_AS_NEW';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
