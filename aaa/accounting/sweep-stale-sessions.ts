/**
 * Closes sessions the NAS stopped reporting: no accounting for longer than `staleAfterMs`
 * (a few interim intervals). A router that died or lost power sends no Stop, and its open rows
 * would block simultaneous-use logins forever — the most common complaint about daloRADIUS and
 * openwisp-radius. The stop time is the last update; the cause is `Stale-Session` (not an RFC
 * 2866 value: ours, so a later Interim from a live session can reopen the row).
 */
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import { STALE_CAUSE } from './accounting-statements.js';

/** Closes stale open sessions; returns how many. */
export async function sweepStaleSessions(db: Knex, clock: Clock, staleAfterMs: number): Promise<number> {
  const cutoff = new Date(clock.now().getTime() - staleAfterMs);
  const { rowCount } = await db.raw(
    `UPDATE accounting_sessions SET stop_time = update_time, terminate_cause = ?
      WHERE stop_time IS NULL AND update_time < ?`,
    [STALE_CAUSE, cutoff],
  );
  return rowCount ?? 0;
}
