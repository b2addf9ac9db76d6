// Small pure parts of the review server: Range parsing, queue filters, masking in pages, flags (tokens and
// sessions live in the database: test/unit/catalogue-sample.test.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { parseRange } from '../../review/media';
import { queueFilter } from '../../review/server';
import { esc, flagsOf } from '../../review/pages';
import { dashboardBody, dashboardCsv } from '../../review/dashboard';
import { combineVerdicts, decisionProblems } from '../../decisions/decision';
import { applyDecision, type ReviewedReport } from '../../decisions/apply';
import { tempDir } from '../helpers/media';

const root = tempDir('dualqa-review-unit-');
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('review server parts', () => {
  it('parses the Range forms a player sends and refuses unsatisfiable ones', () => {
    assert.equal(parseRange(undefined, 1000), null);
    assert.deepEqual(parseRange('bytes=0-99', 1000), { start: 0, end: 99 });
    assert.deepEqual(parseRange('bytes=900-', 1000), { start: 900, end: 999 });
    assert.deepEqual(parseRange('bytes=-100', 1000), { start: 900, end: 999 });
    assert.deepEqual(parseRange('bytes=990-5000', 1000), { start: 990, end: 999 });
    assert.equal(parseRange('bytes=1000-', 1000), 'invalid');
    assert.equal(parseRange('bytes=5-1', 1000), 'invalid');
    assert.equal(parseRange('bytes=0-1,5-6', 1000), 'invalid');
  });

  it('defaults the queue to recordings needing review, newest first', () => {
    const f = queueFilter(new URLSearchParams(''));
    assert.deepEqual(f.verdicts, ['FAIL', 'CANNOT_JUDGE']);
    assert.equal(f.descending, true);
    const g = queueFilter(new URLSearchParams('verdict=PASS&channel=bank&from=2026-07-01&to=2026-09-30&sort=channel&order=asc&sort2=x'));
    assert.deepEqual(g.verdicts, ['PASS']);
    assert.equal(g.from, '2026-07-01T00:00:00.000Z');
    assert.equal(g.to, '2026-09-30T23:59:59.999Z');
    assert.equal(g.sort, 'channel');
    assert.equal(queueFilter(new URLSearchParams('sort=DROP TABLE')).sort, 'recordedAt');
  });

  it('renders the dashboard as inline SVG with Chinese and English labels, and the same figures as CSV', () => {
    const w = (week: string, value: string, fail: number) => ({ week, value, pass: 10 - fail, fail, cannotJudge: 0, overturned: 1, total: 10 });
    const data = {
      from: '2026-01-01T00:00:00.000Z',
      to: '2027-01-01T00:00:00.000Z',
      dimension: 'channel' as const,
      verdicts: [w('2026-01-05T00:00:00.000Z', 'bank', 2), w('2026-01-12T00:00:00.000Z', 'bank', 4), w('2026-01-05T00:00:00.000Z', '<agent>', 1)],
      rules: [{ week: '2026-01-05T00:00:00.000Z', channel: 'bank', ruleId: 'CONT-CUT', fails: 3, cannotJudge: 1, total: 10 }],
      overrides: [{ ruleId: 'CONT-CUT', machineFails: 3, overridden: 1 }],
      agents: [
        { agentKey: '9f86d081884c7d65', recordings: 20, fails: 5, cannotJudge: 2, steps: [{ stepId: 'continuity', total: 20, fails: 1, cannotJudge: 0 }, { stepId: 'opening', total: 20, fails: 4, cannotJudge: 2 }] },
        { agentKey: '<b>', recordings: 12, fails: 1, cannotJudge: 0, steps: [{ stepId: 'opening', total: 12, fails: 1, cannotJudge: 0 }] },
      ],
      minRecordings: 10,
    };
    const html = dashboardBody(data);
    // The agent dimension: keyed hashes, FAIL rate per step, a bar chart; never a licence number.
    assert.match(html, /坐席 Agents: 不通过率 FAIL rate per step/);
    assert.match(html, /<table id="agents">[\s\S]*<th>continuity FAIL<\/th><th>opening FAIL<\/th>[\s\S]*9f86d081884c7d65<\/code><\/td><td>20<\/td><td>25.0 %<\/td><td>10.0 %<\/td><td title="1 \/ 20">5.0 %<\/td><td title="4 \/ 20">20.0 %<\/td>/);
    assert.match(html, /&lt;b&gt;<\/code><\/td><td>12<\/td><td>8.3 %<\/td><td>0.0 %<\/td><td>—<\/td><td title="1 \/ 12">8.3 %/);
    assert.match(html, /坐席不通过率 FAIL rate by agent<\/figcaption><svg [^>]*>[\s\S]*<rect [^>]*fill="#d62728"><title>FAIL 25.0 %/);
    assert.match(html, /<svg [^>]*role="img"/);
    assert.match(html, /<polyline [^>]*points="[\d., ]+"/);
    assert.match(html, /不通过率 FAIL rate/);
    assert.match(html, /规则改判率 Override rate per rule[\s\S]*CONT-CUT<\/td><td>3<\/td><td>1<\/td><td>33.3 %/);
    assert.ok(!html.includes('<agent>') && html.includes('&lt;agent&gt;'), 'values are escaped');
    assert.ok(!/<script|https?:\/\/(?!www\.w3\.org)/.test(html), 'no script, nothing fetched from elsewhere');
    const csv = dashboardCsv(data);
    assert.ok(csv.startsWith('\ufeffsection,week,channel,rule,total,pass,fail,cannot_judge,overturned,agent,step\n'));
    assert.match(csv, /^agents,,,,20,,5,2,,9f86d081884c7d65,$/m);
    assert.match(csv, /^agents,,,,20,,4,2,,9f86d081884c7d65,opening$/m);
    assert.match(csv, /^verdicts,2026-01-12,bank,,10,6,4,0,1$/m);
    assert.match(csv, /^overrides,,,CONT-CUT,3,,3,,1$/m);
  });

  it('masks personal numbers and escapes HTML in everything a page shows', () => {
    assert.equal(esc('身份证 110101199003070012 <b>'), '身份证 1101**********0012 &lt;b&gt;');
  });

  it('validates decisions and recombines the verdict of a reviewed report', () => {
    const current = { coframing: 'FAIL' as const, continuity: 'PASS' as const };
    const ok = { decisionId: 'd', reviewer: 'a', stepId: 'coframing', before: 'FAIL' as const, after: 'PASS' as const, comment: 'fine really' };
    assert.deepEqual(decisionProblems(ok, current), []);
    assert.match(decisionProblems({ ...ok, comment: 'ok' }, current).join(), /comment/);
    assert.match(decisionProblems({ ...ok, before: 'PASS' }, current).join(), /is FAIL now/);
    assert.equal(combineVerdicts(['PASS', 'CANNOT_JUDGE']), 'CANNOT_JUDGE');
    const prior = {
      revision: 1, verdict: 'FAIL', summary: '', inspection: { workflowId: 'inspect:x', runId: 'r' },
      steps: [{ id: 'coframing', title: 'c', verdict: 'FAIL', reasons: ['left'], evidence: [{ from: 12, to: 15, kind: 'absence' }], rules: [] }, { id: 'continuity', title: 'k', verdict: 'PASS', reasons: [], evidence: [], rules: [] }],
      defects: [{ type: 'black', from: 3, to: 6, reason: 'black', source: 'x' }],
    } as unknown as ReviewedReport;
    const next = applyDecision(prior, { ...ok, comment: 'ID 110101199003070012 visible', decidedAt: '2026-11-27T00:00:00.000Z' }, 2, { workflowId: 'review:x', runId: 'q' }, 'FAIL');
    assert.equal(next.verdict, 'PASS');
    assert.equal(next.revision, 2);
    assert.equal(prior.steps[0]!.verdict, 'FAIL', 'the prior revision object is not changed');
    assert.doesNotMatch(JSON.stringify(next.review), /199003070012/);
    assert.deepEqual(flagsOf(prior).map((f) => f.at), [3, 12]);
    const flagged = { ...prior, flags: [{ type: 'suspected_splice', from: 7.5, reason: 'the whole picture changes at once' }] } as ReviewedReport;
    const items = flagsOf(flagged);
    assert.deepEqual(items.map((f) => f.at), [3, 7.5, 12]);
    assert.equal(items[1]!.label, 'to look at · suspected_splice: the whole picture changes at once');
  });
});
