// The review server under abuse (#18 part 7), with a catalogue that counts its writes: anonymous media
// requests and sign-ins while throttled are counted in memory (one audit row per address and window, then
// 429 without database work), and malformed paths, cookies or Origin headers are the caller's error, never a 500.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Catalogue } from '../../catalogue/types';
import { createLogger } from '../../lib/logger';
import { RefusalCounter } from '../../review/refusals';
import { startReviewServer, type RunningReviewServer } from '../../review/server';

const calls: string[] = [];
const reviewer = { id: 'alice', name: 'Alice', role: 'reviewer' };
// Any method resolves; the ones these routes need answer like a real catalogue would.
const catalogue = new Proxy(
  {},
  {
    get: (_t, name: string) =>
      async (...args: unknown[]) => {
        calls.push(name);
        if (name === 'refusedSignIns') return { account: 99, address: 99 };
        if (name === 'sessionReviewer') return String(args[0]).length > 0 ? reviewer : null;
        return undefined;
      },
  },
) as unknown as Catalogue;

let server: RunningReviewServer;

describe('review server under abuse', () => {
  before(async () => {
    server = await startReviewServer(
      { catalogue, s3: {} as never, buckets: { recordings: 'r', analyses: 'a', reports: 'p' }, temporal: {} as never, logger: createLogger('test', 'silent'), signInLimits: { perAccount: 5, perAddress: 4, windowMs: 60_000 } },
      0,
    );
  });
  after(() => server?.close());

  it('anonymous media requests: one audit row, then 429 without database work', async () => {
    calls.length = 0;
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await fetch(`${server.url}/media/rec${i}`)).status);
    assert.equal(calls.filter((c) => c === 'audit').length, 1, `audit writes: ${calls.join(',')}`);
    assert.deepEqual([...new Set(statuses.slice(0, 20))], [401]);
    assert.deepEqual([...new Set(statuses.slice(20))], [429]);
  });

  it('sign-ins while throttled: 429 each, the throttle audited once', async () => {
    calls.length = 0;
    for (let i = 0; i < 10; i++) {
      const r = await fetch(`${server.url}/login`, { method: 'POST', body: new URLSearchParams({ account: 'alice', token: 'wrong' }), redirect: 'manual' });
      assert.equal(r.status, 429);
    }
    assert.equal(calls.filter((c) => c === 'audit').length, 1);
    assert.equal(calls.filter((c) => c === 'refuseSignIn').length, 0);
  });

  it('a malformed path, cookie or Origin is a 4xx, never a 500', async () => {
    const anon = await fetch(`${server.url}/media/%E0%A4%A`);
    assert.notEqual(anon.status, 500);
    const cookie = { cookie: 'dualqa_session=abc' };
    assert.equal((await fetch(`${server.url}/r/%E0%A4%A`, { headers: cookie })).status, 400);
    assert.notEqual((await fetch(`${server.url}/`, { headers: { cookie: 'dualqa_session=%E0%A4%A; x=%%' } })).status, 500);
    const post = await fetch(`${server.url}/logout`, { method: 'POST', headers: { ...cookie, origin: 'http://[not a url' }, redirect: 'manual' });
    assert.equal(post.status, 403);
  });

  it('RefusalCounter: windows per kind and address, bounded memory, a summary when a window closes', () => {
    const closed: string[] = [];
    const c = new RefusalCounter(2, 1000, (kind, address, count) => closed.push(`${kind} ${address} ${count}`), 2);
    assert.deepEqual(c.note('m', 'a', 0), { first: true, count: 1, limited: false });
    assert.deepEqual(c.note('m', 'a', 10), { first: false, count: 2, limited: false });
    assert.deepEqual(c.note('m', 'a', 20), { first: false, count: 3, limited: true });
    assert.equal(c.note('m', 'b', 30).first, true);
    assert.equal(c.note('m', 'a', 2000).first, true);
    assert.deepEqual(closed, ['m a 3']);
    c.note('m', 'c', 2001);
    assert.equal(Object.values(c.totals()).reduce((a, b) => a + b, 0) <= 3, true);
  });
});
