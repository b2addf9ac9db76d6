// Report revisions on the real SeaweedFS (issue #18 item 6). First the server itself: SeaweedFS has had
// If-None-Match bugs, so racing conditional creates of one key on the versioned reports bucket with the
// worker's credentials must let exactly one through, every round. Then the product: two rejudges and
// a review decision on one recording at the same moment (the real activities, as the worker runs them)
// each get their own revision, all signed and verifiable, revision 1 untouched.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ActivityDeps } from '../../activities/deps';
import { createJudgeActivities } from '../../activities/judge';
import { createRejudgeActivities, type RejudgeBatchInput, type RejudgeBatchResult } from '../../activities/rejudge';
import { createReportActivities } from '../../activities/report';
import { createReviewActivities } from '../../activities/review';
import type { ReviewedReport } from '../../decisions/apply';
import { reportKeys } from '../../evidence/layout';
import { reportRevisions } from '../../evidence/load';
import { createLogger } from '../../lib/logger';
import { createJsonIfAbsent, getBytes, getJson, putJson } from '../../lib/object-store';
import { loadRulebook } from '../../rules/load';
import { loadOverlays } from '../../rules/overlays';
import { initSigningKey, loadPublicKey, publicKeyFileOf } from '../../signing/keys';
import { checkSignature, type DetachedSignature } from '../../signing/signature';
import { ingest, integrity } from '../helpers/judge-evidence';
import { tempDir } from '../helpers/media';
import { openTestStack, type TestStack } from '../helpers/test-stack';

const root = tempDir('dualqa-revisions-');
const keyFile = path.join(root, 'keys', 'ed25519.pem');
let ts: TestStack;
let deps: ActivityDeps;

/** Revision 1 of a fresh recording, written by the report activity as an inspection would. */
async function inspected(recordingId: string): Promise<void> {
  const keys = { ingest: `${recordingId}/ingest.json`, integrity: `${recordingId}/integrity.json` };
  await putJson(deps.s3, deps.buckets.analyses, keys.ingest, { ...ingest, recordingId });
  await putJson(deps.s3, deps.buckets.analyses, keys.integrity, { ...integrity([]), recordingId });
  const judged = await createJudgeActivities(deps).judgeRecording({ recordingId, evidenceKeys: keys, failures: {} });
  const written = await createReportActivities(deps).writeReport({ recordingId, evidenceKeys: keys, judgementKey: judged.judgementKey, failures: {}, timings: [], inspection: { workflowId: `inspect:${recordingId}`, runId: 'run-1' } });
  assert.equal(written.revision, 1);
}

