/**
 * Integer rupiah: Indonesian formatting, proration and basis points rounded half up without
 * ever leaving integers.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRupiah, basisPoints, formatRupiah, prorate } from './money.js';

describe('formatRupiah', () => {
  test('dots between thousands, "Rp " in front', () => {
    assert.equal(formatRupiah(150000), 'Rp 150.000');
    assert.equal(formatRupiah(1_234_567_890), 'Rp 1.234.567.890');
    assert.equal(formatRupiah(999), 'Rp 999');
    assert.equal(formatRupiah(1000), 'Rp 1.000');
  });

  test('zero', () => {
    assert.equal(formatRupiah(0), 'Rp 0');
  });

  test('negative amounts put the sign before Rp', () => {
    assert.equal(formatRupiah(-5000), '-Rp 5.000');
    assert.equal(formatRupiah(-150000), '-Rp 150.000');
  });

  test('the largest safe integer is formatted exactly', () => {
    assert.equal(formatRupiah(Number.MAX_SAFE_INTEGER), 'Rp 9.007.199.254.740.991');
  });

  test('non-integers and unsafe integers throw RangeError', () => {
    for (const bad of [1.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1]) {
      assert.throws(() => formatRupiah(bad), RangeError, String(bad));
    }
  });
});

describe('assertRupiah', () => {
  test('returns a safe integer unchanged and throws otherwise', () => {
    assert.equal(assertRupiah(-42), -42);
    assert.throws(() => assertRupiah(42.01), RangeError);
  });
});

describe('prorate', () => {
  test('price × days used / days in period', () => {
    assert.equal(prorate(150_000, 10, 30), 50_000);
    assert.equal(prorate(150_000, 30, 30), 150_000);
    assert.equal(prorate(150_000, 0, 30), 0);
  });

  test('rounds half up, and otherwise to the nearest rupiah', () => {
    assert.equal(prorate(5, 1, 2), 3, '2.5 → 3');
    assert.equal(prorate(7, 1, 2), 4, '3.5 → 4');
    assert.equal(prorate(100, 1, 3), 33, '33.33 → 33');
    assert.equal(prorate(100, 2, 3), 67, '66.67 → 67');
    assert.equal(prorate(150_000, 17, 31), 82_258, '82258.06 → 82258');
    assert.equal(prorate(1, 1, 2), 1, '0.5 → 1');
    assert.equal(prorate(1, 1, 3), 0, '0.33 → 0');
  });

  test('negative amounts round symmetrically (half away from zero)', () => {
    assert.equal(prorate(-5, 1, 2), -3);
    assert.equal(prorate(-100, 1, 3), -33);
    assert.equal(prorate(-100, 2, 3), -67);
    assert.equal(prorate(5, -1, 2), -3, 'a negative numerator too');
  });

  test('stays exact where floating point would not (amount × numerator above 2^53)', () => {
    assert.equal(prorate(Number.MAX_SAFE_INTEGER, 3, 3), Number.MAX_SAFE_INTEGER);
    assert.equal(prorate(9_007_199_254_740_000, 7, 7), 9_007_199_254_740_000);
  });

  test('a zero or negative denominator, or non-integer input, throws RangeError', () => {
    assert.throws(() => prorate(150_000, 1, 0), RangeError);
    assert.throws(() => prorate(150_000, 1, -30), RangeError);
    assert.throws(() => prorate(150_000, 1.5, 30), RangeError);
    assert.throws(() => prorate(150_000, 1, 30.5), RangeError);
    assert.throws(() => prorate(150_000.5, 1, 30), RangeError);
  });
});

describe('basisPoints', () => {
  test('11 % PPN of Rp 150.000 is Rp 16.500', () => {
    assert.equal(basisPoints(150000, 1100), 16500);
  });

  test('rounded half up in integers', () => {
    assert.equal(basisPoints(99, 1100), 11, '10.89 → 11');
    assert.equal(basisPoints(1, 5000), 1, '0.5 → 1');
    assert.equal(basisPoints(1, 4999), 0, '0.4999 → 0');
    assert.equal(basisPoints(150_000, 0), 0);
    assert.equal(basisPoints(150_000, 10_000), 150_000);
  });

  test('throws RangeError on a non-integer amount or rate', () => {
    assert.throws(() => basisPoints(100.5, 1100), RangeError);
    assert.throws(() => basisPoints(100, 11.5), RangeError);
  });
});
