// Ingest: pin the recording version, hash it (streamed), read and validate its sidecar, and store the
// facts as analyses/<recordingId>/ingest.json.
import { ApplicationFailure } from '@temporalio/activity';
import { heartbeater, type Beat } from '../lib/heartbeat';
import { recordingIdOf, normaliseEtag } from '../lib/ids';
import { getJson, isNotFound, putJson, sha256OfObject } from '../lib/object-store';
import { EVIDENCE_SCHEMA_VERSION, type IngestEvidence } from '../evidence/types';
import { forbiddenCharacter, sidecarSchema, unknownSidecarFields } from '../lib/labelled';
import { maskText } from '../lib/mask';
import { maskSidecarFacts } from '../lib/sidecar-mask';
import type { ActivityDeps } from './deps';
import { ERROR_TYPES } from '../temporal.config';
import { evidenceKey, sidecarKeyOf } from '../evidence/layout';

export interface IngestInput {
  bucket: string;
  key: string;
  /** The ETag the inspection was started for; a different object under the key is refused. */
  etag?: string;
  versionId?: string | null;
}

/** The pinned recording version (the same facts the ingest evidence stores), plus where they are stored. */
export type IngestResult = Pick<IngestEvidence['recording'], 'bucket' | 'key' | 'versionId' | 'etag' | 'sizeBytes' | 'sha256'> & {
  recordingId: string;
  ingestKey: string;
  sidecarStatus: IngestEvidence['sidecar']['status'];
  /** The enrolled agent photo named by the sidecar, if any (read from the recordings bucket). */
  agentPhotoKey?: string;
};

export const INGEST_ANALYSER = { name: 'ingest', version: '1.0.0' };
const MAX_SIDECAR_BYTES = 256 * 1024;


/**
 * Whether a sidecar's `recordingId` names the recording stored under `key`. Without one the id is derived
 * from the object key (labelled-recordings.md), so the id and the file name are one name space: the file
 * name carries the id (`P2026112500017_cam1.mp4`) or the id carries the file name (`FX-spliced` for
 * `spliced.mp4`). Neither way round, the sidecar describes another recording (copied beside the wrong file).
 */
export function sidecarNamesRecording(recordingId: string, key: string): boolean {
  const stem = (key.split('/').pop() ?? key).replace(/\.[^./]{1,8}$/, '').toLowerCase();
  const id = recordingId.trim().toLowerCase();
  return stem.includes(id) || id.includes(stem);
}

/** A name from an untrusted sidecar, shown: bounded, forbidden characters replaced. */
function clip(name: string): string {
  const shown = [...name].map((ch) => (forbiddenCharacter(ch) ? '\uFFFD' : ch));
  return shown.length > 64 ? `${shown.slice(0, 64).join('')}…` : shown.join('');
}

