/**
 * Fresh planner statistics after a bulk change. Autovacuum analyzes a table only after ~10% of
 * it changed and on its own schedule (autovacuum_naptime, 1 min), so right after a job wrote
 * 100,000 invoices or dunning actions the planner can still believe the table holds a handful
 * of rows and pick a nested loop that turns the next statement from 0.5 s into minutes (seen in
 * bench:billing: an idle dunning pass took 347 s in one run, 3 s in the next). ANALYZE samples
 * 30,000 rows per table, so it costs a few hundred milliseconds at any size.
 * Source: PostgreSQL docs, "Populating a Database" §14.4.9 (run ANALYZE afterwards) and
 * "The Autovacuum Daemon" §24.1.6.
 */
import type { Knex } from './db.js';

/** Rows changed below which autovacuum's own pace is good enough. */
export const BULK_ROWS = 10_000;

/**
 * ANALYZE `tables` when `changedRows` ≥ BULK_ROWS; resolves true when it ran. Table names come
 * from our code, never from input (identifiers cannot be bound parameters).
 */
export async function analyzeAfterBulk(db: Knex, tables: readonly string[], changedRows: number): Promise<boolean> {
  if (changedRows < BULK_ROWS || !tables.length) return false;
  for (const t of tables) if (!/^[a-z_]+$/.test(t)) throw new Error(`bad table name ${t}`);
  await db.raw(`ANALYZE ${tables.join(', ')}`);
  return true;
}
