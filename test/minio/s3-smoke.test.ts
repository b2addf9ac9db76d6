// S3 smoke test against any S3 named by S3_ENDPOINT (+ S3_ACCESS_KEY / S3_SECRET_KEY with rights to
// create and delete buckets). Run by scripts/test-minio.sh against a throwaway MinIO; skipped otherwise.
// The object-lock section only runs with DUALQA_S3_SMOKE_LOCK=1: locked objects cannot be removed.
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { after, describe, it } from 'node:test';

import type * as Minio from 'minio';

import { makeS3Client, parseS3Endpoint } from '../../lib/s3';
import { ensureBuckets } from '../../stack/buckets';

const endpointUrl = process.env.S3_ENDPOINT;
const skip = endpointUrl ? false : 'S3_ENDPOINT not set (scripts/test-minio.sh sets it)';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

interface Version {
  name: string;
  versionId?: string;
  isDeleteMarker?: boolean;
}

async function listVersions(client: Minio.Client, bucket: string): Promise<Version[]> {
  const out: Version[] = [];
  for await (const item of client.listObjects(bucket, '', true, { IncludeVersion: true }) as AsyncIterable<Version>) out.push(item);
  return out;
}

async function dropBucket(client: Minio.Client, bucket: string): Promise<void> {
  if (!(await client.bucketExists(bucket))) return;
  for (const v of await listVersions(client, bucket)) await client.removeObject(bucket, v.name, v.versionId ? { versionId: v.versionId } : {});
  await client.removeBucket(bucket);
}

describe('S3 smoke test through lib/s3.ts', { skip, timeout: 120_000 }, () => {
  const endpoint = parseS3Endpoint(endpointUrl ?? 'http://127.0.0.1:1');
  const client = makeS3Client(endpoint, { accessKey: process.env.S3_ACCESS_KEY ?? '', secretKey: process.env.S3_SECRET_KEY ?? '' });
  const suffix = crypto.randomBytes(4).toString('hex');
  const bucket = `dualqa-smoke-${suffix}`;

  after(async () => {
    await dropBucket(client, bucket);
  });

  it('put, get, stat, range, unicode keys, presigned GET', async () => {
    await client.makeBucket(bucket, endpoint.region);
    const body = crypto.randomBytes(3 * 1024 * 1024 + 17);
    const key = '案例/录像 1.mp4';
    await client.putObject(bucket, key, body, body.length, { 'Content-Type': 'video/mp4', 'X-Amz-Meta-Case': 'smoke' });
    assert.deepEqual(await readAll(await client.getObject(bucket, key)), body);
    const stat = await client.statObject(bucket, key);
    assert.equal(stat.size, body.length);
    assert.equal(stat.metaData['content-type'], 'video/mp4');
    const range = await readAll(await client.getPartialObject(bucket, key, 1_000_000, 4096));
    assert.deepEqual(range, body.subarray(1_000_000, 1_004_096));
    const url = await client.presignedGetObject(bucket, key, 60);
    const res = await fetch(url, { headers: { Range: 'bytes=0-99' } });
    assert.equal(res.status, 206);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), body.subarray(0, 100));
    const wrong = makeS3Client(endpoint, { accessKey: process.env.S3_ACCESS_KEY ?? '', secretKey: 'wrong-secret-wrong-secret' });
    // A HEAD answer has no body: the client names a 403 AccessDenied (a wrong signature, not a missing object).
    await assert.rejects(wrong.statObject(bucket, key), { code: 'AccessDenied' });
  });

  it('versioning keeps the original under an overwrite and a delete', async () => {
    await client.setBucketVersioning(bucket, { Status: 'Enabled' });
    const key = 'versioned.bin';
    const original = crypto.randomBytes(4096);
    const v1 = (await client.putObject(bucket, key, original)).versionId;
    assert.ok(v1);
    await client.putObject(bucket, key, Buffer.from('second'));
    await client.removeObject(bucket, key);
    await assert.rejects(client.getObject(bucket, key), { code: 'NoSuchKey' });
    assert.deepEqual(await readAll(await client.getObject(bucket, key, { versionId: v1 })), original);
    const versions = (await listVersions(client, bucket)).filter((v) => v.name === key);
    assert.equal(versions.length, 3, 'two versions and a delete marker');
  });

  it('bucket setup with object lock protects the original version', { skip: process.env.DUALQA_S3_SMOKE_LOCK === '1' ? false : 'set DUALQA_S3_SMOKE_LOCK=1 on a throwaway server' }, async () => {
    const buckets = { recordings: `dualqa-rec-${suffix}`, analyses: `dualqa-ana-${suffix}`, reports: `dualqa-rep-${suffix}` };
    const setup = await ensureBuckets(client, buckets, { region: endpoint.region });
    assert.equal(setup.recordingsLocked, true, setup.lockProblem);
    const again = await ensureBuckets(client, buckets, { region: endpoint.region });
    assert.equal(again.recordingsLocked, true, 'idempotent');
    const key = 'case/recording.mp4';
    const original = crypto.randomBytes(8192);
    const v1 = (await client.putObject(buckets.recordings, key, original)).versionId;
    assert.ok(v1);
    await client.putObject(buckets.recordings, key, Buffer.from('tampered'));
    await assert.rejects(client.removeObject(buckets.recordings, key, { versionId: v1 }), { code: 'AccessDenied' });
    assert.deepEqual(await readAll(await client.getObject(buckets.recordings, key, { versionId: v1 })), original);
  });
});
