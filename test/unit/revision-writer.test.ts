// Report revisions never overwrite (issue #18 item 6), on an in-memory S3 that interleaves writers: two
// review decisions and an inspection's report written at the same moment each get their own revision,
// every one signed and verifiable; a writer retried after its claim finishes its own revision. On the
// old "list, then write latest + 1" code the two decisions both wrote r2 and one was lost.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { ActivityDeps } from '../../activities/deps';
import { createReviewActivities } from '../../activities/review';
import { writeNextRevision } from '../../activities/revision-writer';
import type { ReviewDecision } from '../../decisions/decision';
import { reportKeys } from '../../evidence/layout';
import { judge } from '../../judge/judge';
import { createLogger } from '../../lib/logger';
import { buildReport } from '../../report/build';
import type { Report } from '../../report/types';
import { loadRulebook } from '../../rules/load';
import { initSigningKey, loadPublicKey, publicKeyFileOf } from '../../signing/keys';
import { checkSignature, type DetachedSignature } from '../../signing/signature';
import { ingest, integrity } from '../helpers/judge-evidence';
import { memoryS3, type MemoryS3 } from '../helpers/memory-s3';

const id = ingest.recordingId;
const keyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-revisions-')), 'ed25519.pem');

function firstReport(): Report {
  const ev = integrity([]);
  return buildReport({
    recordingId: id,
    revision: 1,
    createdAt: '2026-12-08T00:00:00.000Z',
    ingest,
    integrity: ev,
    judgement: judge({ ingest, integrity: ev }, loadRulebook()),
    failures: {},
    evidenceKeys: { ingest: 'a/ingest.json' },
    inspection: { workflowId: 'inspect:w', runId: 'run-1' },
    versions: { dualqa: '0.1.0', ffmpeg: 'ffmpeg 5.1' },
    timings: [],
  });
}

function withFirstReport(options: { honourIfNoneMatch?: boolean } = {}): { s3: MemoryS3; deps: ActivityDeps; r1: Report } {
  const s3 = memoryS3(options);
  const r1 = firstReport();
  s3.objects.set(`rep/${reportKeys(id, 1).json}`, Buffer.from(JSON.stringify(r1)));
  const deps = { s3: s3.client, buckets: { recordings: 'rec', analyses: 'ana', reports: 'rep' }, logger: createLogger('revisions-test', 'silent') } as unknown as ActivityDeps;
  return { s3, deps, r1 };
}

function decisionOn(r1: Report, n: number): ReviewDecision {
  const step = r1.steps[n]!;
  const after = step.verdict === 'FAIL' ? 'CANNOT_JUDGE' : 'FAIL';
  return { decisionId: `d${n}`, reviewer: 'reviewer@example.com', stepId: step.id, before: step.verdict, after, comment: `decision ${n} on ${step.id}`, decidedAt: '2026-12-08T01:00:00.000Z' };
}

function stored(s3: MemoryS3, key: string): Buffer {
  const body = s3.objects.get(`rep/${key}`);
  assert.ok(body, `rep/${key} is stored`);
  return body;
}

