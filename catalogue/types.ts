// The catalogue: a lasting index of inspections, report revisions, review decisions and the audit trail,
// in PostgreSQL. Temporal keeps history for days and S3 keeps the objects for years (S3 is the source of
// truth); the catalogue is what the review queue, dashboard and regulator samples query. Inspections,
// revisions and decisions are a projection of the reports bucket (rebuildable); reviewers, sessions,
// refused sign-ins and the audit are the database's own.
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
  /** Selling branch (sidecar). */
  branch?: string | null;
  /** Keyed hash of the agent's licence number (DUALQA_HASH_KEY), never the number. */
  agentKey?: string | null;
  /** Some revision's signature does not verify. */
  signatureProblem?: boolean;
}

/** A revision's report.sig.json against the trusted key: verified, absent, not verifying, or not checked (no key). */
export type SignatureStatus = 'verified' | 'unsigned' | 'invalid' | 'unchecked';

export interface RevisionRow {
  recordingId: string;
  revision: number;
  reportKey: string;
  reportSha256: string;
  verdict: Verdict;
  createdAt: string;
  /** 'inspection' (the machine), 'review' (a person's decision), 'rejudge', or 'approval' (a lead's). */
  source: 'inspection' | 'review' | 'rejudge' | 'approval';
  steps: { id: string; verdict: Verdict }[];
  /** Per-rule outcomes of each step (absent: not recorded). */
  rules?: { stepId: string; ruleId: string; verdict: Verdict; applies: boolean }[];
  signature?: SignatureStatus;
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
  /** A FAIL overturned into a PASS, recorded but not in effect until a lead approves. */
  pendingApproval?: boolean;
  /** The lead who approved it (pending decisions only; null while it waits). */
  approvedBy?: string | null;
}

export interface ApprovalRow {
  approvalId: string;
  decisionId: string;
  recordingId: string;
  /** The revision the approval wrote. */
  revision: number;
  lead: string;
  comment: string;
  approvedAt: string;
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

export const ROLES = ['reviewer', 'lead', 'auditor', 'regulator-export'] as const;
export type Role = (typeof ROLES)[number];

export interface ReviewerAccount {
  id: string;
  name: string;
  role: Role;
  disabled: boolean;
}

export const DASHBOARD_DIMENSIONS = ['channel', 'product', 'branch'] as const;
export type DashboardDimension = (typeof DASHBOARD_DIMENSIONS)[number];

/** One week of one channel, product or branch in the dashboard's rollup. */
export interface WeeklyVerdicts {
  week: string;
  /** The channel, product type or branch ('' when the sidecar had none). */
  value: string;
  pass: number;
  fail: number;
  cannotJudge: number;
  /** Machine FAILs that are PASS now (overturned by review). */
  overturned: number;
  total: number;
}

export interface WeeklyRule {
  week: string;
  channel: string;
  ruleId: string;
  fails: number;
  cannotJudge: number;
  total: number;
}

/** One agent's recordings over a period: as a whole and per step (current verdicts, after review). */
export interface AgentSteps {
  /** The keyed hash of the licence number (never the number). */
  agentKey: string;
  recordings: number;
  fails: number;
  cannotJudge: number;
  steps: { stepId: string; total: number; fails: number; cannotJudge: number }[];
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
  /** Idempotent on approvalId. */
  addApproval(row: ApprovalRow): Promise<void>;
  approvals(recordingId: string): Promise<ApprovalRow[]>;
  audit(entry: Omit<AuditRow, 'id' | 'at'> & { at?: string }): Promise<void>;
  auditEntries(filter?: { recordingId?: string; limit?: number }): Promise<AuditRow[]>;
  /** Channels and product types present, for the queue's filters. */
  facets(): Promise<{ channels: string[]; productTypes: string[] }>;
  /** Recomputes the dashboard's weekly rollups (after a sync; readers are not blocked). */
  refreshDashboard(): Promise<void>;
  /** Weekly verdicts by one dimension (default channel), and weekly machine rule outcomes by channel, recorded in [from, to). */
  dashboard(from: string, to: string, dimension?: DashboardDimension): Promise<{ verdicts: WeeklyVerdicts[]; rules: WeeklyRule[] }>;
  /**
   * Agents' FAIL and CANNOT_JUDGE counts per step over the months of [from, to), from the monthly rollup:
   * agents with at least `minRecordings` (default 1), highest recording FAIL rate first, at most `limit` (default all).
   */
  agentSteps(from: string, to: string, options?: { minRecordings?: number; limit?: number }): Promise<AgentSteps[]>;
  /** Per rule, over recordings of [from, to): machine FAILs, and how many of those a review overturned (in effect: approved or not needing approval). */
  ruleOverrides(from: string, to: string): Promise<{ ruleId: string; machineFails: number; overridden: number }[]>;
  /**
   * The same sample drawSample draws from the recordings of the period (stratified, reproducible by seed),
   * computed in the database: stratum sizes from per-day counts, then each stratum's seeded positions found
   * day by day (catalogue/sample.ts says what the draw guarantees).
   */
  sample(options: { from: string; to: string; n: number; strata: ('channel' | 'verdict' | 'productType')[]; seed: string }): Promise<{ population: number; rows: { row: InspectionRow; stratum: string }[] }>;
  /** Report keys already catalogued (sync reads only the others). */
  knownReportKeys(): Promise<Set<string>>;
  /** Marks a recording whose revision's signature does not verify. */
  flagSignature(recordingId: string): Promise<void>;
  /** Empties the projection of S3 (inspections, revisions, outcomes, decisions, approvals); audit, reviewers and sessions stay. */
  clearProjection(): Promise<void>;

  /** Adds a reviewer or replaces their token (and name, role); enables them. */
  putReviewer(account: Omit<ReviewerAccount, 'disabled'> & { tokenSha256: string }): Promise<void>;
  setReviewerDisabled(id: string, disabled: boolean): Promise<boolean>;
  /** Removes a reviewer and their sessions; decisions and audit keep their id. */
  removeReviewer(id: string): Promise<boolean>;
  reviewers(): Promise<ReviewerAccount[]>;
  /** The enabled reviewer holding this token hash (and, when given, with this id). */
  reviewerByToken(tokenSha256: string, id?: string): Promise<ReviewerAccount | null>;

  /** Stores a session by the sha256 of its cookie value. */
  openSession(idSha256: string, reviewerId: string, expiresAt: Date): Promise<void>;
  /** The session's reviewer, only while the session is unexpired and the reviewer exists and is enabled. */
  sessionReviewer(idSha256: string): Promise<ReviewerAccount | null>;
  closeSession(idSha256: string): Promise<void>;
  /** True the first time this session opens this recording's media. */
  firstMediaView(idSha256: string, recordingId: string): Promise<boolean>;

  /** Records a refused sign-in. */
  refuseSignIn(account: string | null, address: string): Promise<void>;
  /** Refused sign-ins since `since`, for the account (when given) and for the address. */
  refusedSignIns(account: string | null, address: string, since: Date): Promise<{ account: number; address: number }>;

  close(): Promise<void>;
}
