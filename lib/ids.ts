// Identities of recordings and inspections. A recording version is bucket + key + version (the S3
// versionId, or the ETag where the bucket is unversioned); a sidecar's recordingId is only metadata.
import { createHash } from 'node:crypto';
import { maskText } from './mask';

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** Readable and safe as an object-key segment: a masked slug of the file name and a hash of the version. */
export function recordingIdOf(bucket: string, key: string, version: string): string {
  const base = key.split('/').pop() ?? key;
  const stem = base.replace(/\.[A-Za-z0-9]{1,5}$/, '');
  const slug = maskText(stem)
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${slug || 'rec'}-${digest(bucket, key, version).slice(0, 16)}`;
}

/** S3 ETags come quoted from some servers and not others. */
export function normaliseEtag(etag: string): string {
  return etag.replace(/^"+|"+$/g, '');
}

/** One workflow per recording version: starting it twice joins or is rejected, never inspects twice. */
export function inspectionWorkflowId(bucket: string, key: string, etag: string): string {
  const path = `${bucket}/${key}`;
  // Ids are visible in Temporal's UI and bounded in length: a key that is long or carries a personal
  // number falls back to a hash (still exactly one id per version).
  if (path.length <= 300 && maskText(path) === path) return `inspect:${path}@${normaliseEtag(etag)}`;
  return `inspect:${digest(bucket, key, normaliseEtag(etag)).slice(0, 40)}`;
}
