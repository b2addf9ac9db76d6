// Statements as concepts: the same 退保损失 said in other words is found, a negated one is not, terms too
// far apart or out of the required order are not one statement, and recogniser homophones still count.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { findConcept, type Concept } from '../../speech/concept';
import { syllableStream } from '../../speech/syllables';
import { segmentsOf } from '../helpers/speech-evidence';

const surrender: Concept = {
  all: [
    ['退保', '解除合同', '退掉'],
    ['损失', '亏损', '扣除费用', '退还现金价值'],
  ],
  ordered: false,
  maxGap: 10,
  negations: ['不会有', '没有', '不会', '无', '不'],
  minTermReadRate: 0.8,
};

const heard = (text: string) => syllableStream(segmentsOf([[10, 10 + text.length * 0.25, text]]));

describe('statements as concepts (speech/concept.ts)', () => {
  for (const text of ['退保的话会损失一部分', '提前退保会有损失', '如果您中途解除合同，只能退还现金价值', '犹豫期过后退掉的话会有一定的亏损']) {
    it(`finds 退保损失 in “${text}”`, () => {
      const m = findConcept(heard(text), surrender);
      assert.ok(m, text);
      assert.equal(m.terms.length, 2);
      assert.ok(m.readRate >= 0.8);
      assert.ok(m.from >= 10 && m.to <= 10 + text.length * 0.25 + 1e-9);
    });
  }

  it('finds it through recogniser slips (推保 for 退保, a folded 损斯 for 损失)', () => {
    const m = findConcept(heard('提前推保会有损斯'), surrender);
    assert.ok(m);
    assert.ok(m.readRate < 1 && m.readRate >= 0.8, 'a folded slip (shi ~ si) lowers the read-rate but still counts');
  });

  for (const text of ['退保不会有任何损失', '退保没有损失', '保费按年交纳，没有其他费用']) {
    it(`does not find it in “${text}” (negated or absent)`, () => {
      assert.equal(findConcept(heard(text), surrender), null);
    });
  }

  it('keeps a loss that a distant 不 does not negate', () => {
    assert.ok(findConcept(heard('退保不划算，会有损失'), surrender));
  });

  it('terms farther apart than maxGap are not one statement', () => {
    const text = '我们先说退保的问题，然后再介绍一下产品的保障范围和交费方式，最后说损失';
    assert.equal(findConcept(heard(text), surrender), null);
    assert.ok(findConcept(heard(text), { ...surrender, maxGap: 40 }));
  });

  it('ordered concepts need the groups in order', () => {
    const ordered: Concept = { ...surrender, ordered: true };
    assert.ok(findConcept(heard('退保会有损失'), ordered));
    assert.equal(findConcept(heard('损失是因为退保'), ordered), null);
    assert.ok(findConcept(heard('损失是因为退保'), surrender));
  });

  it('a placeholder term takes the sidecar value, and matches any words without one', () => {
    const intro: Concept = { all: [['我是'], ['{agentName}']], ordered: true, maxGap: 8, negations: [], minTermReadRate: 0.8 };
    assert.ok(findConcept(heard('您好我是安和人寿的李明'), intro, { agentName: '李明' }));
    assert.equal(findConcept(heard('您好我是安和人寿的王强'), intro, { agentName: '李明' }), null);
    assert.ok(findConcept(heard('您好我是安和人寿的王强'), intro), 'no name in the sidecar: any name will do');
  });
});
