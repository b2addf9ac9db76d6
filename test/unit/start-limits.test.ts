// Start limits (per sweep, per minute, backlog) and one discovery sweep's decisions: what is started,
// what waits, and that the watermark never passes a recording that waits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startLimitsFromEnv } from '../../lib/config';
import { StartGate, UNLIMITED, startAllowance, type StartLimits, type StartLoad } from '../../intake/start-limits';
import { sweepRecordings, type SweepObject, type SweepSteps } from '../../intake/sweep';

describe('start limits from the environment', () => {
  it('reads whole numbers; unset, empty or 0 is no limit', () => {
    assert.deepEqual(startLimitsFromEnv({}), UNLIMITED);
    assert.deepEqual(startLimitsFromEnv({ DUALQA_MAX_STARTS_PER_SWEEP: '50', DUALQA_MAX_STARTS_PER_MINUTE: ' 20 ', DUALQA_MAX_BACKLOG: '0' }), {
      perSweep: 50,
      perMinute: 20,
      backlog: Infinity,
    });
    assert.equal(startLimitsFromEnv({ DUALQA_MAX_BACKLOG: '' }).backlog, Infinity);
  });

  it('refuses anything else, naming the variable', () => {
    assert.throws(() => startLimitsFromEnv({ DUALQA_MAX_BACKLOG: '-1' }), /DUALQA_MAX_BACKLOG/);
    assert.throws(() => startLimitsFromEnv({ DUALQA_MAX_STARTS_PER_MINUTE: '2.5' }), /DUALQA_MAX_STARTS_PER_MINUTE/);
    assert.throws(() => startLimitsFromEnv({ DUALQA_MAX_STARTS_PER_SWEEP: 'ten' }), /DUALQA_MAX_STARTS_PER_SWEEP/);
  });
});

describe('startAllowance', () => {
  const limits: StartLimits = { perSweep: Infinity, perMinute: 10, backlog: 4 };

  it('is the tightest of the limits, counting the caller’s own starts', () => {
    assert.deepEqual(startAllowance(limits, { running: 1, startedLastMinute: 2 }, 0), { allowed: 3, reason: null });
    assert.deepEqual(startAllowance(limits, { running: 1, startedLastMinute: 8 }, 1), { allowed: 1, reason: null });
    assert.deepEqual(startAllowance(limits, { running: 0, startedLastMinute: 0 }, 2, 2), { allowed: 0, reason: 'at most 2 starts per sweep' });
  });

  it('says which limit refuses', () => {
    assert.match(startAllowance(limits, { running: 4, startedLastMinute: 0 }, 0).reason ?? '', /backlog full \(4 inspections running\)/);
    assert.match(startAllowance(limits, { running: 0, startedLastMinute: 10 }, 0).reason ?? '', /at most 10 starts per minute/);
    assert.match(startAllowance(limits, { running: 9, startedLastMinute: 0 }, 0).reason ?? '', /backlog full/);
  });

  it('allows everything when unlimited', () => {
    assert.equal(startAllowance(UNLIMITED, {}, 1e6).allowed, Infinity);
  });
});

describe('StartGate', () => {
  it('measures once, lazily, only what the limits need, and counts its own starts', async () => {
    const asked: { running: boolean; startedLastMinute: boolean }[] = [];
    const gate = new StartGate({ perSweep: Infinity, perMinute: Infinity, backlog: 3 }, async (what) => {
      asked.push(what);
      return { running: 1 } satisfies StartLoad;
    });
    assert.deepEqual(asked, []);
    assert.equal(await gate.take(), null);
    assert.equal(await gate.take(), null);
    assert.match((await gate.take()) ?? '', /backlog full/);
    assert.deepEqual(asked, [{ running: true, startedLastMinute: false }]);
  });

  it('never queries Temporal when unlimited', async () => {
    const gate = new StartGate(UNLIMITED, () => Promise.reject(new Error('must not be called')));
    for (let i = 0; i < 5; i++) assert.equal(await gate.take(), null);
  });

  it('takes back the permit of a start that failed', async () => {
    const gate = new StartGate(UNLIMITED, async () => ({}), 1);
    assert.equal(await gate.take(), null);
    assert.notEqual(await gate.take(), null);
    gate.giveBack();
    assert.equal(await gate.take(), null);
  });
});

describe('sweepRecordings', () => {
  const objects: SweepObject[] = [
    { key: 'e.mp4', modified: 5 },
    { key: 'a.mp4', modified: 1 },
    { key: 'c.mp4', modified: 3 },
    { key: 'b.mp4', modified: 2 },
    { key: 'd.mp4', modified: 4 },
  ];

  function steps(o: { existing?: string[]; settling?: string[]; permits?: number }): SweepSteps<SweepObject> & { startedKeys: string[] } {
    const startedKeys: string[] = [];
    let permits = o.permits ?? Infinity;
    return {
      startedKeys,
      settling: (x) => (o.settling ?? []).includes(x.key),
      exists: async (x) => (o.existing ?? []).includes(x.key),
      permit: async () => (permits-- > 0 ? null : 'at most N starts per minute'),
      unpermit: () => void permits++,
      start: async (x) => void startedKeys.push(x.key),
    };
  }

  it('starts in modification order and moves the watermark to the last one', async () => {
    const s = steps({});
    const out = await sweepRecordings(objects, s);
    assert.deepEqual(out.started, ['a.mp4', 'b.mp4', 'c.mp4', 'd.mp4', 'e.mp4']);
    assert.equal(out.settledUpTo, 5);
    assert.equal(out.limitedBy, null);
  });

  it('under a limit, defers the rest and stops the watermark before the first deferred recording', async () => {
    const s = steps({ permits: 2 });
    const out = await sweepRecordings(objects, s);
    assert.deepEqual(out.started, ['a.mp4', 'b.mp4']);
    assert.equal(out.deferred, 3);
    assert.equal(out.settledUpTo, 2);
    assert.equal(out.limitedBy, 'at most N starts per minute');
  });

  it('spends no permit on recordings that already have an inspection', async () => {
    const s = steps({ existing: ['a.mp4', 'b.mp4', 'c.mp4'], permits: 1 });
    const out = await sweepRecordings(objects, s);
    assert.deepEqual(out.started, ['d.mp4']);
    assert.equal(out.joined, 3);
    assert.equal(out.deferred, 1);
    assert.equal(out.settledUpTo, 4);
  });

  it('starts later recordings past one waiting for its sidecar, but the watermark waits for it', async () => {
    const s = steps({ settling: ['b.mp4'] });
    const out = await sweepRecordings(objects, s);
    assert.deepEqual(out.started, ['a.mp4', 'c.mp4', 'd.mp4', 'e.mp4']);
    assert.equal(out.settledUpTo, 1);
  });

  it('a deferred recording is started by the next sweep: none is ever dropped', async () => {
    const done = new Set<string>();
    for (let sweep = 0; sweep < 5 && done.size < objects.length; sweep++) {
      const s = steps({ existing: [...done], permits: 2 });
      const out = await sweepRecordings(objects, s);
      for (const k of out.started) done.add(k);
    }
    assert.equal(done.size, objects.length);
  });

  it('gives back the permit when a start fails', async () => {
    let permits = 1;
    const failing: SweepSteps<SweepObject> = {
      settling: () => false,
      exists: async () => false,
      permit: async () => (permits-- > 0 ? null : 'limit'),
      unpermit: () => void permits++,
      start: () => Promise.reject(new Error('Temporal unavailable')),
    };
    await assert.rejects(sweepRecordings(objects, failing), /Temporal unavailable/);
    assert.equal(permits, 1);
  });
});
