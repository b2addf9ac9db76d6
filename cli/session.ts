// What a CLI command needs: the stack (external when TEMPORAL_ADDRESS / S3_ENDPOINT are set, else the
// embedded one, reused from `stack up` or started for this command), a Temporal client, S3 clients for
// uploader and worker, and, on an embedded stack, workers in this process. `close` stops only what this
// command started.
import { Client, Connection } from '@temporalio/client';
import type * as Minio from 'minio';
import { createLogger, type Logger } from '../lib/logger';
import { makeS3Client } from '../lib/s3';
import { resolveStack, type StackInfo } from '../stack';
import { createActivityDeps } from '../workers/deps';
import { startWorkers, type RunningWorkers } from '../workers/run';

export type InlineWorkers = 'auto' | 'always' | 'never';

export interface Session {
  info: StackInfo;
  client: Client;
  uploader: Minio.Client;
  reader: Minio.Client;
  logger: Logger;
  close(): Promise<void>;
}

export async function openSession(options: { inlineWorkers?: InlineWorkers; logger?: Logger; ui?: boolean; /** the catalogue's PostgreSQL too (info.database) */ database?: boolean } = {}): Promise<Session> {
  const logger = options.logger ?? createLogger('dualqa-cli', process.env.DUALQA_LOG_LEVEL ?? 'warn');
  const stack = await resolveStack({ ui: options.ui, database: options.database === true });
  const info = stack.info;
  let workers: RunningWorkers | undefined;
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address: info.temporal.address });
    const client = new Client({ connection, namespace: info.temporal.namespace });
    const mode = options.inlineWorkers ?? 'auto';
    if (mode === 'always' || (mode === 'auto' && info.embedded)) {
      const deps = await createActivityDeps({ endpoint: info.s3.endpoint, worker: info.s3.worker, buckets: info.buckets }, logger, undefined, info.temporal);
      workers = await startWorkers({ address: info.temporal.address, namespace: info.temporal.namespace, queues: ['orchestration', 'media', 'speech'], deps, logger, identity: `dualqa-cli-${process.pid}` });
    }
    return {
      info,
      client,
      uploader: makeS3Client(info.s3.endpoint, info.s3.uploader),
      reader: makeS3Client(info.s3.endpoint, info.s3.worker),
      logger,
      async close() {
        await workers?.shutdown();
        await connection?.close();
        await stack.stop();
      },
    };
  } catch (err) {
    await workers?.shutdown().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await stack.stop();
    throw err;
  }
}
