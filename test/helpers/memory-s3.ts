// An in-memory stand-in for the few minio calls the report writers use (list, get, stat, put with
// `If-None-Match: *`). Every call yields to the event loop first, so two writers started together
// interleave the way two workers do against a real server.
import { Readable } from 'node:stream';
import type * as Minio from 'minio';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function notFound(key: string): Error {
  return Object.assign(new Error(`no such key ${key}`), { code: 'NoSuchKey' });
}

export interface MemoryS3 {
  client: Minio.Client;
  objects: Map<string, Buffer>;
  /** Keys in the order they were written, a key again each time it was replaced. */
  writes: string[];
}

export function memoryS3(options: { honourIfNoneMatch?: boolean } = {}): MemoryS3 {
  const objects = new Map<string, Buffer>();
  const writes: string[] = [];
  const id = (bucket: string, key: string) => `${bucket}/${key}`;
  const fake = {
    listObjectsV2(bucket: string, prefix: string): AsyncIterable<{ name: string }> {
      return (async function* () {
        await tick();
        const names = [...objects.keys()].filter((k) => k.startsWith(`${bucket}/${prefix}`)).map((k) => k.slice(bucket.length + 1));
        for (const name of names.sort()) yield { name };
      })();
    },
    async getObject(bucket: string, key: string): Promise<Readable> {
      await tick();
      const body = objects.get(id(bucket, key));
      if (!body) throw notFound(key);
      return Readable.from([body]);
    },
    async statObject(bucket: string, key: string): Promise<{ size: number }> {
      await tick();
      const body = objects.get(id(bucket, key));
      if (!body) throw notFound(key);
      return { size: body.length };
    },
    async putObject(bucket: string, key: string, data: Buffer, _size: number, meta: Record<string, string> = {}): Promise<void> {
      await tick();
      if (options.honourIfNoneMatch !== false && meta['If-None-Match'] === '*' && objects.has(id(bucket, key))) {
        throw Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { code: 'PreconditionFailed' });
      }
      objects.set(id(bucket, key), Buffer.from(data));
      writes.push(id(bucket, key));
    },
  };
  return { client: fake as unknown as Minio.Client, objects, writes };
}
