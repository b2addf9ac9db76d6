// The review workflow on a local Temporal dev server with a fake revision-writing activity: decisions as
// validated Updates, opened by Update-with-Start, one at a time, stale and duplicate decisions handled;
// four eyes: a FAIL overturned into a PASS is pending until another person, a lead, approves it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Activities } from '../../activities';
import type { WriteApprovalRevisionInput, WriteReviewRevisionInput } from '../../activities/review';
import { reviewWorkflowId, type ReviewDecisionInput } from '../../decisions/decision';
import { reviewStateQuery } from '../../decisions/definitions';
import { closeReview, submitApproval, submitDecision } from '../../review/submit';
import { ensureTools } from '../../stack/tools';
import { TASK_QUEUES } from '../../temporal.config';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;
let worker: Worker;
let running: Promise<void>;
const writes: (WriteReviewRevisionInput | WriteApprovalRevisionInput)[] = [];

const steps = {
  revision: 1,
  steps: [
    { id: 'coframing', verdict: 'FAIL' as const },
    { id: 'continuity', verdict: 'PASS' as const },
  ],
};
/** What readLatestSteps answers: a re-judge wrote r7 outside the review workflow. */
const rejudged = { revision: 7, steps: [{ id: 'coframing', verdict: 'CANNOT_JUDGE' as const }, { id: 'continuity', verdict: 'PASS' as const }] };

function decision(over: Partial<ReviewDecisionInput>): ReviewDecisionInput {
  return { decisionId: `d-${Math.random().toString(36).slice(2)}`, reviewer: 'alice', stepId: 'coframing', before: 'FAIL', after: 'PASS', comment: 'both in frame, detector missed a profile face', ...over };
}

