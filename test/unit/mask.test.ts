// Personal numbers in every form they come in (#18): ASCII, full-width, spaced, dashed; hashes untouched.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { maskIdentifier, maskText } from '../../lib/mask';
import { recordingIdOf } from '../../lib/ids';

const ID = '110101199001010027';
const FULL_WIDTH_ID = '１１０１０１１９９００１０１００２７';
const PHONE = '13812345678';

/** No run of 8+ digits of `number` survives in `text`, in any form. */
function leaks(text: string, number: string): boolean {
  const digits = text.normalize('NFKC').replace(/[\s\-\u2010]/g, '');
  for (let i = 0; i + 8 <= number.length; i++) if (digits.includes(number.slice(i, i + 8))) return true;
  return false;
}

describe('masking personal numbers (lib/mask.ts)', () => {
  it('masks an ID number in ASCII, full-width, spaced and dashed forms', () => {
    for (const form of [ID, FULL_WIDTH_ID, '1101 0119 9001 0100 27', '110101-19900101-0027', '１１０１０１　１９９００１０１　００２７']) {
      const masked = maskText(`身份证号${form}。`);
      assert.ok(!leaks(masked, ID), `${form} → ${masked}`);
      assert.equal([...masked].filter((c) => c === '*').length, 10, masked);
      assert.match(masked.normalize('NFKC').replace(/[\s-]/g, ''), /1101\*{10}0027/);
    }
  });

  it('masks an ID number ending in X, and a phone number in every form', () => {
    assert.equal(maskText('11010119900101003X'), '1101**********003X');
    for (const form of [PHONE, '138 1234 5678', '138-1234-5678', '１３８１２３４５６７８']) assert.ok(!leaks(maskText(`电话${form}`), PHONE), form);
  });

  it('masks the digits of a licence number with letters', () => {
    const masked = maskText('执业证号 ZJ020132010658802');
    assert.ok(!leaks(masked, '020132010658802'));
    assert.ok(masked.startsWith('执业证号 ZJ02'));
  });

  it('leaves hashes, dates, times and short numbers whole', () => {
    const sha = '6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb';
    assert.equal(maskText(`sha256 ${sha}`), `sha256 ${sha}`);
    assert.equal(maskText('rec-cf82123456789401'), 'rec-cf82123456789401');
    assert.equal(maskText('recorded 2026-11-25T10:03:00+08:00, premium 12000, 15 days'), 'recorded 2026-11-25T10:03:00+08:00, premium 12000, 15 days');
  });

  it('an id made from a file name with a full-width ID number carries no whole number', () => {
    const id = recordingIdOf('recordings', `2026/11/张三${FULL_WIDTH_ID}.mp4`, 'etag');
    assert.ok(!leaks(id, ID), id);
  });

  it('maskIdentifier normalises first', () => {
    assert.equal(maskIdentifier('０２０１３２０１'), '02****01');
  });
});
