/**
 * Composition root: the process-wide dependencies, built once by server/main.ts (or by a test with
 * its own database, Redis prefix and clock) and passed to each role. No module singletons.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { Config } from './config.js';
import { createDb, type Knex } from './db.js';
import type { Logger } from './logger.js';
import { createQueueFactory, type QueueFactory } from './queue.js';
import { createRedis, type Redis } from './redis.js';
import { createSecretBox, type SecretBox } from './secret-box.js';
import { createSigner, type Signer } from './signer.js';

export interface Container {
  config: Config;
  log: Logger;
  clock: Clock;
  db: Knex;
  /** The URL `db` connects to (the radius role opens a LISTEN connection of its own). */
  databaseUrl: string;
  /**
   * Reads that may lag the primary by the replication delay (reports, CSV exports): a pool on
   * DATABASE_REPLICA_URL, a hot standby that refuses writes (PostgreSQL manual, "Hot Standby");
   * `db` itself when no replica is configured. Never for a read that must see a write just made.
   */
  replicaDb: Knex;
  redis: Redis;
  queues: QueueFactory;
  secrets: SecretBox;
  /** Signs values we hand out and must recognise again (pay links, session cookies). */
  signer: Signer;
  /** Prometheus registry served at /metrics. */
  metrics: Registry;
  close(): Promise<void>;
}

export function createContainer(opts: {
  config: Config;
  log: Logger;
  databaseUrl: string;
  redisUrl: string;
  secretKey: Buffer;
  clock?: Clock;
  /** Defaults to the process's default metrics on; tests turn them off. */
  processMetrics?: boolean;
  /** An existing knex instance on databaseUrl (tests); default: a new pool. */
  db?: Knex;
}): Container {
  const { config, log } = opts;
  const db = opts.db ?? createDb({ url: opts.databaseUrl, poolMax: config.DATABASE_POOL_MAX, applicationName: `isp ${config.ROLE.join(',')}` });
  // The replica's pool is named apart in pg_stat_activity (`isp web replica`); it connects lazily, so roles that never report open none.
  const replicaDb = config.DATABASE_REPLICA_URL
    ? createDb({ url: config.DATABASE_REPLICA_URL, poolMax: config.DATABASE_POOL_MAX, applicationName: `isp ${config.ROLE.join(',')} replica` })
    : db;
  const redis = createRedis(opts.redisUrl, `isp-${config.ROLE.join('-')}`);
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
  const metrics = new Registry();
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: metrics });
  return {
    config,
    log,
    clock: opts.clock ?? systemClock,
    db,
    databaseUrl: opts.databaseUrl,
    replicaDb,
    redis,
    queues: createQueueFactory(redis, config.QUEUE_PREFIX),
    secrets: createSecretBox(opts.secretKey),
    signer: createSigner(opts.secretKey),
    metrics,
    async close() {
      await this.queues.close();
      await db.destroy();
      if (replicaDb !== db) await replicaDb.destroy();
      redis.disconnect();
    },
  };
}
