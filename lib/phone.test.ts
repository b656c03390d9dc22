import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPhone, normalizePhone, storedPhone } from './phone.js';

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

test('every way of typing a number is stored in one form: national digits, or + for another country', () => {
  for (const input of ['0812-3456-7890', '0812 3456 7890', '0812.3456.7890', '(0812) 3456 7890', '+62 812-3456-7890', '6281234567890', '+62 0812 3456 7890', ' 081234567890 ']) {
    assert.equal(storedPhone(input), '081234567890', input);
  }
  assert.equal(storedPhone('+65 9123 4567'), '+6591234567');
  assert.equal(storedPhone(''), null);
  assert.equal(storedPhone('   '), null);
  assert.equal(storedPhone('0812-ABCD'), undefined, 'not a phone number: a form error');
});

test('pages show a number one way, 0812-3456-7890, whatever form a row holds', () => {
  for (const stored of ['081234567890', '6281234567890', '+62 812 3456 7890', '0812 3456 7890']) assert.equal(formatPhone(stored), '0812-3456-7890', stored);
  assert.equal(formatPhone('08123456789'), '0812-3456-789', 'the demo customers\' 11-digit numbers');
  assert.equal(formatPhone('021-5551234'), '0215551234');
  assert.equal(formatPhone('+6591234567'), '+6591234567');
  assert.equal(formatPhone('call me'), 'call me', 'text that is no number is shown as it is');
  assert.equal(formatPhone(null), '');
});
