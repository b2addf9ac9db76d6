// Starting inspections from outside a workflow (CLI, discovery, tests). The workflow id comes from
// bucket + key + ETag, so a second start for the same recording version joins the first one instead of
// inspecting again; a completed inspection is never repeated by a plain start, while one that failed,
// timed out or was terminated (retries exhausted by a long outage, an operator) is started afresh.
import { WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type * as Minio from 'minio';
import { inspectionWorkflowId, normaliseEtag } from '../lib/ids';
import { TASK_QUEUES } from '../temporal.config';
import type { InspectRecordingInput, InspectRecordingResult } from '../workflows/inspect-recording';

export interface StartedInspection {
  workflowId: string;
  result(): Promise<InspectRecordingResult>;
}

export async function startInspection(
  client: Client,
  s3: Minio.Client,
  target: { bucket: string; key: string; rulebook?: string },
): Promise<StartedInspection> {
  const stat = await s3.statObject(target.bucket, target.key);
  const etag = normaliseEtag(stat.etag);
  const versionId = stat.versionId && stat.versionId !== 'null' ? stat.versionId : null;
  const workflowId = inspectionWorkflowId(target.bucket, target.key, etag);
  const input: InspectRecordingInput = { bucket: target.bucket, key: target.key, etag, versionId, rulebook: target.rulebook };
  try {
    const handle: WorkflowHandleWithFirstExecutionRunId = await client.workflow.start('inspectRecording', {
      taskQueue: TASK_QUEUES.orchestration,
      workflowId,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    });
    return { workflowId, result: () => handle.result() as Promise<InspectRecordingResult> };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    // Already inspected (a completed run): its result is the answer.
    const handle = client.workflow.getHandle(workflowId);
    return { workflowId, result: () => handle.result() as Promise<InspectRecordingResult> };
  }
}
