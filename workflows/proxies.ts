// The activities as workflows call them: one proxy per kind of work, each on its queue with its timeouts
// and the shared retry policy (temporal.config.ts), so every workflow schedules an activity the same way.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ACTIVITY_TIMEOUTS, RETRY, TASK_QUEUES } from '../temporal.config';

const retry = { ...RETRY, nonRetryableErrorTypes: [...RETRY.nonRetryableErrorTypes] };

/** Light work beside the workflows: judge, report, review revisions, listings. */
export const light = proxyActivities<Activities>({ taskQueue: TASK_QUEUES.orchestration, ...ACTIVITY_TIMEOUTS.light, retry });
/** Ingest: the whole recording streamed through sha256. */
export const ingest = proxyActivities<Activities>({ taskQueue: TASK_QUEUES.orchestration, ...ACTIVITY_TIMEOUTS.ingest, retry });
/** The media analysis: one decode for integrity, faces and documents. */
export const media = proxyActivities<Activities>({ taskQueue: TASK_QUEUES.media, ...ACTIVITY_TIMEOUTS.media, retry });
/** The speech analysis, on its own pool of workers. */
export const speech = proxyActivities<Activities>({ taskQueue: TASK_QUEUES.speech, ...ACTIVITY_TIMEOUTS.media, retry });
/** A discovery sweep. */
export const sweep = proxyActivities<Activities>({ taskQueue: TASK_QUEUES.orchestration, ...ACTIVITY_TIMEOUTS.sweep, retry });
/** A batch of re-judgements. */
export const batch = proxyActivities<Activities>({ taskQueue: TASK_QUEUES.orchestration, ...ACTIVITY_TIMEOUTS.batch, retry });
