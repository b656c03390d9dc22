/**
 * Where PostgreSQL and Redis come from: DATABASE_URL / REDIS_URL when set, else the embedded
 * PostgreSQL and local redis-server under DATA_DIR (started, or attached to when another process
 * on the same DATA_DIR already runs them). Used by `npm start` and by the scripts that must reach
 * the same database as a running server (seed:load, bench:radius).
 */
import type { Config } from '../lib/config.js';
import { startEmbeddedPostgres } from '../lib/embedded/postgres.js';
import { startLocalRedis } from '../lib/embedded/redis.js';
import type { SupervisionState } from '../lib/embedded/supervisor.js';
import type { Logger } from '../lib/logger.js';

export interface Service {
  url: string;
  /** Stops what this process started; nothing when it used an URL or attached. */
  stop(): Promise<void>;
  /** The embedded server this process started and restarts when it dies; absent/null otherwise. */
  supervision?(): SupervisionState | null;
}

export async function resolveDatabase(config: Config, log: Logger): Promise<Service> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, stop: async () => {} };
  return startEmbeddedPostgres({ dataDir: config.DATA_DIR, database: 'isp', log });
}

export async function resolveRedis(config: Config, log: Logger): Promise<Service> {
  if (config.REDIS_URL) return { url: config.REDIS_URL, stop: async () => {} };
  return startLocalRedis({ dataDir: config.DATA_DIR, log });
}
