import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './password.js';

test('hashes made by bcryptjs before ($2a$ and $2b$) still verify; new hashes are standard $2b$ at the configured cost', async () => {
  // Made with bcryptjs 3 (the library before): hashSync('sandi lama dari bcryptjs', 4 / 5).
  const old2b = '$2b$04$biabxL9OItnauiLdsWpbjOXpNqMuiiLJF5trIirsGMJUIpCQYLELG';
  const old2a = '$2a$05$fVgkNSY5ymVJ6ff7fQbDfOmhnc5WkJ1/etkiRTUW1YvcjWJAoxbGO';
  for (const old of [old2b, old2a]) {
    assert.equal(await verifyPassword('sandi lama dari bcryptjs', old), true, old);
    assert.equal(await verifyPassword('sandi lain', old), false, old);
  }
  const fresh = await hashPassword('sandi baru yang panjang', 5);
  assert.match(fresh, /^\$2b\$05\$[./A-Za-z0-9]{53}$/);
  assert.equal(await verifyPassword('sandi baru yang panjang', fresh), true);
  assert.equal(await verifyPassword('anything', 'not a bcrypt hash'), false, 'a malformed hash is a mismatch, not an error');
});

test('the dummy hash for unknown accounts has the configured cost', async () => {
  assert.match(await dummyHash(4), /^\$2b\$04\$/);
  assert.match(await dummyHash(6), /^\$2b\$06\$/);
  assert.equal(await dummyHash(4), await dummyHash(4), 'made once per cost');
});

test('the commonest passwords are refused, in any case; a long uncommon one is accepted', () => {
  for (const common of ['password123', 'PASSWORD123', 'qwertyuiop', '1234567890', 'iloveyou123', 'aaaaaaaaaaaa']) {
    assert.equal(passwordProblem(common), 'password.common', common);
  }
  // Shorter common ones are refused for their length first.
  assert.equal(passwordProblem('12345678'), 'password.too_short');
  assert.equal(passwordProblem('qwertyui'), 'password.too_short');
  assert.equal(passwordProblem('kuda lumping di sawah'), null);
  assert.equal(passwordProblem('x'.repeat(40) + 'é'.repeat(20)), 'password.too_long');
});

test('hashing runs off the event loop: the loop stays mostly idle while four costly hashes run', async () => {
  const started = performance.eventLoopUtilization();
  // Cost 12 is ~0.25 s a hash here: long enough that hashing on the loop would keep it busy throughout.
  await Promise.all(Array.from({ length: 4 }, (_, i) => hashPassword(`sandi nomor ${i} yang panjang`, 12)));
  const used = performance.eventLoopUtilization(started);
  assert.ok(used.utilization < 0.5, `event loop busy ${(used.utilization * 100).toFixed(0)} % of ${used.idle + used.active | 0} ms (hashing on the loop is ~100 %)`);
});
