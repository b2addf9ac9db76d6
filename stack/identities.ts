// Credentials of the embedded S3 server and the permission each identity gets. Generated once per data
// directory, kept in <dataDir>/credentials.json (mode 0600) and never logged.
//
// Permission matrix (SeaweedFS legacy actions; "Write" covers put, overwrite and delete):
//   admin     setup only: create buckets, versioning, object lock. Not handed to workers or uploaders.
//   worker    Read+List on recordings; Read+List+Write on analyses and reports.
//   uploader  Read+List+Write on recordings only.
// Recordings are evidence: the bucket is created with object lock and a default COMPLIANCE retention,
// so an overwrite or delete only adds a version or a delete marker, and no identity (admin included)
// can delete an original version until its retention ends.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { S3Credentials } from '../lib/s3';

export type Creds = S3Credentials;

export interface StackCredentials {
  admin: Creds;
  worker: Creds;
  uploader: Creds;
}

export interface BucketNames {
  recordings: string;
  analyses: string;
  reports: string;
}

const ACCESS_KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomAccessKey(prefix: string): string {
  // 20 characters like AWS access key ids; the prefix only helps a human tell identities apart in logs
  // of the server (which show access keys, never secrets).
  const bytes = crypto.randomBytes(20);
  let key = prefix;
  for (let i = 0; key.length < 20; i++) key += ACCESS_KEY_ALPHABET[(bytes[i] ?? 0) % ACCESS_KEY_ALPHABET.length];
  return key;
}

function randomSecret(): string {
  // 40 characters from 30 random bytes (240 bits), URL-safe so no client mangles it.
  return crypto.randomBytes(30).toString('base64url');
}

function generate(): StackCredentials {
  return {
    admin: { accessKey: randomAccessKey('DQADM'), secretKey: randomSecret() },
    worker: { accessKey: randomAccessKey('DQWRK'), secretKey: randomSecret() },
    uploader: { accessKey: randomAccessKey('DQUPL'), secretKey: randomSecret() },
  };
}

function isCreds(value: unknown): value is Creds {
  const c = value as Partial<Creds> | null;
  return typeof c === 'object' && c !== null && typeof c.accessKey === 'string' && c.accessKey.length > 0 && typeof c.secretKey === 'string' && c.secretKey.length > 0;
}

export function credentialsFile(dataDir: string): string {
  return path.join(dataDir, 'credentials.json');
}

/** Writes a file readable by its owner only, atomically. */
function writePrivateFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
  fs.renameSync(tmp, file);
}

/** Creates `file` (0600) with `content` unless it exists; of two processes creating it at once, the first wins and both agree. */
export function createPrivateFileOnce(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
  try {
    // link fails if another process created the file first; then theirs wins.
    fs.linkSync(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * The secret of keyed hashes (the catalogue's agent key, an HMAC of the licence number): DUALQA_HASH_KEY
 * when set, else <dataDir>/hash-key, created (0600, 256 random bits) on first use like the S3 credentials.
 * Changing it changes every agent key: `catalogue rebuild` then recomputes them.
 */
export function loadOrCreateHashKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.DUALQA_HASH_KEY) return env.DUALQA_HASH_KEY;
  const file = path.join(dataDir, 'hash-key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    createPrivateFileOnce(file, `${crypto.randomBytes(32).toString('base64url')}\n`);
  }
  const key = fs.readFileSync(file, 'utf8').trim();
  if (key.length < 16) throw new Error(`${file} holds no usable hash key`);
  return key;
}

/** Reads <dataDir>/credentials.json, creating it (0600) with fresh random keys on first use. */
export function loadOrCreateCredentials(dataDir: string): StackCredentials {
  const file = credentialsFile(dataDir);
  if (fs.existsSync(file)) return readCredentials(file);
  fs.mkdirSync(dataDir, { recursive: true });
  const content = `${JSON.stringify(generate(), null, 2)}\n`;
  createPrivateFileOnce(file, content);
  return readCredentials(file);
}

export function readCredentials(file: string): StackCredentials {
  const st = fs.statSync(file);
  if ((st.mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StackCredentials>;
  if (!isCreds(parsed.admin) || !isCreds(parsed.worker) || !isCreds(parsed.uploader)) {
    throw new Error(`${file} is not a dualqa credentials file (admin, worker, uploader with accessKey/secretKey)`);
  }
  return { admin: parsed.admin, worker: parsed.worker, uploader: parsed.uploader };
}

interface SeaweedIdentity {
  name: string;
  credentials: { accessKey: string; secretKey: string }[];
  actions: string[];
}

/** The permission matrix, as SeaweedFS action strings ("Action" or "Action:bucket"). */
export function identityActions(buckets: BucketNames): Record<keyof StackCredentials, string[]> {
  const on = (actions: string[], bucket: string) => actions.map((a) => `${a}:${bucket}`);
  return {
    admin: ['Admin', 'Read', 'List', 'Write', 'Tagging'],
    worker: [...on(['Read', 'List'], buckets.recordings), ...on(['Read', 'List', 'Write'], buckets.analyses), ...on(['Read', 'List', 'Write'], buckets.reports)],
    uploader: on(['Read', 'List', 'Write'], buckets.recordings),
  };
}

export function seaweedIdentities(creds: StackCredentials, buckets: BucketNames): { identities: SeaweedIdentity[] } {
  const actions = identityActions(buckets);
  const names = ['admin', 'worker', 'uploader'] as const;
  return {
    identities: names.map((name) => ({
      name: `dualqa-${name}`,
      credentials: [{ accessKey: creds[name].accessKey, secretKey: creds[name].secretKey }],
      actions: actions[name],
    })),
  };
}

/** Writes the SeaweedFS `-s3.config` file (0600, it holds secrets) and returns its path. */
export function writeSeaweedIdentities(file: string, creds: StackCredentials, buckets: BucketNames): string {
  writePrivateFile(file, `${JSON.stringify(seaweedIdentities(creds, buckets), null, 2)}\n`);
  return file;
}