describe('report revisions (one writer per revision)', () => {
  before(() => {
    process.env.DUALQA_SIGNING_KEY = keyFile;
    initSigningKey(keyFile);
  });

  it('gives two decisions made at the same moment two revisions, both signed and verifiable', async () => {
    const { s3, deps, r1 } = withFirstReport();
    const review = createReviewActivities(deps);
    const [a, b] = await Promise.all([0, 1].map((n) => review.writeReviewRevision({ recordingId: id, decision: decisionOn(r1, n), review: { workflowId: 'review:x', runId: `run-${n}` } })));
    assert.deepEqual([a!.revision, b!.revision].sort(), [2, 3]);
    const publicKey = loadPublicKey(publicKeyFileOf(keyFile));
    const decided = new Set<string>();
    for (const revision of [2, 3]) {
      const keys = reportKeys(id, revision);
      const bytes = stored(s3, keys.json);
      const sig = JSON.parse(stored(s3, keys.signature).toString('utf8')) as DetachedSignature;
      assert.deepEqual(checkSignature(bytes, sig, publicKey, 'dualqa-report-v1'), [], `r${revision} verifies`);
      const report = JSON.parse(bytes.toString('utf8')) as Report & { review?: { decisionId: string } };
      assert.equal(report.revision, revision);
      decided.add(report.review!.decisionId);
    }
    assert.deepEqual([...decided].sort(), ['d0', 'd1'], 'neither decision was lost');
    // The later decision was applied on top of the earlier: both steps changed in the newest revision.
    const newest = JSON.parse(stored(s3, reportKeys(id, 3).json).toString('utf8')) as Report;
    for (const n of [0, 1]) assert.equal(newest.steps.find((s) => s.id === r1.steps[n]!.id)?.verdict, decisionOn(r1, n).after);
    // No report object was ever written twice.
    const reportWrites = s3.writes.filter((k) => /\/report(\.sig)?\.json$|\.html$/.test(k));
    assert.equal(new Set(reportWrites).size, reportWrites.length, `each report object written once: ${reportWrites.join(', ')}`);
  });

  it('fails (one decision lost) when the store ignores the conditional create: the test can fail', async () => {
    const { deps, r1, s3 } = withFirstReport({ honourIfNoneMatch: false });
    const review = createReviewActivities(deps);
    const results = await Promise.all([0, 1].map((n) => review.writeReviewRevision({ recordingId: id, decision: decisionOn(r1, n), review: { workflowId: 'review:x', runId: `run-${n}` } })));
    assert.deepEqual(results.map((r) => r.revision), [2, 2], 'without the server refusing, both claim r2');
    const reportWrites = s3.writes.filter((k) => k.endsWith('/r2/report.json'));
    assert.equal(reportWrites.length, 2, 'and the second replaced the first');
  });

  it('lets a writer retried after its claim finish its own revision, and moves others past a claim', async () => {
    const body = (revision: number) => ({ report: { revision, recording: { sha256: 'ab'.repeat(32) } }, html: '<p>r</p>' });
    const claimed = (): { s3: MemoryS3; store: { s3: ActivityDeps['s3']; bucket: string } } => {
      const { s3, deps } = withFirstReport();
      s3.objects.set(`rep/${reportKeys(id, 2).claim}`, Buffer.from(JSON.stringify({ writer: 'crashed' })));
      return { s3, store: { s3: deps.s3, bucket: 'rep' } };
    };
    const retried = claimed();
    assert.equal((await writeNextRevision(retried.store, id, 'crashed', (_l, revision) => Promise.resolve(body(revision)))).revision, 2, 'its own claim: r2 finished');
    const other = claimed();
    assert.equal((await writeNextRevision(other.store, id, 'someone-else', (_l, revision) => Promise.resolve(body(revision)))).revision, 3, "another's claim on r2: r3");
    assert.equal(other.s3.objects.has(`rep/${reportKeys(id, 2).json}`), false, 'r2 left to its claimant');
  });

  it('returns the revision a retried decision already wrote, even with another revision written after it (no duplicate)', async () => {
    const { s3, deps, r1 } = withFirstReport();
    const review = createReviewActivities(deps);
    const input = { recordingId: id, decision: decisionOn(r1, 0), review: { workflowId: 'review:x', runId: 'run' } };
    assert.equal((await review.writeReviewRevision(input)).revision, 2);
    // Another writer (a rejudge, say) adds r3 before the decision's activity is retried.
    const rejudged = { ...(JSON.parse(stored(s3, reportKeys(id, 2).json).toString('utf8')) as Report & { review?: unknown }), revision: 3, review: undefined };
    await writeNextRevision({ s3: deps.s3, bucket: 'rep' }, id, 'rejudge', (_l, revision) => Promise.resolve({ report: { ...rejudged, revision }, html: '' }));
    assert.equal((await review.writeReviewRevision(input)).revision, 2, 'the retry finds its own r2');
    assert.equal(s3.objects.has(`rep/${reportKeys(id, 4).json}`), false, 'no second copy of the decision');
  });
});
