// The analyser's check of a value only the insurer's record knows (evidence/assemble-speech.ts checkValue):
// graded on the value after its cue, whatever the cue was heard as, over every template naming the value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkValue } from '../../evidence/assemble-speech';
import { syllableStream } from '../../speech/syllables';

const stream = (text: string) => syllableStream([{ words: [{ from: 10, to: 10 + text.length * 0.25, text }] }]);
const values = { agentName: '周晓岚', licence: '0201320102274815', company: '安和人寿' };
const NAME = ['我是{company}的{agentName}', '我是{agentName}', '我叫{agentName}'];
const LICENCE = ['执业证编号{licence}', '执业证号{licence}'];

describe('checkValue', () => {
  it('is exact for the record said, whichever template the agent used', () => {
    assert.equal(checkValue(stream('您好我叫周晓岚是安和人寿的代理人'), NAME, values, 'agentName')?.checked.expected, 'exact');
    assert.equal(checkValue(stream('我是安和人寿的周晓岚'), NAME, values, 'agentName')?.checked.expected, 'exact');
  });

  it('finds the value after a cue naming the company in its own words (明诚人寿 for the record’s full name)', () => {
    const full = { ...values, company: '明诚人寿保险股份有限公司', agentName: '王丽华' };
    const found = checkValue(stream('我是名称人秀的王立华执业证编号'), NAME, full, 'agentName');
    assert.equal(found?.checked.expected, 'exact', JSON.stringify(found?.checked));
  });

  it('grades the number alone: a misheard cue (职业政变后) with the number right is exact', () => {
    const found = checkValue(stream('职业政变后是0201320102274815'), LICENCE, values, 'licence');
    assert.equal(found?.checked.expected, 'exact');
  });

  it('is near for 竹小兰 heard for 周晓岚 (one syllable off): the audio decides', () => {
    const found = checkValue(stream('我叫竹小兰是安和人寿的代理人'), NAME, values, 'agentName');
    assert.deepEqual([found?.checked.expected, found?.checked.differs, found?.verify?.heard], ['near', 1, '我叫竹小兰']);
  });

  it('is near for a syllable or two off, with the record and the heard wording to verify at the cue', () => {
    const found = checkValue(stream('我叫周小明是安和人寿的代理人'), NAME, values, 'agentName');
    assert.equal(found?.checked.expected, 'near');
    assert.equal(found?.checked.differs, 1);
    assert.equal(found?.verify?.record, '我叫周晓岚');
    assert.equal(found?.verify?.heard, '我叫周小明');
    assert.equal(checkValue(stream('执业证编号0201320102274866'), LICENCE, values, 'licence')?.checked.expected, 'near');
  });

  it('is absent with the count of differing syllables for another number, and without a cue', () => {
    const other = checkValue(stream('执业证编号3345678901234567'), LICENCE, values, 'licence');
    assert.equal(other?.checked.expected, 'absent');
    assert.equal(other?.checked.cueHeard, true);
    assert.ok((other?.checked.differs ?? 0) >= 3);
    assert.deepEqual(checkValue(stream('今天天气很好我们开始吧'), LICENCE, values, 'licence')?.checked, { expected: 'absent', cueHeard: false });
  });
});
