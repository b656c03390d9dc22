/**
 * What the bench scripts share: a scratch database beside the configured one (DATABASE_URL, or
 * the embedded PostgreSQL under DATA_DIR), created fresh, with a container on it and a settable
 * clock; and `timed`. `close({ keep })` drops the database unless kept and stops what it started.
 */
import pg from 'pg';
import { settableClock } from '../lib/clock.js';
import type { Config } from '../lib/config.js';
import { createContainer, type Container } from '../lib/container.js';
import type { Logger } from '../lib/logger.js';
import { resolveKey } from '../lib/secret-box.js';
import { resolveDatabase, resolveRedis } from '../server/services.js';

export interface Scratch {
  c: Container;
  clock: ReturnType<typeof settableClock>;
  /** Closes the container, drops the scratch database unless `keep`, stops embedded services. */
  close(opts: { keep: boolean }): Promise<void>;
}

/**
 * @param name scratch database name (an identifier of our own, never input)
 * @param databaseLog logger for the embedded PostgreSQL's own log (default `log`)
 * @param prepare runs as the admin connection after CREATE DATABASE (e.g. ALTER DATABASE … SET)
 */
export async function openScratch(opts: {
  config: Config; log: Logger; databaseLog?: Logger; name: string; clockStart: string;
  prepare?: (admin: pg.Client) => Promise<void>;
}): Promise<Scratch> {
  if (!/^[a-z_]+$/.test(opts.name)) throw new Error(`bad database name ${opts.name}`);
  const database = await resolveDatabase(opts.config, opts.databaseLog ?? opts.log);
  const redis = await resolveRedis(opts.config, opts.log);
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${opts.name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${opts.name}`);
  await opts.prepare?.(admin);
  const url = new URL(database.url);
  url.pathname = `/${opts.name}`;
  const clock = settableClock(opts.clockStart);
  const c = createContainer({
    config: opts.config, log: opts.log, clock, databaseUrl: url.toString(), redisUrl: redis.url,
    secretKey: resolveKey(opts.config.APP_SECRET_KEY, opts.config.DATA_DIR).key, processMetrics: false,
  });
  return {
    c,
    clock,
    async close({ keep }) {
      await c.close();
      if (!keep) await admin.query(`DROP DATABASE IF EXISTS ${opts.name} WITH (FORCE)`);
      await admin.end();
      await redis.stop();
      await database.stop();
    },
  };
}

/** Runs `fn`; resolves with its result and the seconds it took. */
export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const result = await fn();
  return [result, Number(process.hrtime.bigint() - t0) / 1e9];
}
