// Constants shared by workflows, workers and clients. Workflows import this file, so it must stay
// free of Node built-ins and side effects.

export const NAMESPACE = 'default';

export const TASK_QUEUES = {
  /** Workflow tasks and light activities (ingest, judge, report). */
  orchestration: 'dualqa-orchestration',
  /** Decoding and analysing media: CPU heavy. */
  media: 'dualqa-media',
  /** Speech recognition and verification (a Python engine process per worker): CPU heavy, its own pool. */
  speech: 'dualqa-speech',
} as const;

import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Search attributes registered on the embedded dev server and set by the inspection workflow. */
export const SEARCH_ATTRIBUTES = {
  recordingId: 'DualqaRecordingId',
  verdict: 'DualqaVerdict',
} as const;

export const SEARCH_ATTRIBUTE_KEYS = {
  recordingId: defineSearchAttributeKey(SEARCH_ATTRIBUTES.recordingId, SearchAttributeType.KEYWORD),
  verdict: defineSearchAttributeKey(SEARCH_ATTRIBUTES.verdict, SearchAttributeType.KEYWORD),
};

export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime'> = {
  [SEARCH_ATTRIBUTES.recordingId]: 'Keyword',
  [SEARCH_ATTRIBUTES.verdict]: 'Keyword',
};

/**
 * Timeouts in the form Temporal's Duration strings. Heartbeat timeouts are short so a crashed worker's
 * attempt is retried on another worker within seconds instead of waiting out the start-to-close bound.
 */
export const ACTIVITY_TIMEOUTS = {
  light: { startToCloseTimeout: '2 minutes', heartbeatTimeout: '30 seconds' },
  /** Ingest streams the whole object through sha256: minutes for a multi-GB recording. */
  ingest: { startToCloseTimeout: '1 hour', heartbeatTimeout: '30 seconds' },
  /** Decoding scales with duration: 6 h covers a 3-hour recording on a slow machine. */
  media: { startToCloseTimeout: '6 hours', heartbeatTimeout: '20 seconds' },
  /** One discovery sweep lists a bucket and starts up to a few hundred inspections. */
  sweep: { startToCloseTimeout: '15 minutes', heartbeatTimeout: '30 seconds' },
  /** One re-judge batch: tens of recordings judged and reported from stored evidence. */
  batch: { startToCloseTimeout: '10 minutes', heartbeatTimeout: '30 seconds' },
} as const;

/** Failure types that no retry can fix: activities raise them non-retryable, workflows tell them apart. */
export const ERROR_TYPES = {
  /** The recording itself cannot be inspected (empty, not media, undecodable). */
  badMedia: 'BadMedia',
  /** An input the activity was given is wrong or gone (a missing evidence key, no report to review). */
  badInput: 'BadInput',
  modelUnavailable: 'ModelUnavailable',
  rulebook: 'RulebookError',
  invalidReport: 'InvalidReport',
  /** A review decision made on a view that is no longer current. */
  staleDecision: 'StaleDecision',
  /** A scan made no progress for its stall limit (the watchdog stopped it): answered with the reason, not retried. */
  stalled: 'Stalled',
} as const;

export const RETRY = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  // Transient failures are mostly outages (S3 or a worker's network). 8 attempts rode out only ~2 min
  // (the faults test's 30 s S3 outage already took 7); 20 rides out ~14 min, after which the workflow
  // fails and the next start of that recording runs it afresh (intake/inspections.ts).
  maximumAttempts: 20,
  /** Errors that no retry can fix; activities also mark their own failures non-retryable. */
  nonRetryableErrorTypes: [ERROR_TYPES.badMedia, ERROR_TYPES.badInput, ERROR_TYPES.modelUnavailable, ERROR_TYPES.rulebook, ERROR_TYPES.invalidReport, ERROR_TYPES.stalled],
} as const;

/** Per-process activity concurrency defaults; workers override from DUALQA_* environment variables. */
export const WORKER_CONCURRENCY = {
  orchestrationActivities: 8,
  mediaActivities: 1,
  speechActivities: 1,
} as const;
