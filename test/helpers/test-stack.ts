// A real embedded stack for one test file (or bench): Temporal dev server + SeaweedFS on free ports (and,
// asked with `database: true`, the catalogue's PostgreSQL), a Temporal client and S3 clients for the
// uploader and the worker identities.
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type * as Minio from 'minio';
import { makeS3Client } from '../../lib/s3';
import { startStack, type StackHandle } from '../../stack';

export interface TestStack {
  stack: StackHandle;
  connection: Connection;
  client: Client;
  uploader: Minio.Client;
  reader: Minio.Client;
  close(): Promise<void>;
}

export async function openTestStack(name: string, root: string, options: { database?: boolean } = {}): Promise<TestStack> {
  const stack = await startStack({ dataDir: path.join(root, 'stack'), name, database: options.database === true });
  const connection = await Connection.connect({ address: stack.info.temporal.address });
  return {
    stack,
    connection,
    client: new Client({ connection, namespace: stack.info.temporal.namespace }),
    uploader: makeS3Client(stack.info.s3.endpoint, stack.info.s3.uploader),
    reader: makeS3Client(stack.info.s3.endpoint, stack.info.s3.worker),
    async close() {
      await connection.close();
      await stack.stop();
    },
  };
}
