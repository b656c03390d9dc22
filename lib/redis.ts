/**
 * Redis connections (ioredis). BullMQ workers block on their connection, so every role gets
 * its own client from here; `maxRetriesPerRequest: null` is what BullMQ requires of them
 * (docs.bullmq.io/guide/going-to-production, "Max retries per request").
 *
 * REDIS_URL may name one server, a Sentinel-monitored master or a Cluster (lib/redis-url.ts has
 * the formats). With Sentinel, ioredis asks the sentinels for the master and, after a failover,
 * reconnects to the new one (its SentinelConnector); with Cluster, it routes each command by
 * hash slot and follows MOVED/ASK redirections (ioredis README, "Sentinel", "Cluster").
 */
import { Cluster, Redis as IORedis, type RedisOptions } from 'ioredis';
import { parseRedisUrl } from './redis-url.js';

/** A connection to one server or Sentinel master (`IORedis`), or to a Cluster; both take the same commands. */
export type Redis = IORedis | Cluster;

/** Backoff between reconnection attempts, ms: 200, 400, … at most 5 s. */
const backoff = (times: number): number => Math.min(times * 200, 5000);

/**
 * Creates an ioredis client for `url` (redis://, rediss://, redis+sentinel://, redis+cluster://);
 * it connects at once and reconnects with backoff.
 * @throws Error when the URL is malformed (lib/redis-url.ts); never one that contains the password
 */
export function createRedis(url: string, name = 'isp'): Redis {
  const common: RedisOptions = { connectionName: name, maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: backoff };
  const target = parseRedisUrl(url);
  switch (target.kind) {
    case 'single':
      return new IORedis(url, common);
    case 'sentinel':
      return new IORedis({
        ...common,
        sentinels: target.sentinels,
        name: target.name,
        username: target.username,
        password: target.password,
        sentinelPassword: target.sentinelPassword,
        db: target.db,
        sentinelRetryStrategy: backoff,
      });
    case 'cluster':
      return new Cluster(target.nodes, {
        redisOptions: { ...common, username: target.username, password: target.password },
        clusterRetryStrategy: backoff,
        enableReadyCheck: true,
      });
  }
}

/** Whether `redis` is a Cluster client (its queue prefix must carry a hash tag: lib/queue.ts). */
export const isCluster = (redis: Redis): redis is Cluster => redis instanceof Cluster;
