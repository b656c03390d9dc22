/**
 * RateLimitedLog: at most one log line per key per interval, with bounded memory. Time is injected.
 * createRepeatedErrorLog: the same database error on every request gives one line per interval,
 * then "N more like this", and never the SQL text or its bound values.
 */
import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from './logger.js';
import { RateLimitedLog, createRepeatedErrorLog, summarizeError } from './rate-limited-log.js';

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

test('held-back calls are counted; takeSuppressed reports them once and opens a new window', () => {
  const c = clock();
  const log = new RateLimitedLog(1000, 100, c.now);
  assert.equal(log.takeSuppressed('k'), 0, 'an unknown key has nothing held back');
  assert.equal(log.shouldLog('k'), true);
  assert.equal(log.takeSuppressed('k'), 0, 'nothing held back yet');
  for (let i = 0; i < 5; i++) assert.equal(log.shouldLog('k'), false);
  c.advance(1000);
  assert.equal(log.takeSuppressed('k'), 5);
  assert.equal(log.shouldLog('k'), false, 'the summary line opened a new window');
  assert.equal(log.takeSuppressed('k'), 1);
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

/** A pino logger writing JSON lines into an array. */
function capture(): { log: Logger; lines: Array<Record<string, unknown>>; text: () => string } {
  const raw: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, cb) { raw.push(chunk.toString()); cb(); } });
  const log: Logger = pino({ level: 'info' }, stream);
  return { log, get lines() { return raw.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>); }, text: () => raw.join('') };
}

/** An error shaped like the one knex throws while PostgreSQL is down: statement with inlined values, then the driver's message. */
function knexError(): Error {
  const err = new Error("insert into \"radius_accounting\" (\"username\", \"framed_ip\") values ('alice@example.id', '10.0.0.9') - connect ECONNREFUSED 127.0.0.1:54320");
  Object.assign(err, { code: 'ECONNREFUSED', errno: -111, address: '127.0.0.1', port: 54320 });
  return err;
}

test('summarizeError keeps the driver message and code, not the SQL text or bound values', () => {
  assert.deepEqual(summarizeError(knexError()), { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:54320' });
  assert.deepEqual(summarizeError(Object.assign(new Error('select 1 - terminating connection due to administrator command'), { code: '57P01' })), { code: '57P01', message: 'terminating connection due to administrator command' });
  assert.deepEqual(summarizeError(new TypeError('x is not a function')), { code: 'TypeError', message: 'x is not a function' });
  assert.deepEqual(summarizeError('boom'), { code: 'string', message: 'boom' });
});

test('a database outage: 1000 failing requests give one line, then one "N more like this" line per interval', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const c = clock();
    const out = capture();
    const errors = createRepeatedErrorLog(out.log, { intervalMs: 10_000, now: c.now });
    const fail = (): void => errors.error('radius code 4', knexError(), { nas: '192.0.2.1', code: 4 }, 'request failed; no reply sent (the NAS will retry)');
    const wait = (ms: number): void => { c.advance(ms); mock.timers.tick(ms); };
    for (let i = 0; i < 500; i++) { fail(); wait(10); } // 5 s
    assert.equal(out.lines.length, 1, 'one line for the first failure');
    assert.deepEqual(out.lines[0]!.error, { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:54320' });
    assert.equal(out.lines[0]!.nas, '192.0.2.1');
    for (let i = 0; i < 499; i++) { fail(); wait(10); } // 9.99 s
    fail();
    assert.equal(out.lines.length, 1, 'still one line within the interval');
    wait(10);
    assert.equal(out.lines.length, 2, 'the interval ended: one summary line');
    assert.equal(out.lines[1]!.repeated, 999);
    assert.match(String(out.lines[1]!.msg), /\(999 more like this\)$/);
    wait(10_000);
    assert.equal(out.lines.length, 2, 'no line for an interval without failures');
    fail();
    assert.equal(out.lines.length, 3, 'after a quiet interval the next failure is logged again');
    assert.doesNotMatch(out.text(), /insert into|alice@example\.id|10\.0\.0\.9|"stack"/, 'no SQL, no bound values, no stack trace');
    errors.error('radius code 4', Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }), {}, 'request failed');
    assert.equal(out.lines.length, 4, 'another error code is another kind');
  } finally {
    mock.timers.reset();
  }
});
