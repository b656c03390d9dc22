import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.js';
import { hashTaggedPrefix, parseRedisUrl } from './redis-url.js';

test('redis:// and rediss:// pass through to ioredis unchanged', () => {
  assert.deepEqual(parseRedisUrl('redis://:secret@10.0.0.5:6380/2'), { kind: 'single', url: 'redis://:secret@10.0.0.5:6380/2' });
  assert.deepEqual(parseRedisUrl('rediss://cache.example.net'), { kind: 'single', url: 'rediss://cache.example.net' });
});

test('redis+sentinel:// lists the sentinels (26379 by default), names the master, and carries the passwords and db', () => {
  assert.deepEqual(parseRedisUrl('redis+sentinel://:p%40ss@10.0.0.1:26379,10.0.0.2,[fd00::3]:26380/isp-master?db=3&sentinel_password=s3'), {
    kind: 'sentinel', name: 'isp-master', db: 3, username: undefined, password: 'p@ss', sentinelPassword: 's3',
    sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26379 }, { host: 'fd00::3', port: 26380 }],
  });
  assert.throws(() => parseRedisUrl('redis+sentinel://10.0.0.1:26379'), /master name/);
  assert.throws(() => parseRedisUrl('redis+sentinel://10.0.0.1:26379/m?db=x'), /db must be a whole number/);
  assert.throws(() => parseRedisUrl('redis+sentinel://10.0.0.1:99999/m'), /bad port/);
});

test('redis+cluster:// lists seed nodes and refuses a database; the queue prefix gets a hash tag only there', () => {
  assert.deepEqual(parseRedisUrl('redis+cluster://app:pw@10.0.0.1:7000,10.0.0.2:7001'), {
    kind: 'cluster', username: 'app', password: 'pw', nodes: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }],
  });
  assert.throws(() => parseRedisUrl('redis+cluster://10.0.0.1:7000/1'), /no database/);
  assert.equal(hashTaggedPrefix('isp', 'redis+cluster://10.0.0.1:7000'), '{isp}');
  assert.equal(hashTaggedPrefix('{isp}:a', 'redis+cluster://10.0.0.1:7000'), '{isp}:a');
  assert.equal(hashTaggedPrefix('isp', 'redis+sentinel://10.0.0.1/m'), 'isp');
  assert.equal(hashTaggedPrefix('isp', undefined), 'isp');
});

test('loadConfig accepts the three forms, rejects another scheme without echoing a password, and reads DATABASE_REPLICA_URL', () => {
  assert.equal(loadConfig({ REDIS_URL: 'redis+cluster://10.0.0.1:7000', QUEUE_PREFIX: 'isp' }).QUEUE_PREFIX, '{isp}');
  assert.equal(loadConfig({ REDIS_URL: 'redis+sentinel://10.0.0.1/m' }).QUEUE_PREFIX, 'isp');
  assert.throws(() => loadConfig({ REDIS_URL: 'memcached://:hunter2@10.0.0.1' }), (err: Error) => /REDIS_URL: expected redis:\/\//.test(err.message) && !err.message.includes('hunter2'));
  assert.equal(loadConfig({ DATABASE_REPLICA_URL: 'postgres://ro@10.0.0.9/isp' }).DATABASE_REPLICA_URL, 'postgres://ro@10.0.0.9/isp');
  assert.equal(loadConfig({}).DATABASE_REPLICA_URL, undefined);
});
