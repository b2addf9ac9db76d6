// Replays recorded histories of the inspection and review workflows against today's workflow code: a change
// that would break running workflows (non-determinism) fails here. Inspection histories are recorded from
// the integration test with DUALQA_RECORD_HISTORY=1 and committed under test/replay/.
// review-recording.before-four-eyes.json was recorded once from the review workflow as it was before four
// eyes (commit a64fc39's parent, on a local dev server with the review workflow test's fake activities): a
// FAIL overturned into a PASS took effect at once, then a second reviewer decided that same step again
// (PASS → CANNOT_JUDGE), then the review closed. Today's code must take the old branch of
// patched('four-eyes-approval') for it: under four eyes the first decision would wait for a lead and the
// second would be refused before its revision is written, a different history (checked by hand: with the
// patch() call removed, this replay fails with a nondeterminism error).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { PROJECT_ROOT } from '../../lib/config';

const dir = path.join(PROJECT_ROOT, 'test', 'replay');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];

describe('workflow replay against recorded histories', () => {
  it('has at least one recorded history', () => {
    assert.ok(files.length > 0, `no histories in ${dir}`);
  });
  it('replays a review opened before four eyes: the overturned FAIL took effect without approval', { timeout: 120_000 }, async () => {
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'review-recording.before-four-eyes.json'), 'utf8')) as { events: Record<string, unknown>[] };
    assert.ok(!json.events.some((e) => e.eventType === 'EVENT_TYPE_MARKER_RECORDED'), 'recorded before the patch: no patch marker');
    // Payloads are base64 JSON: the decisions accepted, and what the activity was asked to write.
    const payloads = (e: Record<string, unknown>, attrs: string, field: string): unknown[] => {
      const a = e[attrs] as Record<string, { payloads?: { data: string }[]; input?: { args?: { payloads?: { data: string }[] } } }> | undefined;
      const list = a?.[field]?.payloads ?? (a as { acceptedRequest?: { input?: { args?: { payloads?: { data: string }[] } } } } | undefined)?.acceptedRequest?.input?.args?.payloads ?? [];
      return list.map((p) => JSON.parse(Buffer.from(p.data, 'base64').toString('utf8')) as unknown);
    };
    const decisions = json.events.flatMap((e) => payloads(e, 'workflowExecutionUpdateAcceptedEventAttributes', 'none')) as { stepId: string; before: string; after: string }[];
    assert.deepEqual(decisions.map((d) => [d.stepId, d.before, d.after]), [['coframing', 'FAIL', 'PASS'], ['coframing', 'PASS', 'CANNOT_JUDGE']]);
    const writes = json.events.flatMap((e) => payloads(e, 'activityTaskScheduledEventAttributes', 'input')) as { pendingApproval?: boolean }[];
    assert.equal(writes.length, 2);
    assert.ok(writes.every((w) => w.pendingApproval === undefined), 'the FAIL → PASS was written in effect, not pending');
    assert.ok(json.events.some((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED'));
    const history = historyFromJSON(json);
    await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history, 'review:rec-before-four-eyes');
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, { timeout: 120_000 }, async () => {
      const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
      await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history);
    });
  }
});
