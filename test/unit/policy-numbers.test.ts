// The policy's numbers: parsed from pinyin (so 15, 十五 and 是五 are one number), found next to their
// terms whatever the wording, and judged by value — a differing number FAILs only when the audio prefers it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPolicyNumber } from '../../evidence/policy-numbers';
import { numbersNearTerms, parseSpokenNumber } from '../../speech/numbers';
import { pinyinOf, syllableStream } from '../../speech/syllables';

const streamOf = (text: string) => syllableStream([{ words: [{ from: 10, to: 10 + [...text].length * 0.2, text }] }]);
const COOLING = { name: 'coolingOffDays' as const, near: ['犹豫期', '冷静期', '犹豫期间'], units: ['天', '日'], maxGap: 6 };
const PREMIUM = { name: 'premium' as const, near: ['保费', '保险费', '年交', '每年交', '交费', '缴费', '交'], units: ['元', '块'], maxGap: 6 };
const YEARS = { name: 'paymentYears' as const, near: ['交费期', '交费期间', '缴费期', '缴费期间', '交费', '缴费', '交'], units: ['年'], maxGap: 4 };

describe('spoken numbers', () => {
  it('parses amounts as said, in characters or digits', () => {
    const cases: [string, number | null][] = [
      ['十五', 15],
      ['二十', 20],
      ['八千六百', 8600],
      ['八千六', 8600],
      ['一万五千', 15000],
      ['一万五', 15000],
      ['一点五万', 15000],
      ['两万', 20000],
      ['一千零五', 1005],
      ['五五', null],
      ['万', null],
    ];
    for (const [text, want] of cases) assert.equal(parseSpokenNumber(pinyinOf(text)), want, text);
  });

  it('finds the number with its unit next to a term in other insurers’ wordings', () => {
    const values = (text: string, spec: typeof COOLING | typeof PREMIUM | typeof YEARS) => numbersNearTerms(streamOf(text), spec).map((n) => n.value);
    assert.deepEqual(values('自您签收保单的次日起，有十五天的犹豫期。在犹豫期内退保只扣除不超过十元的工本费。', COOLING), [15]);
    assert.deepEqual(values('合同签收后有15天冷静期', COOLING), [15]);
    assert.deepEqual(values('犹豫期，也叫冷静期，为十五日', COOLING), [15]);
    assert.deepEqual(values('您每年交五千二百元，交二十年，保险期间三十年。', PREMIUM), [5200]);
    assert.deepEqual(values('您每年交五千二百元，交二十年，保险期间三十年。', YEARS), [20]);
    assert.deepEqual(values('年交保费1.5万元，交费期间3年', PREMIUM), [15000]);
    // The term's own years (保险期间) are not the payment years.
    assert.deepEqual(values('保险期间十五年', YEARS), []);
    // 期 (qi) ending the term is not 七: 交费期十年 is 10, not 70.
    assert.deepEqual(values('交费期十年', YEARS), [10]);
  });
});

describe('checkPolicyNumber', () => {
  it('is exact when the record’s number is said, by value', () => {
    assert.equal(checkPolicyNumber(streamOf('有15天的犹豫期'), COOLING, 15).checked.expected, 'exact');
  });
  it('gives the audio both texts when another number is heard', () => {
    const found = checkPolicyNumber(streamOf('犹豫期为十天'), COOLING, 15);
    assert.equal(found.checked.expected, 'near');
    assert.equal(found.checked.heardValue, 10);
    assert.deepEqual(found.verify && { record: found.verify.record, heard: found.verify.heard }, { record: '犹豫期为十五天', heard: '犹豫期为十天' });
  });
  it('is absent when no number with the unit is near a term', () => {
    assert.equal(checkPolicyNumber(streamOf('犹豫期内可以退保'), COOLING, 15).checked.expected, 'absent');
  });
});
