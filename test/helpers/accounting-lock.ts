/**
 * Stalls accounting commits from outside the server: a second connection holds a lock on
 * accounting_sessions (SHARE ROW EXCLUSIVE, which every INSERT/UPDATE waits for; reads go on),
 * so a test can look at what the server does while its statement waits, then let it commit.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import type { Knex } from '../../lib/db.js';

export interface AccountingLock {
  /** Backend pids of the server's accounting statements waiting for the lock, once there are at least `n`. */
  waiters(n: number): Promise<number[]>;
  /** Ends the lock's transaction: the waiting statements go on. */
  release(): Promise<void>;
}

export async function holdAccountingLock(databaseUrl: string, db: Knex): Promise<AccountingLock> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'test accounting lock' });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE accounting_sessions IN SHARE ROW EXCLUSIVE MODE');
  let released = false;
  return {
    async waiters(n) {
      const until = Date.now() + 10_000;
      for (;;) {
        const { rows } = await db.raw(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO accounting_sessions%'`,
        );
        const pids = (rows as Array<{ pid: number }>).map((r) => r.pid);
        if (pids.length >= n) return pids;
        if (Date.now() > until) assert.fail(`only ${pids.length} of ${n} accounting statements reached the lock`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async release() {
      if (released) return;
      released = true;
      await client.query('COMMIT');
      await client.end();
    },
  };
}

