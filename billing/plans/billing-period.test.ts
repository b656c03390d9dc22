/**
 * Billing periods in the ISP's time zone: monthly anchor days, quarterly and yearly cycles counted
 * from the start month, back-to-back `days` cycles, and localDate around midnight.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { localDate, periodContaining } from './billing-period.js';

describe('monthly', () => {
  const monthly = (today: string, anchor: number, start = '2026-01-10') => periodContaining(today, 'monthly', anchor, start);

  test('before, on and after the anchor day', () => {
    assert.deepEqual(monthly('2026-03-14', 15), { start: '2026-02-15', end: '2026-03-15' });
    assert.deepEqual(monthly('2026-03-15', 15), { start: '2026-03-15', end: '2026-04-15' });
    assert.deepEqual(monthly('2026-03-16', 15), { start: '2026-03-15', end: '2026-04-15' });
  });

  test('anchor day 1: the calendar month, including its last day', () => {
    assert.deepEqual(monthly('2026-01-31', 1), { start: '2026-01-01', end: '2026-02-01' });
    assert.deepEqual(monthly('2026-02-01', 1), { start: '2026-02-01', end: '2026-03-01' });
    assert.deepEqual(monthly('2026-04-30', 1), { start: '2026-04-01', end: '2026-05-01' });
  });

  test('anchor day 28 across February (short month) and a 31-day month', () => {
    assert.deepEqual(monthly('2026-02-27', 28), { start: '2026-01-28', end: '2026-02-28' });
    assert.deepEqual(monthly('2026-02-28', 28), { start: '2026-02-28', end: '2026-03-28' });
    assert.deepEqual(monthly('2026-03-31', 28), { start: '2026-03-28', end: '2026-04-28' });
    assert.deepEqual(monthly('2028-02-29', 28, '2028-01-01'), { start: '2028-02-28', end: '2028-03-28' });
  });

  test('December → January', () => {
    assert.deepEqual(monthly('2026-12-20', 10), { start: '2026-12-10', end: '2027-01-10' });
    assert.deepEqual(monthly('2027-01-05', 10), { start: '2026-12-10', end: '2027-01-10' });
    assert.deepEqual(monthly('2027-01-10', 10), { start: '2027-01-10', end: '2027-02-10' });
  });

  test('the start date only anchors the month count: monthly periods do not depend on it', () => {
    assert.deepEqual(monthly('2026-07-20', 5, '2024-11-30'), { start: '2026-07-05', end: '2026-08-05' });
    assert.deepEqual(monthly('2026-07-20', 5, '2026-07-19'), { start: '2026-07-05', end: '2026-08-05' });
  });
});

describe('quarterly and yearly, counted from the start month', () => {
  test('quarterly from February: Feb–May, May–Aug, Aug–Nov, Nov–Feb', () => {
    const q = (today: string) => periodContaining(today, 'quarterly', 10, '2026-02-10');
    assert.deepEqual(q('2026-02-10'), { start: '2026-02-10', end: '2026-05-10' });
    assert.deepEqual(q('2026-05-09'), { start: '2026-02-10', end: '2026-05-10' });
    assert.deepEqual(q('2026-05-10'), { start: '2026-05-10', end: '2026-08-10' });
    assert.deepEqual(q('2026-10-31'), { start: '2026-08-10', end: '2026-11-10' });
    assert.deepEqual(q('2027-01-15'), { start: '2026-11-10', end: '2027-02-10' });
    assert.deepEqual(q('2027-02-10'), { start: '2027-02-10', end: '2027-05-10' });
  });

  test('quarterly periods differ with the start month (not calendar quarters)', () => {
    assert.deepEqual(periodContaining('2026-05-20', 'quarterly', 1, '2026-03-01'), { start: '2026-03-01', end: '2026-06-01' });
    assert.deepEqual(periodContaining('2026-05-20', 'quarterly', 1, '2026-04-01'), { start: '2026-04-01', end: '2026-07-01' });
  });

  test('yearly from June', () => {
    const y = (today: string) => periodContaining(today, 'yearly', 1, '2025-06-01');
    assert.deepEqual(y('2025-06-01'), { start: '2025-06-01', end: '2026-06-01' });
    assert.deepEqual(y('2026-05-31'), { start: '2025-06-01', end: '2026-06-01' });
    assert.deepEqual(y('2026-06-01'), { start: '2026-06-01', end: '2027-06-01' });
    assert.deepEqual(y('2027-12-31'), { start: '2027-06-01', end: '2028-06-01' });
  });

  test('yearly with an anchor day after the start day', () => {
    const y = (today: string) => periodContaining(today, 'yearly', 20, '2025-06-03');
    assert.deepEqual(y('2026-06-19'), { start: '2025-06-20', end: '2026-06-20' });
    assert.deepEqual(y('2026-06-20'), { start: '2026-06-20', end: '2027-06-20' });
  });
});

describe('days cycles (prepaid)', () => {
  test('30-day cycles back to back from the start date, end exclusive', () => {
    const d = (today: string) => periodContaining(today, 'days', 1, '2026-01-01', 30);
    assert.deepEqual(d('2026-01-01'), { start: '2026-01-01', end: '2026-01-31' });
    assert.deepEqual(d('2026-01-30'), { start: '2026-01-01', end: '2026-01-31' });
    assert.deepEqual(d('2026-01-31'), { start: '2026-01-31', end: '2026-03-02' });
    assert.deepEqual(d('2026-12-31'), { start: '2026-12-27', end: '2027-01-26' });
  });

  test('7-day cycles ignore the anchor day', () => {
    assert.deepEqual(periodContaining('2026-03-09', 'days', 25, '2026-03-02', 7), { start: '2026-03-09', end: '2026-03-16' });
    assert.deepEqual(periodContaining('2026-03-08', 'days', 25, '2026-03-02', 7), { start: '2026-03-02', end: '2026-03-09' });
  });

  test('a date before the start gives the first cycle', () => {
    assert.deepEqual(periodContaining('2025-12-25', 'days', 1, '2026-01-01', 30), { start: '2026-01-01', end: '2026-01-31' });
  });

  test('a days cycle without a positive cycleDays throws RangeError', () => {
    for (const cycleDays of [undefined, null, 0, -7]) {
      assert.throws(() => periodContaining('2026-01-10', 'days', 1, '2026-01-01', cycleDays), RangeError, String(cycleDays));
    }
  });
});

describe('invalid anchors', () => {
  test('anchor days outside 1-28 or not integers throw RangeError, for every cycle', () => {
    for (const anchor of [0, 29, 31, -1, 1.5, Number.NaN]) {
      for (const cycle of ['monthly', 'quarterly', 'yearly', 'days'] as const) {
        assert.throws(() => periodContaining('2026-03-10', cycle, anchor, '2026-01-01', 30), RangeError, `${cycle} ${anchor}`);
      }
    }
  });

  test('1 and 28 are accepted', () => {
    assert.doesNotThrow(() => periodContaining('2026-03-10', 'monthly', 1, '2026-01-01'));
    assert.doesNotThrow(() => periodContaining('2026-03-10', 'monthly', 28, '2026-01-01'));
  });
});

describe('localDate', () => {
  test('Asia/Jakarta (UTC+7) around midnight UTC', () => {
    assert.equal(localDate(new Date('2026-11-30T18:30:00Z'), 'Asia/Jakarta'), '2026-12-01');
    assert.equal(localDate(new Date('2026-11-30T16:59:59.999Z'), 'Asia/Jakarta'), '2026-11-30');
    assert.equal(localDate(new Date('2026-11-30T17:00:00Z'), 'Asia/Jakarta'), '2026-12-01');
    assert.equal(localDate(new Date('2026-12-31T17:00:00Z'), 'Asia/Jakarta'), '2027-01-01');
    assert.equal(localDate(new Date('2026-12-01T00:00:00Z'), 'Asia/Jakarta'), '2026-12-01');
  });

  test('another zone gives its own date for the same instant', () => {
    const at = new Date('2026-11-30T18:30:00Z');
    assert.equal(localDate(at, 'UTC'), '2026-11-30');
    assert.equal(localDate(at, 'Asia/Jayapura'), '2026-12-01');
    assert.equal(localDate(new Date('2026-11-30T15:30:00Z'), 'Asia/Jayapura'), '2026-12-01');
    assert.equal(localDate(new Date('2026-11-30T15:30:00Z'), 'Asia/Jakarta'), '2026-11-30');
  });

  test('feeds periodContaining: 01:30 on 1 December in Jakarta is in the December period', () => {
    const today = localDate(new Date('2026-11-30T18:30:00Z'), 'Asia/Jakarta');
    assert.deepEqual(periodContaining(today, 'monthly', 1, '2026-01-01'), { start: '2026-12-01', end: '2027-01-01' });
  });
});
