// Fills the catalogue from what the workers wrote: every reports/<id>/r<N>/report.json not yet catalogued
// is read once, and for a new recording its ingest evidence supplies the real object key and the sidecar
// facts (channel, product type, recorded time). Reading S3 keeps the workers free of the database.
import { createHash } from 'node:crypto';
import type * as Minio from 'minio';
import type { IngestEvidence } from '../evidence/types';
import { parseReportKey } from '../evidence/layout';
import { getBytes, getJson } from '../lib/object-store';
import type { Report } from '../report/types';
import type { Catalogue, RevisionRow } from './types';

export interface CatalogueSources {
  s3: Minio.Client;
  buckets: { analyses: string; reports: string };
}

/** A report revision's origin: a person's review, a re-judge of stored evidence, or the inspection. */
export function revisionSource(report: Report & { review?: unknown }): RevisionRow['source'] {
  if (report.review) return 'review';
  return report.inspection.workflowId.startsWith('rejudge:') ? 'rejudge' : 'inspection';
}

/** Catalogues one stored report revision (and its recording, when new). Returns false when already there. */
export async function catalogueReport(catalogue: Catalogue, src: CatalogueSources, reportKey: string): Promise<boolean> {
  const parsed = parseReportKey(reportKey);
  if (!parsed) return false;
  const { recordingId, revision } = parsed;
  if (await catalogue.hasRevision(recordingId, revision)) return false;
  const bytes = await getBytes(src.s3, src.buckets.reports, reportKey);
  const report = JSON.parse(bytes.toString('utf8')) as Report;
  if (!(await catalogue.getInspection(recordingId))) {
    const ingest = report.evidenceKeys.ingest ? await getJson<IngestEvidence>(src.s3, src.buckets.analyses, report.evidenceKeys.ingest) : null;
    const meta = ingest?.sidecar.status === 'ok' ? ingest.sidecar.meta : undefined;
    await catalogue.upsertInspection({
      recordingId,
      bucket: report.recording.bucket,
      objectKey: ingest?.recording.key ?? report.recording.key,
      versionId: report.recording.versionId,
      etag: report.recording.etag,
      sha256: report.recording.sha256,
      sizeBytes: report.recording.sizeBytes,
      verdict: report.verdict,
      firstVerdict: report.verdict,
      channel: meta?.channel ?? null,
      productType: meta?.product?.type ?? null,
      recordedAt: normaliseTime(meta?.recordedAt ?? ingest?.recording.lastModified ?? report.createdAt),
      inspectedAt: report.createdAt,
      latestRevision: revision,
      rulebook: `${report.rulebook.id}@${report.rulebook.version}`,
    });
  }
  return catalogue.addRevision({
    recordingId,
    revision,
    reportKey,
    reportSha256: createHash('sha256').update(bytes).digest('hex'),
    verdict: report.verdict,
    createdAt: report.createdAt,
    source: revisionSource(report),
    steps: report.steps.map((s) => ({ id: s.id, verdict: s.verdict })),
  });
}

/** Times are stored as UTC ISO strings so that range queries compare correctly as text. */
export function normaliseTime(value: string): string {
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : value;
}

/** Catalogues every report revision in the bucket that is not there yet. Revision 1 first, so a recording's first verdict is the machine's. */
export async function syncCatalogue(catalogue: Catalogue, src: CatalogueSources, prefix = ''): Promise<{ added: number; seen: number }> {
  const keys: string[] = [];
  for await (const item of src.s3.listObjectsV2(src.buckets.reports, prefix, true) as AsyncIterable<{ name?: string }>) {
    if (item.name && /\/r\d+\/report\.json$/.test(item.name)) keys.push(item.name);
  }
  const revisionOf = (k: string): number => parseReportKey(k)!.revision;
  keys.sort((a, b) => revisionOf(a) - revisionOf(b) || a.localeCompare(b));
  let added = 0;
  for (const key of keys) if (await catalogueReport(catalogue, src, key)) added++;
  return { added, seen: keys.length };
}
