// Bucket setup, run with an administrative identity (the embedded admin, or the root user of an
// external S3 such as MinIO). Idempotent: safe on every start.
import type * as Minio from 'minio';

import type { BucketNames } from './identities';

export interface BucketSetupOptions {
  region: string;
  /** Default COMPLIANCE retention of every new recording version, in years. */
  retentionYears?: number;
}

export interface BucketSetupResult {
  /** Object lock is enabled on recordings with a default COMPLIANCE retention. */
  recordingsLocked: boolean;
  /** Why recordings are not locked, when they are not. */
  lockProblem?: string;
  /** Object lock is enabled on reports with a default COMPLIANCE retention (buckets created since issue #18). */
  reportsLocked: boolean;
  reportsLockProblem?: string;
  versioned: string[];
}

export const DEFAULT_RETENTION_YEARS = 10;

// minio's typings list a `void` overload before the Promise one for the one-argument call.
function getLockConfig(client: Minio.Client, bucket: string): Promise<Minio.ObjectLockInfo> {
  return client.getObjectLockConfig(bucket) as unknown as Promise<Minio.ObjectLockInfo>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function ensureBucket(client: Minio.Client, bucket: string, region: string, objectLocking: boolean): Promise<void> {
  if (await client.bucketExists(bucket)) return;
  try {
    await client.makeBucket(bucket, region, objectLocking ? { ObjectLocking: true } : undefined);
  } catch (error) {
    // Another process may have created it between the check and the call.
    const code = (error as { code?: string }).code;
    if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
  }
}

/**
 * Creates recordings and reports (object lock + versioning + default COMPLIANCE retention) and analyses.
 * Object lock can only be switched on when a bucket is created: a bucket made without it is reported,
 * not silently accepted.
 */
export async function ensureBuckets(client: Minio.Client, buckets: BucketNames, options: BucketSetupOptions): Promise<BucketSetupResult> {
  const years = options.retentionYears ?? DEFAULT_RETENTION_YEARS;
  await ensureBucket(client, buckets.recordings, options.region, true);
  await ensureBucket(client, buckets.analyses, options.region, false);
  await ensureBucket(client, buckets.reports, options.region, true);

  for (const bucket of [buckets.recordings, buckets.reports]) {
    const current = await client.getBucketVersioning(bucket).catch(() => undefined);
    if (current?.Status !== 'Enabled') await client.setBucketVersioning(bucket, { Status: 'Enabled' });
  }

  const recordingsLock = await ensureDefaultRetention(client, buckets.recordings, years);
  // Reports too (issue #18): a locked bucket keeps every version of every revision, r1 included, for the
  // retention, whatever an identity with Write does. Only a bucket created here gets it (see docs/operations.md).
  const reportsLock = await ensureDefaultRetention(client, buckets.reports, years);
  return {
    recordingsLocked: recordingsLock.locked,
    ...(recordingsLock.problem ? { lockProblem: recordingsLock.problem } : {}),
    reportsLocked: reportsLock.locked,
    ...(reportsLock.problem ? { reportsLockProblem: reportsLock.problem } : {}),
    versioned: [buckets.recordings, buckets.reports],
  };
}

/** Sets a bucket's default COMPLIANCE retention if it was created with object lock; says why not otherwise. */
async function ensureDefaultRetention(client: Minio.Client, bucket: string, years: number): Promise<{ locked: boolean; problem?: string }> {
  try {
    const lock = await getLockConfig(client, bucket);
    if (!('objectLockEnabled' in lock) || lock.objectLockEnabled !== 'Enabled') {
      return { locked: false, problem: `bucket ${bucket} exists without object lock (it can only be enabled at creation)` };
    }
    if (lock.mode !== 'COMPLIANCE' || lock.unit !== 'Years' || lock.validity !== years) {
      // Typed `void` by an earlier overload; it does return a Promise.
      await (client.setObjectLockConfig(bucket, { mode: 'COMPLIANCE', unit: 'Years', validity: years }) as unknown as Promise<void>);
    }
    const check = await getLockConfig(client, bucket);
    const locked = 'mode' in check && check.mode === 'COMPLIANCE' && check.validity === years;
    return locked ? { locked } : { locked, problem: `default retention on ${bucket} did not stick: ${JSON.stringify(check)}` };
  } catch (error) {
    return { locked: false, problem: `object lock unavailable on ${bucket}: ${message(error)}` };
  }
}
