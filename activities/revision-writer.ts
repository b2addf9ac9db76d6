// The one place a report revision is written (inspection, rejudge, reanalyse, review decision, approval).
// Revision N is owned by whoever first creates reports/<id>/r<N>/claim.json with `If-None-Match: *`; the
// server refuses the second creator, which composes again from the newer latest revision and tries N+1.
// So two writers at the same moment get two revisions and neither replaces the other's (issue #18 item 6).
// The claim names its writer: a retry of the same writer after a crash mid-write finds its own claim and
// finishes that revision. A claim whose writer never came back leaves a gap in the numbers, never a loss.
import { ApplicationFailure } from '@temporalio/activity';
import type * as Minio from 'minio';
import { reportKeys } from '../evidence/layout';
import { reportRevisions } from '../evidence/load';
import { createJsonIfAbsent, getJson, putJson, putText } from '../lib/object-store';
import { signReportIfKeyed } from '../signing/report-signature';

/** What a writer wants stored as revision `revision`, or an already stored revision that is its own (a retry). */
export type Composed<R> = { report: R; html: string } | { existing: number; report: R };

export interface RevisionStore {
  s3: Minio.Client;
  bucket: string;
}

export interface WrittenRevision<R> {
  revision: number;
  report: R;
  reportKey: string;
  htmlKey: string;
}

/** Enough tries for a burst of writers on one recording; past that something is wrong, and the activity retries. */
const MAX_CLAIMS = 20;

/**
 * Composes and writes the next revision of `recordingId`. `compose` gets the latest stored report (null
 * before revision 1) and the number it would be written as; it is called again after a lost claim, so a
 * decision is re-checked against the revision that won (it may throw, e.g. a stale decision).
 */
export async function writeNextRevision<R>(
  store: RevisionStore,
  recordingId: string,
  writer: string,
  compose: (latest: { revision: number; report: R } | null, revision: number) => Promise<Composed<R>>,
): Promise<WrittenRevision<R>> {
  let lost = 0;
  for (let attempt = 0; attempt < MAX_CLAIMS; attempt++) {
    const listed = (await reportRevisions(store.s3, store.bucket, recordingId)).at(-1) ?? 0;
    const latest = listed ? await getJson<R>(store.s3, store.bucket, reportKeys(recordingId, listed).json) : null;
    if (listed && latest === null) throw ApplicationFailure.retryable(`report r${listed} of ${recordingId} vanished while reading`);
    // Past a claim that lost (its winner may not have written report.json yet, or never will).
    const revision = Math.max(listed, lost) + 1;
    const composed = await compose(latest === null ? null : { revision: listed, report: latest }, revision);
    if ('existing' in composed) {
      const keys = reportKeys(recordingId, composed.existing);
      await signReportIfKeyed(store.s3, store.bucket, keys.json);
      return { revision: composed.existing, report: composed.report, reportKey: keys.json, htmlKey: keys.html };
    }
    const keys = reportKeys(recordingId, revision);
    if (!(await createJsonIfAbsent(store.s3, store.bucket, keys.claim, { writer }))) {
      const owner = await getJson<{ writer?: string }>(store.s3, store.bucket, keys.claim);
      if (owner?.writer !== writer) {
        lost = revision;
        continue;
      }
    }
    // HTML first: report.json's presence marks a complete revision.
    await putText(store.s3, store.bucket, keys.html, composed.html, 'text/html; charset=utf-8');
    await putJson(store.s3, store.bucket, keys.json, composed.report);
    await signReportIfKeyed(store.s3, store.bucket, keys.json);
    return { revision, report: composed.report, reportKey: keys.json, htmlKey: keys.html };
  }
  throw ApplicationFailure.retryable(`no free report revision for ${recordingId} after ${MAX_CLAIMS} claims`);
}
