/**
 * Keeps PostgreSQL's idea of the open partition's size current while it fills quickly
 * (ARCHITECTURE.md "Accounting partitions").
 *
 * The session upsert (accounting-statements.ts) finds its rows in `accounting_sessions_open` by
 * session key. The planner picks that index scan only when it believes the partition holds more
 * than a handful of rows; it believes what the last ANALYZE stored (pg_class.reltuples). When the
 * partition was empty at that ANALYZE (a new installation, or after every session closed, e.g. a
 * NAS sent Accounting-On) and then fills fast (the reconnect storm after a router reboot), the
 * plan of each batch (a prepared statement, whose generic plan is cached per connection:
 * lib/prepared-query.ts) is a scan of the whole partition,
 * so every batch costs more as the partition grows. Measured with `npm run bench:radius -- --only
 * acct --subscribers 20000 --concurrency 16` (a bench run empties the partition first): a batch of
 * 8 Starts took 5 ms with 3,000 sessions open and 14 ms with 20,000, and Interim-Updates kept the
 * 14 ms until autovacuum's next ANALYZE (its naptime is a minute; PostgreSQL documentation,
 * "The Autovacuum Daemon").
 *
 * So the writer counts the sessions it inserts and runs `ANALYZE accounting_sessions_open` once
 * they exceed what PostgreSQL last counted (at least `minRows`): the partition's size is then
 * never more than about twice the planner's belief, a fill from empty costs O(log n) ANALYZEs
 * (each samples at most 30,000 rows: PostgreSQL documentation, ANALYZE, "Notes"), and a steady
 * state (sessions open and close at the same pace) none. ANALYZE invalidates the cached plans
 * that use the table, so the next batch is planned again (PostgreSQL documentation, PREPARE,
 * "Notes"). It runs beside the commit lanes, never in one, and one at a time per process.
 */
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';

export interface OpenPartitionStats {
  /** Counts `n` sessions the writer just inserted; may start an ANALYZE in the background. */
  inserted(n: number): void;
  /** Resolves when no ANALYZE is running. */
  settled(): Promise<void>;
}

/**
 * @param db the writer's connections (the table's owner: ANALYZE needs it)
 * @param minRows inserts that never trigger an ANALYZE below this count (default 1,000)
 */
export function createOpenPartitionStats(opts: { db: Knex; log: Logger; minRows?: number }): OpenPartitionStats {
  const { db, log, minRows = 1000 } = opts;
  let sinceAnalyze = 0;
  // Unknown until the first ANALYZE: the first one runs after minRows inserts.
  let believed = 0;
  let running: Promise<void> | null = null;

  async function analyze(): Promise<void> {
    try {
      await db.raw('ANALYZE accounting_sessions_open');
      const { rows } = await db.raw<{ rows: Array<{ reltuples: number }> }>(
        `SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = 'accounting_sessions_open'::regclass`);
      believed = Math.max(0, rows[0]?.reltuples ?? 0);
    } catch (err) {
      // Nothing is lost: autovacuum analyzes later; the next inserts try again.
      log.warn({ err: (err as Error).message }, 'ANALYZE of the open accounting partition failed');
    }
  }

  return {
    inserted(n) {
      sinceAnalyze += n;
      if (running || sinceAnalyze < Math.max(minRows, believed)) return;
      sinceAnalyze = 0;
      running = analyze().finally(() => { running = null; });
    },
    async settled() {
      await running;
    },
  };
}