describe('report revisions on the real SeaweedFS', { timeout: 5 * 60_000 }, () => {
  before(async () => {
    ts = await openTestStack('revisions', root);
    initSigningKey(keyFile);
    process.env.DUALQA_SIGNING_KEY = keyFile;
    deps = {
      s3: ts.reader,
      buckets: ts.stack.info.buckets,
      workDir: path.join(root, 'work'),
      logger: createLogger('revisions-test', 'silent'),
      loadRulebook: (ref) => loadRulebook(ref),
      loadOverlays: () => loadOverlays(),
      versions: { dualqa: '0.1.0', ffmpeg: 'ffmpeg' },
    };
  });
  after(async () => {
    await ts?.close();
  });

  it('lets exactly one of 8 racing If-None-Match creates through, 10 rounds (the pinned server enforces it)', async () => {
    for (let round = 0; round < 10; round++) {
      const key = `race-${round}/r1/claim.json`;
      const won = await Promise.all(Array.from({ length: 8 }, (_, writer) => createJsonIfAbsent(ts.reader, deps.buckets.reports, key, { writer })));
      assert.equal(won.filter(Boolean).length, 1, `round ${round}: ${JSON.stringify(won)}`);
      const owner = await getJson<{ writer: number }>(ts.reader, deps.buckets.reports, key);
      assert.equal(owner?.writer, won.indexOf(true), 'the stored claim is the winner’s');
    }
  });

  it('gives two rejudges and a review decision at the same moment three revisions, all signed and verifiable', async () => {
    const publicKey = loadPublicKey(publicKeyFileOf(keyFile));
    const rejudge = async (recordingId: string, workflowId: string): Promise<RejudgeBatchResult> => {
      const activities = createRejudgeActivities(deps);
      const input: RejudgeBatchInput = { recordingIds: [recordingId], rulebook: 'cn-national@1.4.0', inspection: { workflowId, runId: 'run' } };
      return new MockActivityEnvironment().run((i: RejudgeBatchInput) => activities.rejudgeBatch(i), input);
    };
    for (const n of [1, 2, 3]) {
      const recordingId = `race-recording-${n}`;
      await inspected(recordingId);
      const r1Bytes = await getBytes(ts.reader, deps.buckets.reports, reportKeys(recordingId, 1).json);
      const r1 = JSON.parse(r1Bytes.toString('utf8')) as ReviewedReport;
      const step = r1.steps.find((s) => s.id === 'continuity')!;
      const decision = { decisionId: `d${n}`, reviewer: 'reviewer@example.com', stepId: step.id, before: step.verdict, after: 'CANNOT_JUDGE' as const, comment: 'checked by hand', decidedAt: new Date().toISOString() };
      // Two rejudges do the same reads, so on the old "latest + 1" code they reliably wrote the same revision.
      const [a, b, decided] = await Promise.all([
        rejudge(recordingId, 'rejudge:a'),
        rejudge(recordingId, 'rejudge:b'),
        createReviewActivities(deps).writeReviewRevision({ recordingId, decision, review: { workflowId: `review:${recordingId}`, runId: 'r' } }),
      ]);
      assert.equal(a.rejudged + b.rejudged, 2);
      assert.deepEqual(await reportRevisions(ts.reader, deps.buckets.reports, recordingId), [1, 2, 3, 4]);
      const writers = new Set<string>();
      for (const revision of [2, 3, 4]) {
        const keys = reportKeys(recordingId, revision);
        const bytes = await getBytes(ts.reader, deps.buckets.reports, keys.json);
        const sig = (await getJson<DetachedSignature>(ts.reader, deps.buckets.reports, keys.signature))!;
        assert.deepEqual(checkSignature(bytes, sig, publicKey, 'dualqa-report-v1'), [], `r${revision} of ${recordingId} verifies`);
        const report = JSON.parse(bytes.toString('utf8')) as ReviewedReport;
        writers.add(report.review?.decisionId === decision.decisionId ? 'decision' : report.inspection.workflowId);
      }
      assert.deepEqual([...writers].sort(), ['decision', 'rejudge:a', 'rejudge:b'], `${recordingId}: every write kept (decision at r${decided.revision})`);
      assert.ok(r1Bytes.equals(await getBytes(ts.reader, deps.buckets.reports, reportKeys(recordingId, 1).json)), 'r1 unchanged');
    }
  });

  it('keeps revision 1 on a locked reports bucket: the worker cannot delete its version, a plain delete only hides it', async () => {
    assert.equal(ts.stack.setup?.reportsLocked, true, `a new deployment gets a locked reports bucket: ${String(ts.stack.setup?.reportsLockProblem)}`);
    const key = reportKeys('race-recording-1', 1).json;
    const before = await getBytes(ts.reader, deps.buckets.reports, key);
    const { versionId } = await ts.reader.statObject(deps.buckets.reports, key);
    assert.ok(versionId, 'versioned');
    await assert.rejects(ts.reader.removeObject(deps.buckets.reports, key, { versionId }), { code: 'AccessDenied' });
    await assert.rejects(ts.reader.removeObject(deps.buckets.reports, key, { versionId, governanceBypass: true }), { code: 'AccessDenied' });
    await ts.reader.removeObject(deps.buckets.reports, key);
    const kept = await ts.reader.getObject(deps.buckets.reports, key, { versionId });
    const chunks: Buffer[] = [];
    for await (const c of kept as AsyncIterable<Buffer>) chunks.push(c);
    assert.ok(before.equals(Buffer.concat(chunks)), 'r1 still readable, byte-identical, by its version');
  });
});
