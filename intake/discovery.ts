// The discovery schedule: a Temporal Schedule that sweeps the recordings bucket every few seconds or
// minutes and starts one inspection per new recording. Overlapping sweeps are skipped, not queued.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { TASK_QUEUES } from '../temporal.config';
import type { DiscoverInput } from '../activities/discovery-io';

export interface DiscoveryOptions {
  bucket: string;
  prefix?: string;
  everyS: number;
  settleS?: number;
  maxStarts?: number;
}

export function discoveryScheduleId(bucket: string, prefix?: string): string {
  return `dualqa-discovery:${bucket}${prefix ? `/${prefix}` : ''}`;
}

export function discoveryInput(o: DiscoveryOptions): DiscoverInput {
  return { bucket: o.bucket, ...(o.prefix ? { prefix: o.prefix } : {}), settleS: o.settleS ?? 30, maxStarts: o.maxStarts ?? 500 };
}

/** Creates the schedule, or updates its interval and input when it exists. Returns its id. */
export async function ensureDiscoverySchedule(client: Client, o: DiscoveryOptions): Promise<string> {
  const scheduleId = discoveryScheduleId(o.bucket, o.prefix);
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'discoverRecordings',
    taskQueue: TASK_QUEUES.orchestration,
    args: [discoveryInput(o)],
    workflowId: `${scheduleId}:sweep`,
  };
  // Duration in milliseconds: the SDK's string form is typed as a template literal.
  const spec = { intervals: [{ every: o.everyS * 1000 }] };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((prev) => ({ ...prev, spec, action }));
  }
  return scheduleId;
}
