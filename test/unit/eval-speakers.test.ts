// Speaker and delivery figures (eval/speakers.ts): turns per speech second, 代答 and delivery precision/recall.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { belowSpeakerFloors, speakerCasesOfEval, speakerFigures, speakerTable, type SpeakerCase } from '../../eval/speakers';
import type { EvalCase } from '../../eval/metrics';
import type { Labels } from '../../lib/labelled';
import type { SpeakerTurn } from '../../speech/speaker/turns';

const turn = (from: number, to: number, speaker: SpeakerTurn['speaker']): SpeakerTurn => ({ from, to, region: 0, speaker, source: 'voice', simAgent: null, simCustomer: null, margin: null, agentZ: null });
const labels = (speech: Labels['speech']): Labels => ({ version: 1, steps: {}, faces: [], documents: [], speech, defects: [] }) as unknown as Labels;

const proxyCase: SpeakerCase = {
  name: 'p',
  type: 'speaker:proxy',
  voices: 'voices:distinct',
  labels: labels([
    { from: 0, to: 4, speaker: 'agent', text: '以上内容您是否清楚' },
    { from: 5, to: 6, speaker: 'agent', text: '是的我是本人', proxy: true },
    { from: 7, to: 8, speaker: 'customer', text: '明白' },
  ]),
  turns: [turn(0, 4, 'agent'), turn(5, 6, 'agent'), turn(7, 7.5, 'uncertain'), turn(7.5, 8, 'agent')],
  outcomes: [{ ruleId: 'CUST-CONFIRMS', verdict: 'FAIL', reason: 'x: 代答 — the reply', evidence: [{ from: 5, to: 6 }] }],
};

describe('speaker figures', () => {
  it('shares labelled speech seconds out as right, uncertain and wrong; counts a 代答 FAIL on the proxied answer', () => {
    const f = speakerFigures('g', [proxyCase]);
    assert.equal(f.turns.seconds, 6);
    assert.equal(f.turns.right, 0.8333);
    assert.equal(f.turns.uncertain, 0.0833);
    assert.equal(f.turns.wrong, 0.0833);
    assert.deepEqual(f.proxy, { recall: { hit: 1, of: 1 }, precision: { hit: 1, of: 1 } });
  });

  it('counts a delivery FAIL away from the labelled statement against precision, and a missed one against recall', () => {
    const c: SpeakerCase = {
      ...proxyCase,
      type: 'delivery:fast',
      labels: labels([{ from: 10, to: 12, speaker: 'agent', text: '退保有损失', delivery: 'fast' }]),
      outcomes: [{ ruleId: 'EXPL-COOLING-RATE', verdict: 'FAIL', reason: 'fast', evidence: [{ from: 20, to: 22 }] }],
    };
    const f = speakerFigures('g', [c]);
    assert.deepEqual(f.rate, { recall: { hit: 0, of: 1 }, precision: { hit: 0, of: 1 } });
  });

  it('groups by case type and voices and checks floors', () => {
    const rows = speakerTable([proxyCase]);
    assert.deepEqual(rows.map((r) => r.group), ['case:speaker:proxy', 'voices:distinct', 'all']);
    assert.deepEqual(belowSpeakerFloors(rows, { _note: {}, all: { wrongMax: 0.1, proxyRecall: 1 } }), []);
    assert.deepEqual(belowSpeakerFloors(rows, { all: { right: 0.9 } }), ['all right 0.8333 < 0.9']);
  });
});

describe('speaker figures inside dualqa eval', () => {
  /** An eval case as run.ts / stored.ts build it: the report's voices and steps, the side-file's styles. */
  const evalCase = (name: string, styles: string[], l: Labels): EvalCase =>
    ({
      name,
      labels: l,
      variety: { set: 'ours', styles },
      report: { voices: proxyCase.turns, steps: [{ id: 'customer_identity', rules: proxyCase.outcomes }] },
    }) as unknown as EvalCase;

  it('takes the cases with speaker labels (a voices: tag, a labelled 代答 or delivery) and their turns and rules from the report', () => {
    const cases = speakerCasesOfEval([
      evalCase('p', ['case:speaker:proxy', 'voices:distinct'], proxyCase.labels),
      evalCase('fast', ['layout:onsite'], labels([{ from: 10, to: 12, speaker: 'agent', text: '退保有损失', delivery: 'fast' }])),
      evalCase('plain', ['layout:onsite', 'voice:shifted'], labels([{ from: 0, to: 4, speaker: 'agent', text: '您好' }])),
    ]);
    assert.deepEqual(cases.map((c) => [c.name, c.type, c.voices]), [['p', 'speaker:proxy', 'voices:distinct'], ['fast', 'compliant', undefined]]);
    assert.deepEqual(speakerFigures('g', cases.slice(0, 1)), speakerFigures('g', [proxyCase]));
  });
});