describe('reviewRecording workflow (local dev server)', { timeout: 120_000 }, () => {
  before(async () => {
    const tools = await ensureTools();
    env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: tools.temporal } } });
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
    const activities: Partial<Activities> = {
      readLatestSteps: async () => rejudged,
      writeReviewRevision: async (input) => {
        // Slow enough that concurrent decisions overlap inside the workflow.
        await new Promise((r) => setTimeout(r, 300));
        writes.push(input);
        const verdict = input.pendingApproval ? input.decision.before : input.decision.after;
        return { decisionId: input.decision.decisionId, revision: writes.length + 1, verdict, reportKey: `x/r${writes.length + 1}/report.json`, decidedAt: input.decision.decidedAt, ...(input.pendingApproval ? { pendingApproval: true } : {}) };
      },
      writeApprovalRevision: async (input) => {
        writes.push(input);
        return { decisionId: input.decision.decisionId, revision: writes.length + 1, verdict: input.decision.after, reportKey: `x/r${writes.length + 1}/report.json`, decidedAt: input.approval.approvedAt };
      },
    };
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue: TASK_QUEUES.orchestration, workflowBundle: bundle, activities });
    running = worker.run();
  });
  after(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  it('opens on the first decision, writes one revision per accepted decision, and applies a repeated decision once', async () => {
    const d = decision({ after: 'CANNOT_JUDGE', comment: 'too dark to tell who is in frame' });
    const first = await submitDecision(env.client, 'rec-a', steps, d);
    assert.equal(first.revision, 2);
    assert.equal(first.pendingApproval, undefined, 'only a FAIL turned into a PASS waits for a lead');
    const again = await submitDecision(env.client, 'rec-a', steps, d);
    assert.deepEqual(again, first);
    assert.equal(writes.filter((w) => w.recordingId === 'rec-a').length, 1);
    assert.equal(writes[0]!.review.workflowId, reviewWorkflowId('rec-a'));
    const state = await env.client.workflow.getHandle(reviewWorkflowId('rec-a')).query(reviewStateQuery);
    assert.equal(state.steps.coframing, 'CANNOT_JUDGE');
  });

  it('four eyes: a FAIL overturned into a PASS is recorded pending, and takes effect when another person approves it', async () => {
    const d = decision({ reviewer: 'alice', after: 'PASS' });
    const recorded = await submitDecision(env.client, 'rec-f', steps, d);
    assert.equal(recorded.pendingApproval, true);
    assert.equal(recorded.verdict, 'FAIL', 'the verdict stays FAIL while the decision waits');
    const handle = env.client.workflow.getHandle(reviewWorkflowId('rec-f'));
    let state = await handle.query(reviewStateQuery);
    assert.equal(state.steps.coframing, 'FAIL');
    assert.deepEqual(state.pending?.map((p) => [p.decisionId, p.revision]), [[d.decisionId, recorded.revision]]);
    assert.equal((writes.find((w) => w.recordingId === 'rec-f') as WriteReviewRevisionInput).pendingApproval, true);
    // Another decision on the step waits for the approval; the decider cannot approve their own.
    await assert.rejects(submitDecision(env.client, 'rec-f', steps, decision({ reviewer: 'bob', after: 'CANNOT_JUDGE', comment: 'second opinion' })), /pending a lead's approval/);
    await assert.rejects(submitApproval(env.client, 'rec-f', { approvalId: 'a0', decisionId: d.decisionId, lead: 'alice', comment: 'my own, fine' }), /four eyes/);
    await assert.rejects(submitApproval(env.client, 'rec-f', { approvalId: 'a0', decisionId: 'nope', lead: 'lena', comment: 'looks right' }), /no decision nope is pending/);
    await assert.rejects(submitApproval(env.client, 'rec-f', { approvalId: 'a0', decisionId: d.decisionId, lead: 'lena', comment: '' }), /comment/);
    const a = { approvalId: 'a1', decisionId: d.decisionId, lead: 'lena', comment: 'profile face, both present' };
    const approved = await submitApproval(env.client, 'rec-f', a);
    assert.equal(approved.revision, recorded.revision + 1);
    assert.equal(approved.verdict, 'PASS');
    assert.deepEqual(await submitApproval(env.client, 'rec-f', a), approved, 'a repeated approval is applied once');
    state = await handle.query(reviewStateQuery);
    assert.equal(state.steps.coframing, 'PASS');
    assert.deepEqual(state.pending, []);
    const written = writes.filter((w): w is WriteApprovalRevisionInput => w.recordingId === 'rec-f' && 'approval' in w);
    assert.equal(written.length, 1);
    assert.equal(written[0]!.decisionRevision, recorded.revision);
    assert.equal(written[0]!.decision.reviewer, 'alice');
  });

  it('refuses a decision without a comment, on an unknown step, or on a stale view, before it reaches history', async () => {
    await assert.rejects(submitDecision(env.client, 'rec-b', steps, decision({ comment: ' ' })), /comment/);
    await assert.rejects(submitDecision(env.client, 'rec-b', steps, decision({ stepId: 'nonsense' })), /not in this report/);
    await assert.rejects(submitDecision(env.client, 'rec-b', steps, decision({ stepId: 'continuity', before: 'FAIL' })), /is PASS now/);
    assert.equal(writes.filter((w) => w.recordingId === 'rec-b').length, 0);
    const history = await env.client.workflow.getHandle(reviewWorkflowId('rec-b')).fetchHistory();
    assert.ok(!history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes), 'a rejected update leaves no trace in history');
  });

  it('a decision on a revision written outside the workflow (re-judge) is checked against that revision', async () => {
    await submitDecision(env.client, 'rec-e', steps, decision({ stepId: 'continuity', before: 'PASS', after: 'PASS', comment: 'clock runs on' }));
    // The reviewer was shown r7, where coframing is CANNOT_JUDGE: accepted after the workflow re-reads the steps.
    const r = await submitDecision(env.client, 'rec-e', rejudged, decision({ before: 'CANNOT_JUDGE', after: 'FAIL', comment: 'customer walks out at 40 s' }));
    assert.equal(r.verdict, 'FAIL');
    const state = await env.client.workflow.getHandle(reviewWorkflowId('rec-e')).query(reviewStateQuery);
    assert.equal(state.steps.coframing, 'FAIL');
    assert.ok(state.revision >= 7);
    // A decision still based on the old view is now stale.
    await assert.rejects(submitDecision(env.client, 'rec-e', steps, decision({ before: 'CANNOT_JUDGE', after: 'PASS' })), /is FAIL now, not CANNOT_JUDGE/);
  });

  it('two reviewers deciding the same step at once: one is applied, the other is told the step changed', async () => {
    const outcomes = await Promise.allSettled([
      submitDecision(env.client, 'rec-c', steps, decision({ reviewer: 'alice', after: 'PASS' })),
      submitDecision(env.client, 'rec-c', steps, decision({ reviewer: 'bob', after: 'CANNOT_JUDGE', comment: 'too dark to tell' })),
    ]);
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, JSON.stringify(outcomes));
    const refused = outcomes.find((o) => o.status === 'rejected');
    // alice's FAIL → PASS first: it waits for a lead and bob is told so; bob's first: alice is told the step changed.
    assert.match(String((refused as PromiseRejectedResult).reason), /DecisionRefused: step coframing (is CANNOT_JUDGE now, not FAIL|has a decision pending a lead's approval)/);
    assert.equal(writes.filter((w) => w.recordingId === 'rec-c').length, 1);
    // Different steps at once are both applied, one after the other.
    const both = await Promise.all([
      submitDecision(env.client, 'rec-d', steps, decision({ stepId: 'coframing', before: 'FAIL', after: 'PASS' })),
      submitDecision(env.client, 'rec-d', steps, decision({ stepId: 'continuity', before: 'PASS', after: 'PASS', comment: 'confirmed: clock runs' })),
    ]);
    assert.notEqual(both[0].revision, both[1].revision, 'each decision wrote its own revision');
    await closeReview(env.client, 'rec-d');
    const final = (await env.client.workflow.getHandle(reviewWorkflowId('rec-d')).result()) as { decisions: unknown[] };
    assert.equal(final.decisions.length, 2);
  });
});
