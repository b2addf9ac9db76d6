// Fills the catalogue from what the workers wrote: the catalogue is a projection of the reports bucket.
// Every reports/<id>/r<N>/report.json not yet catalogued is read once: its revision with per-step and
// per-rule outcomes, its signature checked against the trusted key, for a review revision the decision in
// its review section (idempotent by decision id; pending when it awaits a lead), and for an approval
// revision the lead's approval (idempotent by approval id). For a new recording the ingest evidence
// supplies the real object key and the sidecar facts (channel, product type, branch, agent, recorded time).
// Reading S3 keeps the workers free of the database; several syncs may run at once (every write is an
// upsert or ON CONFLICT DO NOTHING).
import { createHash, createHmac, type KeyObject } from 'node:crypto';
import type * as Minio from 'minio';
import type { ApprovalSection, ReviewSection } from '../decisions/apply';
import type { IngestEvidence } from '../evidence/types';
import { parseReportKey, signatureKeyOf } from '../evidence/layout';
import { exists, getBytes, getJson } from '../lib/object-store';
import type { Report } from '../report/types';
import { checkSignature, type DetachedSignature } from '../signing/signature';
import type { Catalogue, RevisionRow, SignatureStatus } from './types';

export interface CatalogueSources {
  s3: Minio.Client;
  buckets: { analyses: string; reports: string };
  /** The trusted public key: each revision's report.sig.json is checked against it (absent: 'unchecked'). */
  trustedKey?: KeyObject | null;
  /** DUALQA_HASH_KEY: the agent's licence number is catalogued only as a keyed hash (absent: no agent key). */
  hashKey?: string | null;
}

type StoredReport = Report & { review?: ReviewSection; approval?: ApprovalSection };

/** A report revision's origin: a lead's approval, a person's review, a re-judge of stored evidence, or the inspection. */
export function revisionSource(report: StoredReport): RevisionRow['source'] {
  if (report.approval) return 'approval';
  if (report.review) return 'review';
  return report.inspection.workflowId.startsWith('rejudge:') ? 'rejudge' : 'inspection';
}

/** The agent as dashboards group them: a keyed hash of the licence number, never the number. */
export function agentKeyOf(licenceNo: string | undefined, hashKey: string | null | undefined): string | null {
  if (!licenceNo || !hashKey) return null;
  return createHmac('sha256', hashKey).update(licenceNo.replace(/\s+/g, '').toUpperCase(), 'utf8').digest('hex').slice(0, 16);
}

async function signatureOf(src: CatalogueSources, reportKey: string, bytes: Buffer): Promise<SignatureStatus> {
  const sigKey = signatureKeyOf(reportKey);
  if (!(await exists(src.s3, src.buckets.reports, sigKey))) return 'unsigned';
  if (!src.trustedKey) return 'unchecked';
  const sig = await getJson<DetachedSignature>(src.s3, src.buckets.reports, sigKey);
  if (!sig) return 'invalid';
  const problems = checkSignature(bytes, sig, src.trustedKey, 'dualqa-report-v1');
  return problems.length === 0 ? 'verified' : 'invalid';
}

/** Catalogues one stored report revision (and its recording, when new). Returns false when already there. */
export async function catalogueReport(catalogue: Catalogue, src: CatalogueSources, reportKey: string): Promise<boolean> {
  return (await catalogueOne(catalogue, src, reportKey)).added;
}

