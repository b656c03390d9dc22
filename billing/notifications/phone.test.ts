import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePhone } from './phone.js';

test('Indonesian numbers in every common form become 62… digits', () => {
  for (const input of ['081234567890', '0812-3456-7890', '0812 3456 7890', '+6281234567890', '+62 812-3456-7890', '6281234567890', '006281234567890', '81234567890', '+62 0812 3456 7890', '(0812) 3456.7890']) {
    assert.equal(normalizePhone(input), '6281234567890', input);
  }
});

test('Jakarta landline and short mobile numbers', () => {
  assert.equal(normalizePhone('021-5551234'), '62215551234');
  assert.equal(normalizePhone('0811234567'), '62811234567');
});

test('numbers of another country keep their country code', () => {
  assert.equal(normalizePhone('+65 9123 4567'), '6591234567');
  assert.equal(normalizePhone('0065 9123 4567'), '6591234567');
});

test('what cannot be a phone number is null', () => {
  for (const input of [null, undefined, '', '   ', '12345', 'abc', '0812-ABCD-7890', '+62', '0812345', '+6200000000', '0812345678901234', '+1234567890123456', '5551234']) {
    assert.equal(normalizePhone(input), null, String(input));
  }
});
