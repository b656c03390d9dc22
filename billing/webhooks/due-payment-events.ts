/**
 * Stored payment notifications still waiting because the gateway's status API was unreachable:
 * due again after 30 s × 2^attempts (at most an hour apart). After 20 attempts (about a day)
 * an event is marked failed and staff are alerted: the customer may have paid.
 */
import type { Knex } from '../../lib/db.js';

const MAX_ATTEMPTS = 20;

/** Ids of the events due for another try at `now` (at most 200). */
export async function duePaymentEvents(db: Knex, now: Date): Promise<number[]> {
  const { rows: gaveUp } = await db.raw(
    `UPDATE payment_events SET status = 'failed', processed_at = ? WHERE status = 'received' AND attempts >= ? RETURNING id, provider, order_id, last_error`,
    [now, MAX_ATTEMPTS],
  );
  if (gaveUp.length) {
    await db('staff_alerts').insert(
      (gaveUp as Array<{ id: number; provider: string; order_id: string; last_error: string | null }>).map((e) => ({
        alert_key: `payment_event_unconfirmed:${e.id}`,
        kind: 'payment_event_unconfirmed',
        message: `Payment notification ${e.order_id} (${e.provider}) could not be confirmed with the gateway after ${MAX_ATTEMPTS} attempts; check it by hand.`,
        details: JSON.stringify({ eventId: e.id, lastError: e.last_error }),
      })),
    ).onConflict('alert_key').ignore();
  }
  const { rows } = await db.raw(
    `SELECT id FROM payment_events
      WHERE status = 'received'
        AND received_at + least(interval '30 seconds' * power(2, attempts), interval '1 hour') <= ?
      ORDER BY id LIMIT 200`,
    [now],
  );
  return (rows as Array<{ id: number }>).map((r) => Number(r.id));
}
