// `dualqa inspect` never waits without a bound (#18 part 5): past --wait it gives up and says where the
// inspection stands (status, the pending activity, its attempt and last failure); the inspection goes on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { InspectionStillRunning, WAIT_DEFAULT_S, waitBounded } from '../../intake/inspect';

const stuck = {
  workflowId: 'inspect:recordings/a.mp4@abc',
  describe: async () => ({
    status: { name: 'RUNNING' },
    raw: { pendingActivities: [{ activityType: { name: 'analyseSpeech' }, attempt: 3, lastFailure: { message: 'speech engine exited (SIGKILL)' } }] },
  }),
} as unknown as WorkflowHandle;

describe('inspect --wait', () => {
  it('gives up after the bound and says where the inspection stands', async () => {
    const started = Date.now();
    const never = new Promise<never>(() => undefined);
    await assert.rejects(waitBounded(never, 0.2, stuck), (err: unknown) => {
      assert.ok(err instanceof InspectionStillRunning);
      assert.match(err.message, /gave up waiting after 0\.2 s; inspection inspect:recordings\/a\.mp4@abc is RUNNING \(analyseSpeech attempt 3, last failure: speech engine exited \(SIGKILL\)\)/);
      return true;
    });
    assert.ok(Date.now() - started < 2000);
  });

  it('returns the answer when it comes first', async () => {
    assert.equal(await waitBounded(Promise.resolve(7), 5, stuck), 7);
  });

  it('has a default bound', () => {
    assert.ok(Number.isFinite(WAIT_DEFAULT_S) && WAIT_DEFAULT_S > 0);
  });
});
