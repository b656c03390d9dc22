/**
 * Duplicate cache (RFC 5080 §2.2.2): a retransmission (same source, Identifier and authenticator)
 * is never processed twice; it gets nothing while the first copy is in progress, then the reply
 * sent. Entries live ttlMs from their last write.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuplicateCache } from './duplicate-cache.js';

const KEY = DuplicateCache.key(1, 40000, 7);
const AUTH_A = Buffer.alloc(16, 0xaa);
const AUTH_B = Buffer.alloc(16, 0xbb);
const REPLY_A = Buffer.from('reply-for-a');
const REPLY_B = Buffer.from('reply-for-b');

let clock = 1_000_000;
function cache(ttlMs = 60_000, capacity = 1024): DuplicateCache {
  return new DuplicateCache(ttlMs, capacity, () => clock);
}

describe('DuplicateCache.key', () => {
  test('NAS, source port and Identifier each make a different key, never 0 (an empty slot)', () => {
    const keys = new Set([
      DuplicateCache.key(1, 40000, 7),
      DuplicateCache.key(2, 40000, 7),
      DuplicateCache.key(1, 40001, 7),
      DuplicateCache.key(1, 40000, 8),
      DuplicateCache.key(1, 40000, 255),
      DuplicateCache.key(1, 40001, 0),
    ]);
    assert.equal(keys.size, 6);
    assert.equal(DuplicateCache.key(1, 40000, 7), KEY);
    assert.notEqual(DuplicateCache.key(0, 0, 0), 0);
    assert.ok(Number.isSafeInteger(DuplicateCache.key(2 ** 28, 65535, 255)));
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
    assert.deepEqual(c.check(DuplicateCache.key(1, 40000, 8), AUTH_A), { kind: 'new' });
    assert.deepEqual(c.check(DuplicateCache.key(9, 40000, 7), AUTH_A), { kind: 'new' });
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
  test('an entry answers retransmissions for ttlMs after its reply, then is gone', () => {
    const c = cache(5000);
    c.check(KEY, AUTH_A);
    c.complete(KEY, AUTH_A, REPLY_A);
    clock += 4999;
    assert.equal(c.check(KEY, AUTH_A).kind, 'replay');
    clock += 2;
    assert.deepEqual(c.check(KEY, AUTH_A), { kind: 'new' });
  });

  test('an in-progress entry expires too, so a lost request is not blocked forever', () => {
    const c = cache(5000);
    c.check(KEY, AUTH_A);
    clock += 5001;
    assert.deepEqual(c.check(KEY, AUTH_A), { kind: 'new' });
  });
});

describe('storage', () => {
  test('a reply longer than the inline slot comes back whole, and a replay is a copy', () => {
    const c = cache();
    const big = Buffer.alloc(900, 7);
    c.check(KEY, AUTH_A);
    c.complete(KEY, AUTH_A, big);
    const r = c.check(KEY, AUTH_A);
    assert.ok(r.kind === 'replay');
    assert.deepEqual(r.reply, big);
    r.reply[0] = 99;
    const again = c.check(KEY, AUTH_A);
    assert.ok(again.kind === 'replay' && again.reply[0] === 7, 'changing a replayed Buffer does not change the cache');
  });

  test('every key of a full table is kept until it expires, up to capacity', () => {
    const c = cache(60_000, 4096);
    const auth = (i: number): Buffer => Buffer.alloc(16, i % 251);
    const n = 2000; // under capacity: the probe window finds room for all of them
    for (let i = 0; i < n; i++) {
      const key = DuplicateCache.key(1 + (i % 7), 1024 + i, i % 256);
      c.check(key, auth(i));
      c.complete(key, auth(i), Buffer.from(`r${i}`));
    }
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const r = c.check(DuplicateCache.key(1 + (i % 7), 1024 + i, i % 256), auth(i));
      if (r.kind === 'replay' && r.reply.toString() === `r${i}`) kept++;
    }
    assert.ok(kept >= n * 0.99, `${kept} of ${n} kept`);
  });

  test('beyond capacity the entries closest to expiry make room, and lookups stay correct', () => {
    const c = cache(60_000, 16);
    for (let i = 0; i < 200; i++) {
      const key = DuplicateCache.key(1, 2000 + i, 1);
      c.check(key, AUTH_A);
      c.complete(key, AUTH_A, Buffer.from(`r${i}`));
      clock += 1;
    }
    const last = c.check(DuplicateCache.key(1, 2199, 1), AUTH_A);
    assert.ok(last.kind === 'replay' && last.reply.toString() === 'r199', 'the newest entry is kept');
    assert.deepEqual(c.check(DuplicateCache.key(1, 2000, 1), AUTH_A), { kind: 'new' }, 'the oldest made room');
  });
});

describe('DuplicateCache.peek (before a datagram is decoded)', () => {
  test('records nothing: a request only peeked at is new again, and new after check', () => {
    const c = cache();
    assert.deepEqual(c.peek(KEY, AUTH_A), { kind: 'new' });
    assert.deepEqual(c.peek(KEY, AUTH_A), { kind: 'new' });
    assert.deepEqual(c.check(KEY, AUTH_A), { kind: 'new' });
  });

  test('sees what check recorded: in progress, then the reply sent; another authenticator under the key is new', () => {
    const c = cache();
    c.check(KEY, AUTH_A);
    assert.deepEqual(c.peek(KEY, AUTH_A), { kind: 'in_progress' });
    c.complete(KEY, AUTH_A, REPLY_A);
    assert.deepEqual(c.peek(KEY, AUTH_A), { kind: 'replay', reply: REPLY_A });
    assert.deepEqual(c.peek(KEY, AUTH_B), { kind: 'new' });
    assert.deepEqual(c.peek(KEY, AUTH_A), { kind: 'replay', reply: REPLY_A }, 'peeking at B replaced nothing');
  });

  test('an expired entry is new', () => {
    const c = cache(1000);
    c.check(KEY, AUTH_A);
    c.complete(KEY, AUTH_A, REPLY_A);
    clock += 1001;
    assert.deepEqual(c.peek(KEY, AUTH_A), { kind: 'new' });
  });
});
