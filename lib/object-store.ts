// Reading and writing the project's objects: JSON evidence, reports, and streamed copies of recordings.
// Writes are write-once by default: nothing a later run writes replaces what an earlier run wrote.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type * as Minio from 'minio';

export interface ObjectRef {
  bucket: string;
  key: string;
  versionId?: string | null;
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchVersion';
}

export async function exists(s3: Minio.Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.statObject(bucket, key);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

export async function getJson<T>(s3: Minio.Client, bucket: string, key: string): Promise<T | null> {
  try {
    const stream = await s3.getObject(bucket, key);
    const chunks: Buffer[] = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** A whole object in memory: for small objects (reports, signatures, frames), never recordings. */
export async function getBytes(s3: Minio.Client, bucket: string, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of (await s3.getObject(bucket, key)) as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

export async function putText(s3: Minio.Client, bucket: string, key: string, body: string, contentType: string): Promise<void> {
  const data = Buffer.from(body, 'utf8');
  await s3.putObject(bucket, key, data, data.length, { 'Content-Type': contentType });
}

export async function putJson(s3: Minio.Client, bucket: string, key: string, value: unknown): Promise<void> {
  await putText(s3, bucket, key, `${JSON.stringify(value, null, 2)}\n`, 'application/json; charset=utf-8');
}

/**
 * Creates `key` only if no object is there (`If-None-Match: *`): true if this call created it, false if
 * another writer's object was already there. The server decides, so of two racing creators exactly one
 * wins (proved on the pinned SeaweedFS by test/integration/revisions.test.ts).
 */
export async function createJsonIfAbsent(s3: Minio.Client, bucket: string, key: string, value: unknown): Promise<boolean> {
  const data = Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
  try {
    await s3.putObject(bucket, key, data, data.length, { 'Content-Type': 'application/json; charset=utf-8', 'If-None-Match': '*' });
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'PreconditionFailed') return false;
    throw err;
  }
}

/**
 * Streams an object version to a local file, hashing it on the way (never the whole file in memory).
 * `onBytes` reports progress so the caller can heartbeat.
 */
export async function downloadWithSha256(
  s3: Minio.Client,
  ref: ObjectRef,
  file: string,
  onBytes?: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<{ sha256: string; bytes: number }> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const source = await s3.getObject(ref.bucket, ref.key, ref.versionId ? { versionId: ref.versionId } : {});
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      onBytes?.(bytes);
      done(null, chunk);
    },
  });
  await pipeline(source, tap, fs.createWriteStream(file), signal ? { signal } : {});
  return { sha256: hash.digest('hex'), bytes };
}

/** Hashes an object version without keeping it: for ingest, where only the digest is needed. */
export async function sha256OfObject(
  s3: Minio.Client,
  ref: ObjectRef,
  onBytes?: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<{ sha256: string; bytes: number }> {
  const source = await s3.getObject(ref.bucket, ref.key, ref.versionId ? { versionId: ref.versionId } : {});
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    if (signal?.aborted) {
      source.destroy();
      throw new Error('cancelled');
    }
    hash.update(chunk);
    bytes += chunk.length;
    onBytes?.(bytes);
  }
  return { sha256: hash.digest('hex'), bytes };
}

export { isNotFound };
