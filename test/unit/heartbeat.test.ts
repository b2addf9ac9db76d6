// The heartbeat keep-alive: beats between progress calls (a starved machine is not a dead worker), and
// stops once progress stalls, so a hung decoder still times out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import { heartbeater } from '../../lib/heartbeat';

async function heartbeatsDuring(stallMs: number, waitMs: number): Promise<number> {
  const env = new MockActivityEnvironment();
  let count = 0;
  env.on('heartbeat', () => count++);
  await env.run(async () => {
    const beat = heartbeater(1000, stallMs);
    try {
      beat({ stage: 'decode' });
      await sleep(waitMs);
    } finally {
      beat.stop();
    }
  });
  return count;
}

describe('heartbeater', () => {
  it('keeps beating while an activity waits without reporting progress', async () => {
    assert.ok((await heartbeatsDuring(60_000, 3500)) >= 3);
  });

  it('stops beating once progress has stalled longer than stallMs', async () => {
    assert.equal(await heartbeatsDuring(500, 3500), 1);
  });
});

describe('stall watchdog', () => {
  it('aborts the work with the reason once progress has stalled, and not before', async () => {
    const env = new MockActivityEnvironment();
    await env.run(async () => {
      const beat = heartbeater(200, 600);
      try {
        beat({ stage: 'decode', decodedS: 12.5 });
        await sleep(300);
        assert.equal(beat.signal.aborted, false);
        assert.equal(beat.stalled(), null);
        await sleep(1500);
        assert.equal(beat.signal.aborted, true, 'a scan without progress was left to hang');
        assert.match(beat.stalled() ?? '', /no progress for \d+ s \(decode at 12\.5 s of media\)/);
        assert.equal((beat.signal.reason as Error).name, 'Stalled');
      } finally {
        beat.stop();
      }
    });
  });

  it('progress keeps the work going', async () => {
    const env = new MockActivityEnvironment();
    await env.run(async () => {
      const beat = heartbeater(200, 600);
      try {
        for (let i = 0; i < 8; i++) {
          beat({ stage: 'decode', decodedS: i });
          await sleep(200);
        }
        assert.equal(beat.signal.aborted, false);
      } finally {
        beat.stop();
      }
    });
  });
});
