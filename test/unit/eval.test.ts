// The eval metrics on hand-made labels and reports: CANNOT_JUDGE counts as not right and never as a false
// FAIL, defects match within ±1 s, faces are compared per second, floors catch a regression.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { belowFloors, evaluate, type EvalCase } from '../../eval/metrics';
import type { Labels, StepId, Verdict } from '../../lib/labelled';
import type { Report } from '../../report/types';

function report(steps: Partial<Record<StepId, Verdict>>, extra: Partial<Report> = {}): Report {
  return {
    steps: Object.entries(steps).map(([id, verdict]) => ({ id, title: id, verdict, reasons: [], evidence: [], rules: [] })),
    verdict: Object.values(steps).includes('FAIL') ? 'FAIL' : Object.values(steps).includes('CANNOT_JUDGE') ? 'CANNOT_JUDGE' : 'PASS',
    faces: [],
    documents: [],
    speech: [],
    defects: [],
    ...extra,
  } as unknown as Report;
}

function labels(steps: Labels['steps'], extra: Partial<Labels> = {}): Labels {
  return { version: 1, steps, faces: [], documents: [], speech: [], defects: [], ...extra };
}

describe('eval metrics', () => {
  const cases: EvalCase[] = [
    { name: 'a', labels: labels({ continuity: 'PASS', coframing: 'PASS' }), report: report({ continuity: 'PASS', coframing: 'CANNOT_JUDGE' }) },
    {
      name: 'b',
      labels: labels({ continuity: 'FAIL', coframing: 'PASS' }, { defects: [{ type: 'cut', at: 50 }], faces: [{ from: 0, to: 10, count: 2 }] }),
      report: report({ continuity: 'FAIL', coframing: 'PASS' }, { media: { video: {} }, defects: [{ type: 'cut', at: 50.4, reason: 'r' }], faces: [{ from: 0, to: 9, count: 2 }, { from: 9, to: 10, count: 1 }] } as Partial<Report>),
    },
    { name: 'c', labels: labels({ continuity: 'PASS' }, { defects: [] }), report: report({ continuity: 'FAIL' }, { defects: [{ type: 'black', from: 3, to: 6, reason: 'r' }] } as Partial<Report>) },
  ];
  const f = evaluate(cases);
  const step = (id: string) => f.steps.find((s) => s.step === id)!;

  it('counts CANNOT_JUDGE as not right, and not as a false FAIL', () => {
    assert.equal(step('coframing').accuracy, 0.5);
    assert.equal(step('coframing').cannotJudgeRate, 0.5);
    assert.equal(step('coframing').falseFailRate, 0);
  });

  it('measures FAIL recall and the false-FAIL rate', () => {
    assert.equal(step('continuity').failRecall, 1);
    assert.equal(step('continuity').falseFailRate, 0.5);
    assert.equal(step('continuity').accuracy, 0.6667);
  });

  it('matches defects within ±1 s and reports timing error, precision and recall per type', () => {
    const cut = f.defects.find((d) => d.type === 'cut')!;
    assert.deepEqual([cut.matched, cut.precision, cut.recall, cut.meanTimingErrorS], [1, 1, 1, 0.4]);
    const black = f.defects.find((d) => d.type === 'black')!;
    assert.equal(black.precision, 0);
    assert.equal(black.recall, null);
  });

  it('compares face counts second by second', () => {
    assert.deepEqual(f.facesPerSecond, { seconds: 10, correct: 9, accuracy: 0.9, undecodableSeconds: 0 });
  });

  it('reports what falls below the floors', () => {
    const below = belowFloors(f, { steps: { continuity: 0.9 }, facesPerSecond: 0.98, maxFalseFailRate: 0 });
    assert.equal(below.length, 4, below.join('; ')); // continuity, its false FAILs and the overall verdict's, faces
    assert.deepEqual(belowFloors(f, { steps: { continuity: 0.5 } }), []);
  });
});
