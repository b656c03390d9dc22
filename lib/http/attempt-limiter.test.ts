import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { testRedisUrl } from '../../test/helpers/database.js';
import { createRedis, type Redis } from '../redis.js';
import { createAttemptLimiter, minutesToWait } from './attempt-limiter.js';

let redis: Redis;
const prefix = `t${randomBytes(4).toString('hex')}`;
before(() => {
  redis = createRedis(testRedisUrl(), 'attempt-limiter-test');
});
after(() => redis.disconnect());

test('counts attempts per subject in a fixed window: the limit-th attempt passes, the next does not', async () => {
  const limiter = createAttemptLimiter({ redis, prefix, name: 'unit', limit: 3, windowSeconds: 600 });
  for (let i = 1; i <= 3; i++) assert.equal((await limiter.hit('a')).allowed, true, `attempt ${i}`);
  const fourth = await limiter.hit('a');
  assert.equal(fourth.allowed, false);
  assert.equal(fourth.count, 4);
  assert.ok(fourth.retryAfterSeconds > 590 && fourth.retryAfterSeconds <= 600);
  assert.equal(minutesToWait(fourth), 10);
  assert.equal((await limiter.hit('b')).allowed, true, 'another subject is not affected');
  const ttl = await redis.ttl(`${prefix}:limit:unit:a`);
  assert.ok(ttl > 0 && ttl <= 600, 'the window never outlives its length (set once, with the first attempt)');
  await limiter.reset('a');
  assert.equal((await limiter.hit('a')).count, 1);
});

test('a burst of parallel attempts: exactly `limit` are allowed, every other one is refused', async () => {
  const limiter = createAttemptLimiter({ redis, prefix, name: 'burst', limit: 30, windowSeconds: 900 });
  const states = await Promise.all(Array.from({ length: 60 }, () => limiter.hit('ip')));
  assert.equal(states.filter((s) => s.allowed).length, 30);
  assert.deepEqual(states.map((s) => s.count).sort((x, y) => x - y), Array.from({ length: 60 }, (_, i) => i + 1), 'each attempt got its own count');
});

test('release gives one attempt back, never below zero, and keeps the window', async () => {
  const limiter = createAttemptLimiter({ redis, prefix, name: 'release', limit: 2, windowSeconds: 60 });
  await limiter.hit('x');
  await limiter.hit('x');
  await limiter.release('x');
  assert.equal((await limiter.hit('x')).count, 2, 'the released attempt no longer counts');
  assert.ok((await redis.ttl(`${prefix}:limit:release:x`)) > 0);
  await limiter.release('nobody');
  assert.equal(await redis.exists(`${prefix}:limit:release:nobody`), 0, 'releasing nothing creates no key');
  assert.equal(minutesToWait((await limiter.hit('x'))), 1);
});

test('the window ends: attempts are forgotten after windowSeconds', async () => {
  const limiter = createAttemptLimiter({ redis, prefix, name: 'short', limit: 1, windowSeconds: 1 });
  await limiter.hit('s');
  assert.equal((await limiter.hit('s')).allowed, false);
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await limiter.hit('s')).allowed, true);
});
