// How callers reach Temporal, S3 and the catalogue database (StackInfo), whether dualqa runs the server
// or the environment names an external one. The s3 and database parts are only built here, so they never
// show secrets in JSON output.
import { parseS3Endpoint, type S3Endpoint } from '../lib/s3';
import { NAMESPACE } from '../temporal.config';
import type { BucketNames, Creds, StackCredentials } from './identities';
import { S3_REGION } from './seaweed';

export interface StackInfo {
  temporal: { address: string; namespace: string; uiUrl?: string; /** run by dualqa (not TEMPORAL_ADDRESS) */ embedded: boolean };
  s3: {
    endpoint: S3Endpoint;
    /** Setup identity of the embedded server; absent for an external S3. Never give it to workers. */
    admin?: Creds;
    worker: Creds;
    uploader: Creds;
    /** run by dualqa (not S3_ENDPOINT) */
    embedded: boolean;
  };
  /** The catalogue (PostgreSQL); absent when the caller did not ask for it. */
  database?: { /** holds the password: never log it */ url: string; /** run by dualqa (not DUALQA_DATABASE_URL) */ embedded: boolean };
  buckets: BucketNames;
  /** True when at least one part is dualqa's embedded server. */
  embedded: boolean;
}

export function embeddedTemporalInfo(t: { address: string; namespace: string; uiUrl?: string }): StackInfo['temporal'] {
  return { address: t.address, namespace: t.namespace, ...(t.uiUrl ? { uiUrl: t.uiUrl } : {}), embedded: true };
}

/** TEMPORAL_ADDRESS (+ TEMPORAL_NAMESPACE), or undefined when unset. */
export function externalTemporalInfo(env: NodeJS.ProcessEnv): StackInfo['temporal'] | undefined {
  const address = env.TEMPORAL_ADDRESS?.trim();
  return address ? { address, namespace: env.TEMPORAL_NAMESPACE?.trim() || NAMESPACE, embedded: false } : undefined;
}

function redact(creds: Creds | undefined): { accessKey: string; secretKey: string } | undefined {
  return creds && { accessKey: creds.accessKey, secretKey: '<redacted>' };
}

/**
 * Secrets stay usable in code but do not leak through JSON.stringify (CLI output, pino logs): the
 * s3 part serialises with secret keys redacted. Non-enumerable, so a spread copy has plain fields.
 */
function withRedactedJson(s3: StackInfo['s3']): StackInfo['s3'] {
  Object.defineProperty(s3, 'toJSON', {
    enumerable: false,
    value: () => ({ endpoint: s3.endpoint, admin: redact(s3.admin), worker: redact(s3.worker), uploader: redact(s3.uploader), embedded: s3.embedded }),
  });
  return s3;
}

export function embeddedS3Info(endpoint: S3Endpoint, creds: StackCredentials): StackInfo['s3'] {
  return withRedactedJson({ endpoint, admin: creds.admin, worker: creds.worker, uploader: creds.uploader, embedded: true });
}

/**
 * S3_ENDPOINT with S3_ACCESS_KEY / S3_SECRET_KEY (the worker identity), optional S3_UPLOADER_ACCESS_KEY /
 * S3_UPLOADER_SECRET_KEY and S3_REGION; undefined when S3_ENDPOINT is unset.
 */
export function externalS3Info(env: NodeJS.ProcessEnv): StackInfo['s3'] | undefined {
  const url = env.S3_ENDPOINT?.trim();
  if (!url) return undefined;
  const endpoint = parseS3Endpoint(url, env.S3_REGION?.trim() || S3_REGION);
  const accessKey = env.S3_ACCESS_KEY?.trim();
  const secretKey = env.S3_SECRET_KEY;
  if (!accessKey || !secretKey) throw new Error('S3_ENDPOINT is set: S3_ACCESS_KEY and S3_SECRET_KEY (the worker identity) are required too');
  const worker = { accessKey, secretKey };
  const upAccess = env.S3_UPLOADER_ACCESS_KEY?.trim();
  const upSecret = env.S3_UPLOADER_SECRET_KEY;
  if (Boolean(upAccess) !== Boolean(upSecret)) throw new Error('set both S3_UPLOADER_ACCESS_KEY and S3_UPLOADER_SECRET_KEY, or neither');
  // Without a separate uploader key the operator runs one identity for both roles.
  const uploader = upAccess && upSecret ? { accessKey: upAccess, secretKey: upSecret } : worker;
  return withRedactedJson({ endpoint, worker, uploader, embedded: false });
}

/** The url with its password replaced, for output and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = 'redacted';
    return u.toString();
  } catch {
    return '<unparseable database url>';
  }
}

function databaseInfo(url: string, embedded: boolean): NonNullable<StackInfo['database']> {
  const info = { url, embedded };
  Object.defineProperty(info, 'toJSON', { enumerable: false, value: () => ({ url: redactDatabaseUrl(url), embedded }) });
  return info;
}

export function embeddedDatabaseInfo(url: string): NonNullable<StackInfo['database']> {
  return databaseInfo(url, true);
}

/** DUALQA_DATABASE_URL (an external PostgreSQL, e.g. production), or undefined when unset. */
export function externalDatabaseInfo(env: NodeJS.ProcessEnv): StackInfo['database'] {
  const url = env.DUALQA_DATABASE_URL?.trim();
  return url ? databaseInfo(url, false) : undefined;
}
