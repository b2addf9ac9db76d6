// A reviewer's comment is masked before it enters Temporal history: the Update's arguments are stored in
// the review workflow's history, which an operator exports (issue 18 item 4).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { submitApproval, submitDecision } from '../../review/submit';

/** A Temporal client that records the arguments of every Update it is asked to run. */
function recordingClient(): { client: Client; args: unknown[] } {
  const args: unknown[] = [];
  const answer = { revision: 2, reportKey: 'r', decidedAt: '2026-12-08T00:00:00Z' };
  const client = {
    workflow: {
      executeUpdateWithStart: async (_update: unknown, o: { args: unknown[] }) => (args.push(...o.args), answer),
      getHandle: () => ({ executeUpdate: async (_update: unknown, o: { args: unknown[] }) => (args.push(...o.args), answer) }),
    },
  } as unknown as Client;
  return { client, args };
}

const ID = '11010519850307049X';

describe('review submissions keep personal numbers out of Temporal history', () => {
  it('masks a decision comment, full-width and spaced numbers included', async () => {
    const { client, args } = recordingClient();
    const comment = `身份证 ${ID} 电话 １３９ １２３４ ５６７８`;
    await submitDecision(client, 'rec-1', { revision: 1, steps: [{ id: 'continuity', verdict: 'PASS' }] }, { decisionId: 'd1', reviewer: 'alice', stepId: 'continuity', before: 'PASS', after: 'FAIL', comment });
    const sent = JSON.stringify(args);
    assert.ok(!sent.includes(ID), sent);
    assert.ok(!sent.includes('１２３４'), sent);
    assert.match(sent, /1101\*+049X/);
  });

  it('masks an approval comment', async () => {
    const { client, args } = recordingClient();
    await submitApproval(client, 'rec-1', { approvalId: 'a1', decisionId: 'd1', lead: 'bob', comment: `同意，客户电话 13912345678` });
    const sent = JSON.stringify(args);
    assert.ok(!sent.includes('13912345678'), sent);
  });
});
