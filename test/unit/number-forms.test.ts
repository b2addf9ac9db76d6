// The privacy test's number matcher: it must find every planted form (or the privacy test could pass on a
// leak), and find nothing once lib/mask.ts has masked the form.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskText } from '../../lib/mask';
import { findNumber, formsOf } from '../helpers/number-forms';

const ID = '11010519491231002X';
const allForms = (n: string): string[] => Object.values<string>({ ...formsOf(n) });
const PHONE = '13812345678';

describe('number forms and their matcher', () => {
  it('writes an ID and a phone number in ASCII, full-width, spaced, dashed and digit by digit', () => {
    assert.deepEqual(formsOf(PHONE), {
      ascii: PHONE,
      fullWidth: '１３８１２３４５６７８',
      spaced: '138 1234 5678',
      dashed: '138-1234-5678',
      fullWidthSpaced: '１３８\u3000１２３４\u3000５６７８',
      digitBydigit: '1 3 8 1 2 3 4 5 6 7 8',
    });
    assert.equal(formsOf(ID).spaced, '110105 19491231 002X');
    assert.equal(formsOf(ID).fullWidth, '１１０１０５１９４９１２３１００２Ｘ');
  });

  it('finds each form inside text, URL-encoded and as HTML character references', () => {
    for (const number of [ID, PHONE]) {
      for (const form of allForms(number)) {
        assert.ok(findNumber(`客户 ${form} 电话`, number), form);
        assert.ok(findNumber(`/r/${encodeURIComponent(form)}`, number), `encoded ${form}`);
        assert.ok(findNumber([...form].map((c) => `&#${c.codePointAt(0)};`).join(''), number), `entities ${form}`);
      }
    }
    assert.ok(findNumber('11010519491231002x', ID), 'a lower-case check character');
    assert.ok(findNumber('电话幺三八，一二三四，五六七八', PHONE), 'read out in Chinese digits');
    assert.ok(findNumber('一一〇一〇五一九四九一二三一〇〇二X', ID), 'an ID read out');
  });

  it('finds nothing in a masked form, nor in other digits', () => {
    for (const number of [ID, PHONE]) {
      for (const form of allForms(number)) {
        assert.equal(findNumber(maskText(`file ${form}.mp4`), number), null, `${form} → ${maskText(form)}`);
      }
    }
    assert.equal(findNumber('1381234567', PHONE), null);
    assert.equal(findNumber('138 1234 5679', PHONE), null);
  });
});
