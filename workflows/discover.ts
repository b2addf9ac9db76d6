// discoverRecordings: one sweep of the recordings bucket (a Temporal Schedule runs it every minute or so).
// The sweep itself is an activity; this workflow exists so the schedule has something durable to start.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities, DiscoverInput, DiscoverResult } from '../activities';
import { ACTIVITY_TIMEOUTS, RETRY, TASK_QUEUES } from '../temporal.config';

const retry = { ...RETRY, nonRetryableErrorTypes: [...RETRY.nonRetryableErrorTypes] };
const acts = proxyActivities<Activities>({ taskQueue: TASK_QUEUES.orchestration, startToCloseTimeout: '15 minutes', heartbeatTimeout: ACTIVITY_TIMEOUTS.light.heartbeatTimeout, retry });

export async function discoverRecordings(input: DiscoverInput): Promise<DiscoverResult> {
  return acts.discoverAndStart(input);
}
