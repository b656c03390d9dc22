/** Voucher codes: uniform over an alphabet without look-alikes, case-insensitive to type. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikeVoucherCode, normalizeVoucherCode, randomVoucherCode, VOUCHER_ALPHABET } from './voucher-code.js';

test('the alphabet has no look-alikes (0/O, 1/l/I) and no lower case: 32 characters', () => {
  assert.equal(VOUCHER_ALPHABET.length, 32);
  assert.equal(new Set(VOUCHER_ALPHABET).size, 32);
  for (const ch of '0O1lIo') assert.equal(VOUCHER_ALPHABET.includes(ch), false, ch);
  assert.match(VOUCHER_ALPHABET, /^[A-Z2-9]+$/);
});

test('codes have the asked length, use only the alphabet and every character of it', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const code = randomVoucherCode(10);
    assert.equal(code.length, 10);
    assert.ok(looksLikeVoucherCode(code), code);
    for (const ch of code) seen.add(ch);
  }
  assert.equal(seen.size, VOUCHER_ALPHABET.length, 'every character is drawn');
  assert.equal(randomVoucherCode().length, 8, 'default length');
});

test('a uniform draw: no character is far from its expected share', () => {
  const counts = new Map<string, number>();
  const n = 64_000;
  for (const ch of randomVoucherCode(n)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const expected = n / VOUCHER_ALPHABET.length;
  for (const ch of VOUCHER_ALPHABET) {
    const c = counts.get(ch) ?? 0;
    assert.ok(Math.abs(c - expected) < expected * 0.15, `${ch}: ${c} vs ${expected}`);
  }
});

test('what a guest types is normalized to the code', () => {
  assert.equal(normalizeVoucherCode(' abcd-ef23 '), 'ABCDEF23');
  assert.equal(normalizeVoucherCode('AB CD EF 23'), 'ABCDEF23');
  assert.equal(looksLikeVoucherCode('ABCDEF23'), true);
  assert.equal(looksLikeVoucherCode('ABC0EF23'), false, 'a zero is never in a code');
  assert.equal(looksLikeVoucherCode('ABC'), false, 'too short');
});
