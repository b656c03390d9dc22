/**
 * Duplicate cache (RFC 5080 §2.2.2): a retransmission (same source, Identifier and authenticator)
 * is never processed twice; it gets nothing while the first copy is in progress, then the reply
 * sent. Entries live between ttlMs and 2 × ttlMs.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DuplicateCache } from './duplicate-cache.js';

const KEY = DuplicateCache.key('10.0.0.1', 40000, 7);
const AUTH_A = Buffer.alloc(16, 0xaa);
const AUTH_B = Buffer.alloc(16, 0xbb);
const REPLY_A = Buffer.from('reply-for-a');
const REPLY_B = Buffer.from('reply-for-b');

const caches: DuplicateCache[] = [];
function cache(ttlMs = 60_000): DuplicateCache {
  const c = new DuplicateCache(ttlMs);
  caches.push(c);
  return c;
}
afterEach(() => {
  for (const c of caches.splice(0)) c.close();
});

describe('DuplicateCache.key', () => {
  test('source address, source port and Identifier each make a different key', () => {
    const keys = new Set([
      DuplicateCache.key('10.0.0.1', 40000, 7),
      DuplicateCache.key('10.0.0.2', 40000, 7),
      DuplicateCache.key('10.0.0.1', 40001, 7),
      DuplicateCache.key('10.0.0.1', 40000, 8),
    ]);
    assert.equal(keys.size, 4);
    assert.equal(DuplicateCache.key('10.0.0.1', 40000, 7), KEY);
  });
});

describe('check / complete', () => {
  test('new → in_progress while processing → replay of the reply after complete', () => {
    const c = cache();
    assert.deepEqual(c.check(KEY, AUTH_A), { kind: 'new' });
    assert.deepEqual(c.check(KEY, Buffer.from(AUTH_A)), { kind: 'in_progress' }, 'a retransmission while in progress');
    c.complete(KEY, AUTH_A, REPLY_A);
    const again = c.check(KEY, Buffer.from(AUTH_A));
    assert.equal(again.kind, 'replay');
    assert.deepEqual(again.kind === 'replay' && again.reply, REPLY_A);
    assert.equal(c.check(KEY, AUTH_A).kind, 'replay', 'every further retransmission too');
  });

  test('requests under other keys are independent', () => {
    const c = cache();
    c.check(KEY, AUTH_A);
    c.complete(KEY, AUTH_A, REPLY_A);
    assert.deepEqual(c.check(DuplicateCache.key('10.0.0.1', 40000, 8), AUTH_A), { kind: 'new' });
    assert.deepEqual(c.check(DuplicateCache.key('10.0.0.9', 40000, 7), AUTH_A), { kind: 'new' });
  });

  test('a different authenticator under the same key is a new request (Identifier reused) and replaces the entry', () => {
    const c = cache();
    c.check(KEY, AUTH_A);
    c.complete(KEY, AUTH_A, REPLY_A);
    assert.deepEqual(c.check(KEY, AUTH_B), { kind: 'new' });
    assert.deepEqual(c.check(KEY, AUTH_B), { kind: 'in_progress' });
    assert.deepEqual(c.check(KEY, AUTH_A), { kind: 'new' }, 'the old request is no longer known');
  });

  test('complete for a stale authenticator does not overwrite the newer request', () => {
    const c = cache();
    c.check(KEY, AUTH_A);
    c.check(KEY, AUTH_B); // Identifier reused before A finished
    c.complete(KEY, AUTH_A, REPLY_A); // A finishes late
    assert.deepEqual(c.check(KEY, AUTH_B), { kind: 'in_progress' }, 'B is still in progress, not answered with A');
    c.complete(KEY, AUTH_B, REPLY_B);
    const b = c.check(KEY, AUTH_B);
    assert.deepEqual(b.kind === 'replay' && b.reply, REPLY_B);
  });

  test('complete without a prior check stores the reply', () => {
    const c = cache();
    c.complete(KEY, AUTH_A, REPLY_A);
    assert.equal(c.check(KEY, AUTH_A).kind, 'replay');
  });
});

describe('forget', () => {
  test('a forgotten request is processed afresh on retransmission', () => {
    const c = cache();
    c.check(KEY, AUTH_A);
    c.forget(KEY, AUTH_A);
    assert.deepEqual(c.check(KEY, AUTH_A), { kind: 'new' });
  });

  test('forget with another authenticator leaves the newer request alone', () => {
    const c = cache();
    c.check(KEY, AUTH_A);
    c.check(KEY, AUTH_B);
    c.forget(KEY, AUTH_A);
    assert.deepEqual(c.check(KEY, AUTH_B), { kind: 'in_progress' });
  });

  test('forget also removes a completed request', () => {
    const c = cache();
    c.check(KEY, AUTH_A);
    c.complete(KEY, AUTH_A, REPLY_A);
    c.forget(KEY, AUTH_A);
    assert.deepEqual(c.check(KEY, AUTH_A), { kind: 'new' });
  });
});

describe('expiry', () => {
  test('an entry survives one rotation and is gone after two', async () => {
    const ttl = 40;
    const c = cache(ttl);
    c.check(KEY, AUTH_A);
    c.complete(KEY, AUTH_A, REPLY_A);
    await sleep(ttl * 1.5); // one rotation: the entry is in the previous generation
    assert.equal(c.check(KEY, AUTH_A).kind, 'replay');
    await sleep(ttl * 4); // at least two more rotations
    assert.deepEqual(c.check(KEY, AUTH_A), { kind: 'new' });
  });

  test('an in-progress entry expires too, so a lost request is not blocked forever', async () => {
    const ttl = 20;
    const c = cache(ttl);
    c.check(KEY, AUTH_A);
    await sleep(ttl * 5);
    assert.deepEqual(c.check(KEY, AUTH_A), { kind: 'new' });
  });

  test('close stops the rotation: entries are kept', async () => {
    const ttl = 20;
    const c = cache(ttl);
    c.check(KEY, AUTH_A);
    c.complete(KEY, AUTH_A, REPLY_A);
    c.close();
    await sleep(ttl * 5);
    assert.equal(c.check(KEY, AUTH_A).kind, 'replay');
  });
});
