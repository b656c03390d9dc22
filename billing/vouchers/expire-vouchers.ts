/**
 * Marks active vouchers whose validity has ended as `expired` (ended_at = when the validity
 * ended). Run every minute by the worker role's `expire-vouchers` job (server/worker-role.ts); the
 * radius role already refuses a voucher from its expires_at on, so this only brings the status
 * (console, reports, the radius role's in-memory copy) up to date. Idempotent.
 */
import type { Knex } from '../../lib/db.js';

/** Expires what is due at `now`; returns how many vouchers changed. */
export async function expireVouchers(db: Knex, now: Date): Promise<number> {
  const { rowCount } = await db.raw(
    `UPDATE vouchers SET status = 'expired', ended_at = expires_at
      WHERE status = 'active' AND expires_at <= ?::timestamptz`,
    [now.toISOString()],
  );
  return rowCount ?? 0;
}
