/**
 * Queues on Redis Sentinel and Redis Cluster (issue 13 item 4), with real redis-server processes
 * (test/helpers/redis-topology.ts): a worker built the way the product builds it (loadConfig →
 * createRedis → createQueueFactory) processes jobs through a sentinel-discovered master, also
 * after a failover to the replica (SENTINEL FAILOVER), and through a three-master cluster, where
 * the queue prefix carries the hash tag BullMQ needs (docs.bullmq.io/patterns/redis-cluster).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis as IORedis } from 'ioredis';
import { loadConfig } from '../../lib/config.js';
import { createQueueFactory, QUEUES, type QueueFactory } from '../../lib/queue.js';
import { createRedis, isCluster, type Redis } from '../../lib/redis.js';
import { startCluster, startSentinelSet, type RedisClusterSet, type SentinelSet } from '../helpers/redis-topology.js';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function until(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A `billing` worker that records what it processed; the factory and connection close at the end. */
function processing(redis: Redis, prefix: string): { queues: QueueFactory; done: string[] } {
  const queues = createQueueFactory(redis, prefix);
  const done: string[] = [];
  queues.worker<{ n: string }, string>(QUEUES.billing, async (job) => {
    done.push(job.data.n);
    return job.data.n;
  }, { concurrency: 1 });
  cleanups.push(async () => {
    await queues.close();
    redis.disconnect();
  });
  return { queues, done };
}

test('Sentinel: the worker finds the master through the sentinel, processes a job, and keeps working after a failover', { timeout: 120_000 }, async () => {
  const set: SentinelSet = await startSentinelSet();
  cleanups.push(() => set.stop());
  const config = loadConfig({ NODE_ENV: 'test', REDIS_URL: set.url, QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}` });
  assert.doesNotMatch(config.QUEUE_PREFIX, /[{}]/, 'no hash tag needed off a cluster');
  const { queues, done } = processing(createRedis(config.REDIS_URL!, 'test-sentinel'), config.QUEUE_PREFIX);

  const first = await queues.queue(QUEUES.billing).add('probe', { n: 'before failover' });
  await until('the first job', 20_000, () => done.includes('before failover'));
  const onMaster = new IORedis({ host: '127.0.0.1', port: set.masterPort });
  cleanups.push(async () => { onMaster.disconnect(); });
  assert.equal(await onMaster.exists(`${config.QUEUE_PREFIX}:billing:${first.id}`), 1, 'the job is stored on the master the sentinel named');

  const sentinel = new IORedis({ host: '127.0.0.1', port: set.sentinelPort });
  cleanups.push(async () => { sentinel.disconnect(); });
  await sentinel.call('SENTINEL', 'failover', 'isp-master');
  await until('the sentinel to promote the replica', 60_000, async () => (await set.currentMasterPort()) === set.replicaPort);
  // Until the old master is reconfigured as a replica it still takes writes that the resync then discards (asynchronous replication).
  await until('the old master to be demoted', 30_000, async () => {
    const probe = new IORedis({ host: '127.0.0.1', port: set.masterPort, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {}); // the demotion closes client connections
    try {
      return /role:slave/.test(await probe.info('replication'));
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  });

  // Clients follow the new master: the demoted one drops its connections, ioredis asks the sentinel again.
  let second: { id?: string } | undefined;
  await until('a job added after the failover', 30_000, async () => {
    second = await queues.queue(QUEUES.billing).add('probe', { n: 'after failover' }).catch(() => undefined);
    return second !== undefined;
  });
  await until('the job after the failover', 30_000, () => done.includes('after failover'));
  const onNewMaster = new IORedis({ host: '127.0.0.1', port: set.replicaPort });
  cleanups.push(async () => { onNewMaster.disconnect(); });
  assert.match(await onNewMaster.info('replication'), /role:master/);
  assert.equal(await onNewMaster.exists(`${config.QUEUE_PREFIX}:billing:${second!.id}`), 1, 'the second job is on the promoted master');
});

test('Cluster: three masters, the queue prefix becomes a hash tag, and the worker processes a job', { timeout: 120_000 }, async () => {
  const cluster: RedisClusterSet = await startCluster();
  cleanups.push(() => cluster.stop());
  const plain = `t${randomBytes(4).toString('hex')}`;
  const config = loadConfig({ NODE_ENV: 'test', REDIS_URL: cluster.url, QUEUE_PREFIX: plain });
  assert.equal(config.QUEUE_PREFIX, `{${plain}}`, 'braces added for redis+cluster://');
  const redis = createRedis(config.REDIS_URL!, 'test-cluster');
  assert.ok(isCluster(redis));
  assert.throws(() => createQueueFactory(redis, plain), /needs a hash tag on Redis Cluster/);

  const { queues, done } = processing(redis, config.QUEUE_PREFIX);
  const jobs = await Promise.all(['one', 'two', 'three'].map((n) => queues.queue(QUEUES.billing).add('probe', { n })));
  await until('three jobs through the cluster', 30_000, () => done.length === 3);
  assert.deepEqual([...done].sort(), ['one', 'three', 'two']);
  const finished = await queues.queue(QUEUES.billing).getJob(jobs[0]!.id!);
  assert.equal(await finished?.getState(), 'completed');
  // Every key of the queue hashes to the one slot of the tag, on whichever master owns it.
  const slot = Number(await redis.call('CLUSTER', 'KEYSLOT', config.QUEUE_PREFIX));
  assert.equal(Number(await redis.call('CLUSTER', 'KEYSLOT', `${config.QUEUE_PREFIX}:billing:${jobs[0]!.id}`)), slot);
});
