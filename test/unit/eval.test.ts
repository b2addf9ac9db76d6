// The eval metrics on hand-made labels and reports: CANNOT_JUDGE counts as not right and never as a false
// FAIL, defects match within ±1 s, faces are compared per second, floors catch a regression.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { documentFigures, readExactly } from '../../eval/documents';
import { belowFloors, evaluate, type EvalCase } from '../../eval/metrics';
import { maskIdentifier, maskText } from '../../lib/mask';
import { keyedHash } from '../../media/documents/fields';
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

describe('eval document figures', () => {
  const LICENCE = '0201320106588021';
  const ID = '320106196205140177';
  const KEY = 'eval-test-key';
  const labelled = [
    { type: 'agent_licence' as const, from: 10, to: 14, number: LICENCE },
    { type: 'id_card' as const, from: 16, to: 20, number: ID },
    { type: 'exclusions' as const, from: 40, to: 44 },
    { type: 'exclusions' as const, from: 50, to: 53, legible: false },
  ];
  const protectedNo = (v: string, extra: object = {}) => ({ masked: v === ID ? maskText(v) : maskIdentifier(v), hash: keyedHash(v, KEY), ...extra });

  it('matches one to one by type and overlap, times within ±1 s, numbers by keyed hash', () => {
    const f = documentFigures(
      [
        {
          labelled,
          reported: [
            { type: 'agent_licence', from: 10.25, to: 13.5, legible: true, fields: { licenceNo: protectedNo(LICENCE) } },
            // one digit wrong: same mask, different hash
            { type: 'id_card', from: 16.5, to: 21.5, legible: true, fields: { idNumber: protectedNo('320106196205140187', { valid: false }) } },
            { type: 'exclusions', from: 40, to: 44, legible: true },
            { type: 'exclusions', from: 41, to: 43, legible: true }, // a second report of the same showing: not matched twice
            { type: 'other', from: 50, to: 53, legible: false }, // unreadable: not on the timeline
          ],
        },
      ],
      { hashKey: KEY },
    );
    assert.deepEqual([f.labelled, f.reported, f.matched, f.precision, f.recall], [4, 4, 3, 0.75, 0.75]);
    assert.deepEqual([f.timed, f.timingWithinTolerance], [2, 0.6667]); // the ID card ends 1.5 s late
    assert.deepEqual(f.numbers, { legible: 2, exact: 1, rate: 0.5, basis: 'keyed hash' });
  });

  it('without a key compares the masked form, and an ID number must carry a valid check character', () => {
    assert.equal(readExactly(LICENCE, { masked: maskIdentifier(LICENCE) }, 'agent_licence'), true);
    assert.equal(readExactly(LICENCE, { masked: maskIdentifier('0201320106588022') }, 'agent_licence'), false);
    assert.equal(readExactly(ID, { masked: maskText(ID), valid: true }, 'id_card'), true);
    assert.equal(readExactly(ID, { masked: maskText(ID), valid: false }, 'id_card'), false);
    assert.equal(readExactly(ID, undefined, 'id_card'), false);
  });

  it('floors on document timing and numbers', () => {
    const cases: EvalCase[] = [
      {
        name: 'd',
        labels: labels({}, { documents: labelled.slice(0, 1) }),
        report: report({}),
        documentShowings: [{ type: 'agent_licence', from: 12, to: 14, legible: true, fields: { licenceNo: protectedNo(LICENCE) } }],
      },
    ];
    const f = evaluate(cases, 1, { hashKey: KEY });
    assert.deepEqual([f.documents.recall, f.documents.timingWithinTolerance, f.documents.numbers.rate], [1, 0, 1]);
    assert.deepEqual(belowFloors(f, { documentTiming: 0.9, documentNumbers: 0.9 }), ['document times within ±1 s 0 < 0.9']);
  });
});
