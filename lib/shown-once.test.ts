import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { testRedisUrl } from '../test/helpers/database.js';
import { createRedis, type Redis } from './redis.js';
import { createSecretBox } from './secret-box.js';
import { SHOWN_ONCE_TTL_SECONDS, shownOnce } from './shown-once.js';

let redis: Redis;
const prefix = `t${randomBytes(4).toString('hex')}`;
const secrets = createSecretBox(randomBytes(32));
before(() => {
  redis = createRedis(testRedisUrl(), 'shown-once-test');
});
after(() => redis.disconnect());

test('a kept secret is shown once to the staff member who made it, then never again', async () => {
  const once = shownOnce({ redis, secrets, prefix }, 'new-subscription-password');
  await once.keep(3, 12, 'rahasia-123');
  assert.equal(await once.take(4, 12), null, 'another staff member sees nothing');
  assert.equal(await once.take(3, 13), null, 'nor does another object');
  assert.equal(await once.take(3, 12), 'rahasia-123');
  assert.equal(await once.take(3, 12), null, 'the second read finds nothing');
});

test('Redis holds the secret sealed, under <prefix>:<kind>:<staff>:<id>, for the TTL only', async () => {
  await shownOnce({ redis, secrets, prefix }, 'webhook-secret').keep(5, 7, 'whsec_abc');
  const stored = await redis.get(`${prefix}:webhook-secret:5:7`);
  assert.ok(stored && !stored.includes('whsec_abc'), 'never the cleartext');
  assert.equal(secrets.open(stored), 'whsec_abc');
  const ttl = await redis.ttl(`${prefix}:webhook-secret:5:7`);
  assert.ok(ttl > 0 && ttl <= SHOWN_ONCE_TTL_SECONDS);
  assert.equal(await shownOnce({ redis, secrets, prefix }, 'new-subscription-password').take(5, 7), null, 'kinds never meet');
  await shownOnce({ redis, secrets, prefix }, 'webhook-secret', 60).keep(5, 8, 'short');
  const shorter = await redis.ttl(`${prefix}:webhook-secret:5:8`);
  assert.ok(shorter > 0 && shorter <= 60, 'a TTL given is used');
});
