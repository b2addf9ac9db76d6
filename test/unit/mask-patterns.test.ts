// Masking of personal numbers (lib/mask.ts), exactly: which numbers are masked, how much of each is kept, and
// what is left alone. A weaker pattern (a number of 8 or 9 digits let through, an ID's check character X not
// recognised, more or fewer digits kept) changes one of these strings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskDeep, maskIdentifier, maskText } from '../../lib/mask';

describe('maskText', () => {
  it('an 18-character resident ID keeps its region prefix and last four, X check character included', () => {
    assert.equal(maskText('身份证 110105194912310021 已核对'), '身份证 1101**********0021 已核对');
    assert.equal(maskText('ID 11010519491231002X.'), 'ID 1101**********002X.');
    assert.equal(maskText('id:11010519491231002x'), 'id:1101**********002x');
  });

  it('any other run of 8 or more digits keeps its first two and last two', () => {
    assert.equal(maskText('执业证 12345678'), '执业证 12****78');
    assert.equal(maskText('tel 138001380001'), 'tel 13********01');
    assert.equal(maskText('123456789'), '12*****89');
    assert.equal(maskText('card 6222020200112233445'), 'card 62***************45');
  });

  it('an ID-length run after a letter is still an ID (file names: P110…); 7 digits and fewer are left alone', () => {
    assert.equal(maskText('x110105194912310021'), 'x1101**********0021');
    assert.equal(maskText('1234567 and 2026-11-25 10:03:00, 50.5 s'), '1234567 and 2026-11-25 10:03:00, 50.5 s');
  });

  it('masks every number in a text, each on its own', () => {
    assert.equal(maskText('12345678/87654321'), '12****78/87****21');
  });
});

describe('maskIdentifier and maskDeep', () => {
  it('an identifier keeps two characters at each end; four or fewer are masked whole', () => {
    assert.equal(maskIdentifier('A1234567890B'), 'A1********0B');
    assert.equal(maskIdentifier('ABCDE'), 'AB*DE');
    assert.equal(maskIdentifier('ABCD'), '****');
    assert.equal(maskIdentifier('AB'), '**');
  });

  it('maskDeep masks every string except the values of kept keys', () => {
    const value = { note: 'ID 110105194912310021', frames: ['a 12345678'], key: 'rec-1234567890abcdef', n: 12345678 };
    assert.deepEqual(maskDeep(value, new Set(['key'])), { note: 'ID 1101**********0021', frames: ['a 12****78'], key: 'rec-1234567890abcdef', n: 12345678 });
  });
});
