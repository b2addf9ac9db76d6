// The catalogue: a lasting index of inspections, report revisions, review decisions and the audit trail.
// Temporal keeps history for days and S3 keeps the objects for years; the catalogue is what the review
// queue and regulator samples query. The interface is small and async so PostgreSQL can replace the
// embedded SQLite without touching callers.
import type { Verdict } from '../lib/labelled';

export interface InspectionRow {
  recordingId: string;
  bucket: string;
  /** The real object key: used to stream and export the recording; never shown unmasked. */
  objectKey: string;
  versionId: string | null;
  etag: string;
  sha256: string;
  sizeBytes: number;
  /** Verdict of the latest report revision. */
  verdict: Verdict;
  /** Verdict of revision 1 (the machine's). */
  firstVerdict: Verdict;
  channel: string | null;
  productType: string | null;
  /** ISO time the recording was made (sidecar), else when it landed in the bucket. */
  recordedAt: string;
  inspectedAt: string;
  latestRevision: number;
  rulebook: string;
}

export interface RevisionRow {
  recordingId: string;
  revision: number;
  reportKey: string;
  reportSha256: string;
  verdict: Verdict;
  createdAt: string;
  /** 'inspection' (the machine), 'review' (a person's decision) or 'rejudge'. */
  source: 'inspection' | 'review' | 'rejudge';
  steps: { id: string; verdict: Verdict }[];
}

export interface DecisionRow {
  decisionId: string;
  recordingId: string;
  /** The report revision the decision produced. */
  revision: number;
  reviewer: string;
  stepId: string;
  before: Verdict;
  after: Verdict;
  comment: string;
  decidedAt: string;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  recordingId: string | null;
  detail: string;
}

export interface InspectionFilter {
  verdicts?: Verdict[];
  channel?: string;
  productType?: string;
  /** Inclusive ISO bounds on recordedAt. */
  from?: string;
  to?: string;
  /** Only recordings this reviewer decided on. */
  reviewer?: string;
  sort?: 'recordedAt' | 'verdict' | 'channel' | 'productType' | 'inspectedAt';
  descending?: boolean;
  limit?: number;
}

export interface Catalogue {
  upsertInspection(row: InspectionRow): Promise<void>;
  /** Adds a revision once; returns false when it was already there. Updates the inspection's latest verdict. */
  addRevision(row: RevisionRow): Promise<boolean>;
  hasRevision(recordingId: string, revision: number): Promise<boolean>;
  getInspection(recordingId: string): Promise<InspectionRow | null>;
  listInspections(filter?: InspectionFilter): Promise<InspectionRow[]>;
  revisions(recordingId: string): Promise<RevisionRow[]>;
  /** Idempotent on decisionId. */
  addDecision(row: DecisionRow): Promise<void>;
  decisions(recordingId?: string): Promise<DecisionRow[]>;
  audit(entry: Omit<AuditRow, 'id' | 'at'> & { at?: string }): Promise<void>;
  auditEntries(filter?: { recordingId?: string; limit?: number }): Promise<AuditRow[]>;
  close(): Promise<void>;
}