export function createIngestActivities(deps: ActivityDeps) {
  async function readSidecar(bucket: string, key: string): Promise<IngestEvidence['sidecar']> {
    const sidecarKey = sidecarKeyOf(key);
    if (sidecarKey === key) return { status: 'absent' };
    let size: number;
    try {
      size = (await deps.s3.statObject(bucket, sidecarKey)).size;
    } catch (err) {
      if (isNotFound(err)) return { status: 'absent' };
      throw err;
    }
    if (size > MAX_SIDECAR_BYTES) return { status: 'invalid', key: sidecarKey, problem: `sidecar is ${size} bytes (limit ${MAX_SIDECAR_BYTES})` };
    let raw: unknown;
    try {
      raw = await getJson<unknown>(deps.s3, bucket, sidecarKey);
    } catch (err) {
      if (err instanceof SyntaxError) return { status: 'invalid', key: sidecarKey, problem: `sidecar is not valid JSON: ${err.message}` };
      throw err;
    }
    const parsed = sidecarSchema.safeParse(raw);
    if (!parsed.success) {
      // Unknown fields are named on their own: the insurer's system may have moved on, or a field is misspelt.
      const unknown = unknownSidecarFields(parsed.error.issues);
      const issues = parsed.error.issues
        .filter((i) => i.code !== 'unrecognized_keys')
        .slice(0, 10)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      const parts = [
        ...(unknown.length ? [`sidecar has fields the format does not define: ${unknown.slice(0, 20).map((f) => JSON.stringify(clip(f))).join(', ')}${unknown.length > 20 ? ` and ${unknown.length - 20} more` : ''} (labelled-recordings.md lists the fields; none of its facts are used, as a misspelt field would silently drop the check it feeds)`] : []),
        ...(issues ? [`sidecar does not match the format: ${issues}`] : []),
      ];
      // Field names are the sender's text too: a number used as a field name is masked like any other.
      return { status: 'invalid', key: sidecarKey, problem: maskText(parts.join('; ')) };
    }
    // Another recording's facts (agent, premium, region, photo) would be checked against this one: not used.
    const named = parsed.data.recordingId;
    if (named !== undefined && !sidecarNamesRecording(named, key)) {
      return { status: 'invalid', key: sidecarKey, problem: maskText(`sidecar names another recording: recordingId "${named}" is not ${key.split('/').pop() ?? key}; its facts are not used`) };
    }
    // Evidence keeps numbers masked; checks that need a value (the licence number) read the sidecar itself.
    return { status: 'ok', key: sidecarKey, meta: maskSidecarFacts(parsed.data) };
  }

  return {
    async ingestRecording(input: IngestInput): Promise<IngestResult> {
      const beat = heartbeater();
      try {
        return await ingest(input, beat);
      } finally {
        beat.stop();
      }
    },
  };

  async function ingest(input: IngestInput, beat: Beat): Promise<IngestResult> {
    let stat;
    try {
      stat = await deps.s3.statObject(input.bucket, input.key, input.versionId ? { versionId: input.versionId } : {});
    } catch (err) {
      if (isNotFound(err)) throw ApplicationFailure.nonRetryable(`recording not found: ${input.bucket}/${input.key}`, ERROR_TYPES.badInput);
      throw err;
    }
    const etag = normaliseEtag(stat.etag);
    if (input.etag && normaliseEtag(input.etag) !== etag && !input.versionId) {
      throw ApplicationFailure.nonRetryable(
        `the object under ${input.key} changed since the inspection was started (ETag ${etag}, expected ${normaliseEtag(input.etag)})`,
        ERROR_TYPES.badInput,
      );
    }
    const versionId = stat.versionId && stat.versionId !== 'null' ? stat.versionId : null;
    const recordingId = recordingIdOf(input.bucket, input.key, versionId ?? etag);
    const ref = { bucket: input.bucket, key: input.key, versionId };
    const { sha256, bytes } = await sha256OfObject(deps.s3, ref, (b) => beat({ stage: 'hash', bytes: b }), beat.signal);
    const sidecar = await readSidecar(input.bucket, input.key);
    const evidence: IngestEvidence = {
      kind: 'ingest',
      schemaVersion: EVIDENCE_SCHEMA_VERSION,
      recordingId,
      analyser: INGEST_ANALYSER,
      createdAt: new Date().toISOString(),
      recording: {
        bucket: input.bucket,
        key: input.key,
        versionId,
        etag,
        sizeBytes: bytes,
        sha256,
        lastModified: stat.lastModified.toISOString(),
        contentType: (stat.metaData['content-type'] as string | undefined) ?? null,
      },
      sidecar,
    };
    const ingestKey = evidenceKey(recordingId, 'ingest');
    await putJson(deps.s3, deps.buckets.analyses, ingestKey, evidence);
    deps.logger.info({ recordingId, sizeBytes: bytes, sidecar: sidecar.status }, 'ingested');
    const agentPhotoKey = sidecar.status === 'ok' ? sidecar.meta.agent?.photoKey : undefined;
    return { recordingId, bucket: input.bucket, key: input.key, versionId, etag, sizeBytes: bytes, sha256, ingestKey, sidecarStatus: sidecar.status, ...(agentPhotoKey ? { agentPhotoKey } : {}) };
  }
}
