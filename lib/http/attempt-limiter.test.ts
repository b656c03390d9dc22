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
  assert.deepEqual(await limiter.peek('a'), { allowed: true, count: 0, retryAfterSeconds: 0 });
  for (let i = 1; i <= 3; i++) assert.equal((await limiter.hit('a')).allowed, true, `attempt ${i}`);
  const fourth = await limiter.hit('a');
  assert.equal(fourth.allowed, false);
  assert.equal(fourth.count, 4);
  assert.ok(fourth.retryAfterSeconds > 590 && fourth.retryAfterSeconds <= 600);
  assert.equal(minutesToWait(fourth), 10);
  assert.equal((await limiter.peek('a')).allowed, false);
  assert.equal((await limiter.peek('b')).allowed, true, 'another subject is not affected');
  const ttl = await redis.ttl(`${prefix}:limit:unit:a`);
  assert.ok(ttl > 0 && ttl <= 600, 'the window never outlives its length (set once, with the first attempt)');
  await limiter.reset('a');
  assert.equal((await limiter.peek('a')).count, 0);
});

test('peek refuses at the limit, so a check before the work lets exactly `limit` attempts through', async () => {
  const limiter = createAttemptLimiter({ redis, prefix, name: 'peek', limit: 2, windowSeconds: 60 });
  await limiter.hit('x');
  assert.equal((await limiter.peek('x')).allowed, true);
  await limiter.hit('x');
  const state = await limiter.peek('x');
  assert.equal(state.allowed, false);
  assert.equal(minutesToWait(state), 1);
});

test('the window ends: attempts are forgotten after windowSeconds', async () => {
  const limiter = createAttemptLimiter({ redis, prefix, name: 'short', limit: 1, windowSeconds: 1 });
  await limiter.hit('s');
  assert.equal((await limiter.hit('s')).allowed, false);
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await limiter.hit('s')).allowed, true);
});
