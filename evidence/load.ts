// Reading stored evidence back: the one loader the judge and report activities share, and the listing of
// a recording's report revisions. A key that was recorded but whose object is gone is an error the caller
// classifies (the activities make it non-retryable); an absent key is simply evidence not collected.
import type * as Minio from 'minio';
import { getJson } from '../lib/object-store';
import { parseReportKey, reportRevisionsPrefix } from './layout';
import type { DocumentsEvidence, EvidenceKeys, EvidenceSet, FacesEvidence, IngestEvidence, IntegrityEvidence, SpeechEvidence } from './types';

export class MissingEvidenceError extends Error {
  constructor(readonly key: string) {
    super(`evidence ${key} is missing`);
    this.name = 'MissingEvidenceError';
  }
}

/** The evidence documents named by `keys`, with the analysers' failures; throws MissingEvidenceError for a named key that is gone. */
export async function loadEvidenceSet(s3: Minio.Client, bucket: string, keys: EvidenceKeys, failures: Record<string, string>): Promise<EvidenceSet> {
  async function load<T>(key: string | undefined): Promise<T | undefined> {
    if (!key) return undefined;
    const value = await getJson<T>(s3, bucket, key);
    if (value === null) throw new MissingEvidenceError(key);
    return value;
  }
  return {
    ingest: await load<IngestEvidence>(keys.ingest),
    integrity: await load<IntegrityEvidence>(keys.integrity),
    faces: await load<FacesEvidence>(keys.faces),
    documents: await load<DocumentsEvidence>(keys.documents),
    speech: await load<SpeechEvidence>(keys.speech),
    failures,
  };
}

/** The revision numbers of a recording's stored reports, ascending. */
export async function reportRevisions(s3: Minio.Client, bucket: string, recordingId: string): Promise<number[]> {
  const found: number[] = [];
  for await (const item of s3.listObjectsV2(bucket, reportRevisionsPrefix(recordingId), true) as AsyncIterable<{ name?: string }>) {
    const parsed = item.name ? parseReportKey(item.name) : null;
    if (parsed && parsed.recordingId === recordingId) found.push(parsed.revision);
  }
  return found.sort((a, b) => a - b);
}
