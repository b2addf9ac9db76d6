// Character error rate of transcripts (eval/cer.ts) and the robustness figures per audio condition
// (eval/robustness.ts) on hand-made labels and reports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cerText, characterErrorRate, pooledCer, timelineText } from '../../eval/cer';
import { evaluate, type EvalCase } from '../../eval/metrics';
import { formatCer } from '../../eval/format';
import { belowRobustnessFloors, falseFails, figuresByCondition } from '../../eval/robustness';
import type { Labels, StepId, Verdict } from '../../lib/labelled';
import type { Report } from '../../report/types';

function evalCase(name: string, said: string[], heard: string[], steps: Partial<Record<StepId, [Verdict, Verdict]>>, condition?: string): EvalCase {
  const spans = (texts: string[], step = false) =>
    texts.map((text, i) => ({ from: i * 5, to: i * 5 + 4, text, ...(step ? { step: 'explanation' as const } : {}) }));
  const labels: Labels = {
    version: 1,
    steps: Object.fromEntries(Object.entries(steps).map(([id, [want]]) => [id, want])),
    faces: [],
    documents: [],
    speech: spans(said, true),
    defects: [],
  };
  const report = {
    verdict: 'PASS',
    steps: Object.entries(steps).map(([id, [, got]]) => ({
      id,
      verdict: got,
      reasons: [],
      rules: got === 'FAIL' ? [{ ruleId: 'EXPL-COOLING', verdict: 'FAIL', reason: '犹豫期 not said' }] : [],
    })),
    faces: [],
    documents: [],
    speech: spans(heard, true),
    defects: [],
  } as unknown as Report;
  return { name, labels, report, ...(condition ? { condition } : {}) };
}

describe('character error rate', () => {
  it('normalises: simplified characters, numbers spoken, punctuation and spaces gone, masks kept', () => {
    assert.equal(cerText('猶豫期為 15 天，期內退保。'), '犹豫期为十五天期内退保');
    assert.equal(cerText('执业证编号0201320106588021。'), '执业证编号零二零一三二零一零六五八八零二一');
    assert.equal(cerText('执业证编号零二零一*********零二一'), '执业证编号零二零一*********零二一');
  });

  it('counts edits over the reference characters; masked digits count as substitutions', () => {
    assert.deepEqual(characterErrorRate('犹豫期为十五天', '犹豫期为十五天'), { edits: 0, referenceChars: 7, cer: 0 });
    assert.deepEqual(characterErrorRate('犹豫期为十五天', '由于期为十五天'), { edits: 2, referenceChars: 7, cer: 0.2857 });
    const masked = characterErrorRate(cerText('编号0201320106588021'), cerText('编号零二零一*********零二一'));
    assert.equal(masked.edits, 9);
    assert.equal(characterErrorRate('', '多余').cer, null);
    assert.deepEqual(pooledCer([masked, { edits: 1, referenceChars: 2, cer: 0.5 }]), { edits: 10, referenceChars: 20, cer: 0.5 });
  });

  it('a timeline is read in time order, whatever order its spans come in', () => {
    assert.equal(timelineText([{ from: 3, text: '十五天。' }, { from: 1, text: '犹豫期为' }]), '犹豫期为十五天');
  });

  it('eval reports CER per case and pooled, and prints it', () => {
    const f = evaluate([evalCase('a', ['犹豫期为十五天'], ['由于期为十五天'], {}), evalCase('b', ['同意'], ['同意'], {})]);
    assert.deepEqual(f.perCase.map((c) => c.cer.edits), [2, 0]);
    assert.deepEqual(f.speechCer, { edits: 2, referenceChars: 9, cer: 0.2222 });
    const text = formatCer(f).join('\n');
    assert.match(text, /^a\s+28\.6%/m);
    assert.match(text, /^all \(pooled\)\s+22\.2%/m);
  });
});

describe('robustness figures per condition', () => {
  const cases = [
    evalCase('compliant_onsite', ['犹豫期为十五天'], ['犹豫期为十五天'], { explanation: ['PASS', 'PASS'] }),
    evalCase('noisy_0db', ['犹豫期为十五天'], [], { explanation: ['PASS', 'CANNOT_JUDGE'] }, 'noisy_0db'),
    evalCase('robotic', ['犹豫期为十五天'], ['犹豫'], { explanation: ['PASS', 'FAIL'] }, 'robotic'),
  ];

  it('groups by condition (no side-file: clean) and finds each group\'s false FAILs', () => {
    const by = figuresByCondition(cases);
    assert.deepEqual([...by.keys()].sort(), ['clean', 'noisy_0db', 'robotic']);
    assert.equal(by.get('noisy_0db')?.steps.find((s) => s.step === 'explanation')?.falseFailRate, 0);
    assert.equal(by.get('robotic')?.steps.find((s) => s.step === 'explanation')?.falseFailRate, 1);
    assert.deepEqual(falseFails(cases), ['robotic explanation FAIL — EXPL-COOLING: 犹豫期 not said']);
  });

  it('floors per condition: a false FAIL, a low recall and a condition without cases are each named', () => {
    const below = belowRobustnessFloors(figuresByCondition(cases), {
      conditions: { noisy_0db: { maxFalseFailRate: 0, statementRecall: 0.5 }, robotic: { maxFalseFailRate: 0 }, noisy_20db: { maxFalseFailRate: 0 } },
    });
    assert.deepEqual(below, [
      'noisy_0db: statements recall 0 < 0.5',
      'robotic: explanation false-FAIL rate 1 > 0',
      'noisy_20db: no case of this condition was evaluated',
    ]);
  });
});
