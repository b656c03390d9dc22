import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributeDefs } from './attribute-defs.js';
import { dictionary } from './dictionary.js';

test('names become the dictionary\'s definitions, under the keys given, in order', () => {
  const A = attributeDefs({ userName: 'User-Name', rateLimit: 'mikrotik-rate-limit', prefix: 'Delegated-IPv6-Prefix' });
  assert.deepEqual(Object.keys(A), ['userName', 'rateLimit', 'prefix']);
  assert.equal(A.userName, dictionary().attr('User-Name'));
  assert.deepEqual([A.rateLimit.vendorId, A.rateLimit.code, A.rateLimit.name], [14988, 8, 'Mikrotik-Rate-Limit']);
  assert.deepEqual([A.prefix.code, A.prefix.dataType], [123, 'ipv6prefix']);
});

test('an unknown name fails when the table is built, naming the attribute', () => {
  assert.throws(() => attributeDefs({ ok: 'User-Name', typo: 'User-Nmae' }), /unknown RADIUS attribute User-Nmae/);
});
