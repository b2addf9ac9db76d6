// The newest report revision of a recording, and what its problems say failed: shared by re-judging and
// re-analysing, which both start from the latest report.
import type * as Minio from 'minio';
import { getJson } from '../lib/object-store';
import type { Report } from './types';
import { reportKeys } from '../evidence/layout';
import { reportRevisions } from '../evidence/load';

/** Analyses that can fail and be named in a report's problems (the others are findings, not failures). */
const FAILURE_STAGES = new Set(['integrity', 'faces', 'documents', 'speech']);

export async function latestReport(s3: Minio.Client, bucket: string, recordingId: string): Promise<{ report: Report; revision: number } | null> {
  const best = (await reportRevisions(s3, bucket, recordingId)).at(-1) ?? 0;
  const report = best ? await getJson<Report>(s3, bucket, reportKeys(recordingId, best).json) : null;
  return report ? { report, revision: best } : null;
}

/** The analysis failures a report recorded, by stage, as the judge takes them. */
export function reportedFailures(report: Report): Record<string, string> {
  return Object.fromEntries(report.problems.filter((p) => FAILURE_STAGES.has(p.stage)).map((p) => [p.stage, p.message]));
}
