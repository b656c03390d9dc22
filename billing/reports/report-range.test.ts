import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentDigits } from './churn-report.js';
import { addMonths, dayRange, MAX_DAYS, monthLabel, monthRange } from './report-range.js';

// 00:30 on 1 January 2027 in Jakarta, still 2026 in UTC.
const now = new Date('2026-12-31T17:30:00Z');
const tz = 'Asia/Jakarta';

test('month ranges: this year by default in the ISP time zone, reversed bounds swapped, malformed ones replaced, long ones cut', () => {
  assert.deepEqual(monthRange({}, now, tz), { from: '2027-01', to: '2027-01' });
  assert.deepEqual(monthRange({ from: '2026-03', to: '2025-11' }, now, tz), { from: '2025-11', to: '2026-03' });
  // A bad `from` takes the default (January 2027), a repeated `to` its first value; then swapped.
  assert.deepEqual(monthRange({ from: '2026-13', to: ['2026-05', '2026-09'] }, now, tz), { from: '2026-05', to: '2027-01' });
  assert.deepEqual(monthRange({ from: '1990-01', to: '2026-12' }, now, tz), { from: '2017-01', to: '2026-12' }, '120 months at most');
  assert.equal(addMonths('2026-01', -1), '2025-12');
});

test('day ranges: the last 30 days by default, today included; impossible dates replaced; a year at most', () => {
  assert.deepEqual(dayRange({}, now, tz), { from: '2026-12-03', to: '2027-01-01' });
  // 30 February is not a day: `from` takes the default (3 December), then the bounds are swapped.
  assert.deepEqual(dayRange({ from: '2026-02-30', to: '2026-03-01' }, now, tz), { from: '2026-03-01', to: '2026-12-03' });
  const long = dayRange({ from: '2020-01-01', to: '2026-06-30' }, now, tz);
  assert.equal(long.to, '2026-06-30');
  assert.equal((Date.parse(long.to) - Date.parse(long.from)) / 86_400_000 + 1, MAX_DAYS);
});

test('labels and rates', () => {
  assert.equal(monthLabel('2026-08', 'id'), 'Agu 2026');
  assert.equal(monthLabel('2026-08', 'en'), 'Aug 2026');
  assert.equal(percentDigits(6667), '66.67');
  assert.equal(percentDigits(5, ','), '0,05');
  assert.equal(percentDigits(null), '');
});
