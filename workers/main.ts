// The worker process entry (`dualqa worker`, or `node dist/workers/main.js [queues]`): resolves the stack
// from the environment, builds the activities' dependencies once, and runs the workers for the chosen
// queues. Logs are JSON (pino); the Temporal SDK's Runtime turns SIGINT/SIGTERM into a graceful shutdown
// that lets in-flight activities finish or hand over.
import * as os from 'node:os';
import { createLogger } from '../lib/logger';
import { resolveStack } from '../stack';
import { createActivityDeps } from './deps';
import { startWorkers, type QueueName } from './run';
import { TASK_QUEUES } from '../temporal.config';

export async function runWorkerCommand(queueList: string): Promise<void> {
  const logger = createLogger('dualqa-worker');
  const queues = queueList.split(',').map((q) => q.trim()).filter(Boolean) as QueueName[];
  for (const q of queues) if (!(q in TASK_QUEUES)) throw new Error(`unknown queue ${q} (known: ${Object.keys(TASK_QUEUES).join(', ')})`);
  const stack = await resolveStack({});
  try {
    const info = stack.info;
    const deps = await createActivityDeps({ endpoint: info.s3.endpoint, worker: info.s3.worker, buckets: info.buckets }, logger, undefined, info.temporal);
    const running = await startWorkers({
      address: info.temporal.address,
      namespace: info.temporal.namespace,
      queues,
      deps,
      logger,
      identity: `${os.hostname()}-${process.pid}`,
    });
    await running.done;
  } finally {
    await stack.stop();
  }
}

if (require.main === module) {
  runWorkerCommand(process.argv[2] ?? 'orchestration,media,speech').catch((err: unknown) => {
    process.stderr.write(`worker failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
