// S3 event notifications reduced to "this object was written": the AWS / MinIO record format
// ({"Records":[{"eventName":"s3:ObjectCreated:Put","s3":{"bucket":{"name"},"object":{"key"}}}]}, keys
// URL-encoded with '+' for spaces) and the SeaweedFS filer webhook format ({"event_type":"create",
// "key":"/buckets/<bucket>/<key>","message":{"new_entry":{...}}}; in a versioned bucket the written
// entry is "<key>.versions/v_<id>"). Anything else (deletes, directories, bucket metadata, multipart
// parts) is not an object write and yields nothing.

export interface ObjectWritten {
  bucket: string;
  key: string;
  format: 'aws' | 'seaweedfs';
}

/** SeaweedFS keeps buckets as folders under this filer path (its default `-s3.bucketsPath`/filer.buckets). */
export const SEAWEED_BUCKETS_FOLDER = '/buckets/';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** AWS and MinIO URL-encode keys the way HTML forms do: '+' is a space. */
export function decodeEventKey(encoded: string): string {
  const spaced = encoded.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // Not valid percent-encoding: the sender did not encode it.
    return spaced;
  }
}

function fromAwsRecord(record: unknown): ObjectWritten | undefined {
  if (!isRecord(record)) return undefined;
  const name = record.eventName;
  if (typeof name !== 'string' || !/^(s3:)?ObjectCreated:/.test(name)) return undefined;
  const s3 = isRecord(record.s3) ? record.s3 : undefined;
  const bucket = s3 && isRecord(s3.bucket) ? s3.bucket.name : undefined;
  const key = s3 && isRecord(s3.object) ? s3.object.key : undefined;
  if (typeof bucket !== 'string' || typeof key !== 'string' || !bucket || !key) return undefined;
  return { bucket, key: decodeEventKey(key), format: 'aws' };
}

function fromSeaweed(body: Record<string, unknown>): ObjectWritten | undefined {
  if (body.event_type !== 'create' && body.event_type !== 'update') return undefined;
  const message = isRecord(body.message) ? body.message : undefined;
  const entry = message && isRecord(message.new_entry) ? message.new_entry : undefined;
  if (!entry || entry.is_directory === true) return undefined;
  const path = body.key;
  if (typeof path !== 'string' || !path.startsWith(SEAWEED_BUCKETS_FOLDER)) return undefined;
  const rest = path.slice(SEAWEED_BUCKETS_FOLDER.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const bucket = rest.slice(0, slash);
  let key = rest.slice(slash + 1);
  // Internal folders: bucket owners (.system), in-progress multipart uploads (.uploads).
  if (bucket.startsWith('.') || key.startsWith('.uploads/')) return undefined;
  const version = key.match(/^(.+)\.versions\/v_[^/]+$/);
  if (version) key = version[1]!;
  else if (/\.versions(\/|$)/.test(key)) return undefined;
  return key ? { bucket, key, format: 'seaweedfs' } : undefined;
}

/** The objects a notification body says were written; [] for events that write none. */
export function objectsWritten(body: unknown): ObjectWritten[] {
  if (!isRecord(body)) return [];
  if (Array.isArray(body.Records)) {
    return body.Records.map(fromAwsRecord).filter((o): o is ObjectWritten => o !== undefined);
  }
  const one = fromSeaweed(body);
  return one ? [one] : [];
}

/** True when the body is one of the formats we read at all (a sender misconfigured otherwise). */
export function isKnownEventFormat(body: unknown): boolean {
  return isRecord(body) && (Array.isArray(body.Records) || (typeof body.event_type === 'string' && typeof body.key === 'string'));
}
