/**
 * When a stored payment notification is tried again. The gateway's status API unreachable, or
 * still "pending" after a "paid" notification: the order is asked again after 30 s × 2^(n−1)
 * (at most an hour) counted from the last attempt, n failed attempts so far. After
 * MAX_ATTEMPTS failed attempts — just over three days of trying (retryScheduleMs) — the events
 * are marked failed and staff alerted (process-payment-event.ts): the customer may have paid, and
 * Midtrans and Xendit do not notify again once answered 200. Staff retry a failed one from the
 * console (/admin/payments/events, retry-payment-event.ts).
 */
import type { Knex } from '../../lib/db.js';

export const RETRY_FIRST_MS = 30_000;
export const RETRY_MAX_GAP_MS = 3600_000;
/** Failed attempts before staff take over: 30 s … 32 min (7 attempts), then hourly to 3 days. */
export const MAX_ATTEMPTS = 80;

/** Milliseconds from the `attempts`-th failed attempt (1-based) to the next one. */
export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_FIRST_MS * 2 ** Math.max(0, attempts - 1), RETRY_MAX_GAP_MS);
}

/** Milliseconds from the first failed attempt to the last one before giving up (≥ 3 days). */
export function retryScheduleMs(): number {
  let total = 0;
  for (let n = 1; n < MAX_ATTEMPTS; n++) total += retryDelayMs(n);
  return total;
}

/**
 * One event id per order with an event due at `now` (next_attempt_at reached), most overdue
 * first, at most `limit`: processing one event checks its whole order (process-payment-event.ts).
 */
export async function duePaymentEvents(db: Knex, now: Date, limit = 200): Promise<number[]> {
  const { rows } = await db.raw(
    `SELECT min(id) AS id FROM payment_events
      WHERE status = 'received' AND next_attempt_at <= ?
      GROUP BY provider, order_id
      ORDER BY min(next_attempt_at), min(id) LIMIT ?`,
    [now, limit],
  );
  return (rows as Array<{ id: string | number }>).map((r) => Number(r.id));
}
