/** Durations and data amounts as the console, the printed card and the status page show them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeTerms, formatData, formatDuration } from './voucher-terms.js';

test('durations: days (hours), hours and minutes, seconds under a minute; both languages', () => {
  assert.equal(formatDuration(7 * 86_400, 'id'), '7 hari');
  assert.equal(formatDuration(86_400, 'en'), '1 day');
  assert.equal(formatDuration(2 * 86_400 + 3 * 3600 + 59, 'en'), '2 days 3 h');
  assert.equal(formatDuration(5400, 'id'), '1 jam 30 menit');
  assert.equal(formatDuration(1800, 'en'), '30 min');
  assert.equal(formatDuration(45, 'id'), '45 detik');
  assert.equal(formatDuration(-5, 'en'), '0 s');
  assert.equal(formatDuration(null, 'en'), '');
});

test('data: MB below 1 GB, GB with one decimal (comma in Indonesian), binary units', () => {
  assert.equal(formatData(500 * 2 ** 20, 'en'), '500 MB');
  assert.equal(formatData(2 ** 30, 'id'), '1 GB');
  assert.equal(formatData(1.5 * 2 ** 30, 'id'), '1,5 GB');
  assert.equal(formatData(1.5 * 2 ** 30, 'en'), '1.5 GB');
  assert.equal(formatData(10 * 2 ** 30 - 1, 'en'), '9.9 GB', 'rounded down: never more than is left');
  assert.equal(formatData(null, 'en'), '');
  assert.deepEqual(describeTerms({ timeLimitSeconds: 7200, dataLimitBytes: null, validitySeconds: 86_400 }, 'id'), { time: '2 jam', data: '', validity: '1 hari' });
});