async function catalogueOne(catalogue: Catalogue, src: CatalogueSources, reportKey: string): Promise<{ added: boolean; signature?: SignatureStatus; newRecording?: boolean }> {
  const parsed = parseReportKey(reportKey);
  if (!parsed) return { added: false };
  const { recordingId, revision } = parsed;
  if (await catalogue.hasRevision(recordingId, revision)) return { added: false };
  const bytes = await getBytes(src.s3, src.buckets.reports, reportKey);
  const report = JSON.parse(bytes.toString('utf8')) as StoredReport;
  const newRecording = !(await catalogue.getInspection(recordingId));
  if (newRecording) {
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
      branch: meta?.branch ?? null,
      agentKey: agentKeyOf(meta?.agent?.licenceNo, src.hashKey),
      recordedAt: normaliseTime(meta?.recordedAt ?? ingest?.recording.lastModified ?? report.createdAt),
      inspectedAt: report.createdAt,
      latestRevision: revision,
      rulebook: `${report.rulebook.id}@${report.rulebook.version}`,
    });
  }
  const signature = await signatureOf(src, reportKey, bytes);
  const added = await catalogue.addRevision({
    recordingId,
    revision,
    reportKey,
    reportSha256: createHash('sha256').update(bytes).digest('hex'),
    verdict: report.verdict,
    createdAt: report.createdAt,
    source: revisionSource(report),
    signature,
    steps: report.steps.map((s) => ({ id: s.id, verdict: s.verdict })),
    rules: report.steps.flatMap((s) => (s.rules ?? []).map((r) => ({ stepId: s.id, ruleId: r.ruleId, verdict: r.verdict, applies: r.applies !== false }))),
  });
  const r = report.review;
  if (r) {
    await catalogue.addDecision({ decisionId: r.decisionId, recordingId, revision, reviewer: r.reviewer, stepId: r.stepId, before: r.before, after: r.after, comment: r.comment, decidedAt: r.decidedAt, pendingApproval: r.pendingApproval === true });
  }
  const a = report.approval;
  if (a) {
    await catalogue.addApproval({ approvalId: a.approvalId, decisionId: a.decision.decisionId, recordingId, revision, lead: a.lead, comment: a.comment, approvedAt: a.approvedAt });
  }
  return { added, signature, newRecording };
}

/** Times are stored as UTC ISO strings (timestamptz in the database). */
export function normaliseTime(value: string): string {
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : value;
}

/**
 * Catalogues every report revision in the bucket that is not there yet (incremental: the keys already
 * catalogued are read in one query). Revision 1 first, so a recording's first verdict is the machine's.
 */
export interface SyncResult {
  added: number;
  seen: number;
  /** Report keys catalogued now whose signature does not verify. */
  badSignatures: string[];
  /** Recordings catalogued for the first time by this sync. */
  newRecordings: string[];
}

export async function syncCatalogue(catalogue: Catalogue, src: CatalogueSources, prefix = ''): Promise<SyncResult> {
  const known = await catalogue.knownReportKeys();
  const keys: string[] = [];
  let seen = 0;
  for await (const item of src.s3.listObjectsV2(src.buckets.reports, prefix, true) as AsyncIterable<{ name?: string }>) {
    if (!item.name || !/\/r\d+\/report\.json$/.test(item.name)) continue;
    seen++;
    if (!known.has(item.name)) keys.push(item.name);
  }
  const revisionOf = (k: string): number => parseReportKey(k)!.revision;
  keys.sort((a, b) => revisionOf(a) - revisionOf(b) || a.localeCompare(b));
  let added = 0;
  const badSignatures: string[] = [];
  const newRecordings: string[] = [];
  for (const key of keys) {
    const r = await catalogueOne(catalogue, src, key);
    if (r.added) added++;
    if (r.added && r.signature === 'invalid') badSignatures.push(key);
    if (r.added && r.newRecording) newRecordings.push(parseReportKey(key)!.recordingId);
  }
  return { added, seen, badSignatures, newRecordings };
}

/**
 * Recreates the projection from the buckets: inspections, revisions with their outcomes and decisions are
 * emptied and read again from every report revision. The audit, reviewers and sessions are kept.
 */
export async function rebuildCatalogue(catalogue: Catalogue, src: CatalogueSources): Promise<SyncResult> {
  await catalogue.clearProjection();
  return syncCatalogue(catalogue, src);
}
