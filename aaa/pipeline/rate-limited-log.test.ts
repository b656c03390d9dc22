/**
 * RateLimitedLog: at most one log line per key per interval, with bounded memory. Time is injected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimitedLog } from './rate-limited-log.js';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

test('the first occurrence of a key is logged, repeats within the interval are not', () => {
  const c = clock();
  const log = new RateLimitedLog(60_000, 100, c.now);
  assert.equal(log.shouldLog('192.0.2.9'), true);
  assert.equal(log.shouldLog('192.0.2.9'), false);
  c.advance(59_999);
  assert.equal(log.shouldLog('192.0.2.9'), false);
});

test('the key is logged again once the interval has passed (at exactly the interval)', () => {
  const c = clock();
  const log = new RateLimitedLog(60_000, 100, c.now);
  assert.equal(log.shouldLog('k'), true);
  c.advance(60_000);
  assert.equal(log.shouldLog('k'), true);
  c.advance(1);
  assert.equal(log.shouldLog('k'), false);
});

test('suppressed calls do not extend the window: a steady flood logs once per interval', () => {
  const c = clock();
  const log = new RateLimitedLog(1000, 100, c.now);
  let logged = 0;
  for (let i = 0; i < 100; i++) {
    if (log.shouldLog('flood')) logged++;
    c.advance(100);
  }
  assert.equal(logged, 10);
});

test('keys are independent', () => {
  const c = clock();
  const log = new RateLimitedLog(60_000, 100, c.now);
  assert.equal(log.shouldLog('a'), true);
  assert.equal(log.shouldLog('b'), true);
  assert.equal(log.shouldLog('a'), false);
  assert.equal(log.shouldLog('b'), false);
});

test('memory is bounded: past maxKeys the map is cleared, so old keys may log again early', () => {
  const c = clock();
  const log = new RateLimitedLog(60_000, 3, c.now);
  for (const k of ['a', 'b', 'c']) assert.equal(log.shouldLog(k), true);
  assert.equal(log.shouldLog('a'), false, 'still remembered at maxKeys');
  assert.equal(log.shouldLog('d'), true, 'a fourth key clears the map');
  assert.equal(log.shouldLog('d'), false, 'the new key is remembered');
  assert.equal(log.shouldLog('a'), true, 'the cleared keys are forgotten');
});

test('defaults to Date.now when no clock is given', () => {
  const log = new RateLimitedLog(60_000);
  assert.equal(log.shouldLog('x'), true);
  assert.equal(log.shouldLog('x'), false);
});
