// Runs Temporal workers for the chosen task queues in this process: the orchestration queue hosts the
// workflows and light activities, the media queue the decoding. Concurrency comes from config; SIGINT
// and SIGTERM drain in-flight work before exit (the SDK's Runtime handles the signals).
import { NativeConnection, Runtime, Worker, type LogLevel, type LogMetadata, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { ActivityDeps } from '../activities/deps';
import type { Logger } from '../lib/logger';
import { NAMESPACE, TASK_QUEUES, WORKER_CONCURRENCY } from '../temporal.config';
import { metricsInterceptors, metricsTelemetry } from './metrics';

export type QueueName = keyof typeof TASK_QUEUES;

export interface RunWorkersOptions {
  address: string;
  namespace?: string;
  queues: QueueName[];
  deps: ActivityDeps;
  logger: Logger;
  /** A prebuilt workflow bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  concurrency?: Partial<Record<QueueName, number>>;
  identity?: string;
}

export interface RunningWorkers {
  workers: Worker[];
  /** Resolves when every worker has stopped. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

function envInt(name: string): number | undefined {
  const v = process.env[name];
  const n = v ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

let runtimeLogger: Logger | undefined;

/**
 * Routes the Temporal SDK's own logs (worker state changes, activity failures) into our JSON logger,
 * once per process, instead of the SDK's multi-line console output.
 */
export function installSdkLogging(logger: Logger): void {
  if (runtimeLogger) return;
  runtimeLogger = logger.child({ component: 'temporal-sdk' });
  const target = runtimeLogger;
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
  // A media-only worker is meant to have no workflows: that notice is not a warning here.
  const expected = /^No (workflows|Nexus services) registered/;
  const log = (level: LogLevel, message: string, meta?: LogMetadata): void =>
    target[expected.test(message) ? 'debug' : levels[level]](meta ?? {}, message);
  const telemetry = metricsTelemetry();
  try {
    Runtime.install({
      ...telemetry,
      logger: {
        log,
        trace: (m, meta) => log('TRACE', m, meta),
        debug: (m, meta) => log('DEBUG', m, meta),
        info: (m, meta) => log('INFO', m, meta),
        warn: (m, meta) => log('WARN', m, meta),
        error: (m, meta) => log('ERROR', m, meta),
      },
    });
  } catch {
    // A Runtime was already installed (e.g. by a test harness): keep its logger.
  }
}

export async function startWorkers(options: RunWorkersOptions): Promise<RunningWorkers> {
  installSdkLogging(options.logger);
  const connection = await NativeConnection.connect({ address: options.address });
  const activities = createActivities(options.deps);
  const namespace = options.namespace ?? NAMESPACE;
  const workers: Worker[] = [];
  for (const queue of options.queues) {
    const base: WorkerOptions = {
      connection,
      namespace,
      taskQueue: TASK_QUEUES[queue],
      activities,
      identity: options.identity ? `${options.identity}/${queue}` : undefined,
      shutdownGraceTime: '10 seconds',
      interceptors: metricsInterceptors(),
    };
    if (queue === 'orchestration') {
      workers.push(
        await Worker.create({
          ...base,
          ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
          maxConcurrentActivityTaskExecutions: options.concurrency?.orchestration ?? envInt('DUALQA_ORCHESTRATION_CONCURRENCY') ?? WORKER_CONCURRENCY.orchestrationActivities,
        }),
      );
    } else if (queue === 'speech') {
      workers.push(
        await Worker.create({
          ...base,
          maxConcurrentActivityTaskExecutions: options.concurrency?.speech ?? envInt('DUALQA_SPEECH_CONCURRENCY') ?? WORKER_CONCURRENCY.speechActivities,
        }),
      );
    } else {
      workers.push(
        await Worker.create({
          ...base,
          maxConcurrentActivityTaskExecutions: options.concurrency?.media ?? envInt('DUALQA_MEDIA_CONCURRENCY') ?? WORKER_CONCURRENCY.mediaActivities,
        }),
      );
    }
  }
  options.logger.info({ queues: options.queues.map((q) => TASK_QUEUES[q]), namespace }, 'workers started');
  const done = Promise.all(workers.map((w) => w.run())).then(async () => {
    await connection.close();
    options.logger.info('workers stopped');
  });
  return {
    workers,
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
