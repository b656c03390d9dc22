/**
 * The console's list of payment notifications that need staff (status `failed` in the
 * payment_events inbox): never confirmed by the gateway within the retry back-off, or flagged
 * (an amount other than the one asked, a refund after settlement). One row per order (a replayed
 * notification is not listed twice), newest first, with the payment and its customer; the row's
 * `id` is the event that "retry" names.
 */
import type { Knex } from '../../lib/db.js';
import type { CustomerScope } from '../../billing/customers/customer-scope.js';

export interface FailedPaymentEventRow {
  /** The order's oldest failed event. */
  id: number;
  provider: string;
  order_id: string;
  /** Failed events of the order. */
  events: number;
  received_at: Date;
  last_attempt_at: Date | null;
  attempts: number;
  last_error: string | null;
  payment_id: number | null;
  /** Rupiah. */
  amount: number | null;
  payment_status: string | null;
  flagged_reason: string | null;
  customer_id: number | null;
  customer_number: string | null;
  customer_name: string | null;
}

/**
 * The newest `limit` orders with a failed notification (index payment_events_open); for an
 * area-scoped staff member (billing/customers/customer-scope.ts), only those of a payment of their areas'
 * customers.
 */
export async function listFailedPaymentEvents(db: Knex, limit = 200, scope: CustomerScope = { all: true }): Promise<FailedPaymentEventRow[]> {
  const { rows } = await db.raw(
    `SELECT e.*, p.id AS payment_id, p.amount, p.status AS payment_status, p.flagged_reason,
            c.id AS customer_id, c.customer_number, c.name AS customer_name
       FROM (SELECT provider, order_id, min(id) AS id, count(*)::int AS events, max(received_at) AS received_at,
                    max(last_attempt_at) AS last_attempt_at, max(attempts) AS attempts,
                    (array_agg(last_error ORDER BY id DESC))[1] AS last_error
               FROM payment_events WHERE status = 'failed'
              GROUP BY provider, order_id) e
       LEFT JOIN payments p ON p.gateway_order_id = e.order_id AND p.method = e.provider
       LEFT JOIN customers c ON c.id = p.customer_id
      WHERE ?::text[] IS NULL OR c.area = ANY(?::text[])
      ORDER BY e.received_at DESC, e.id DESC
      LIMIT ?`,
    [scope.all ? null : [...scope.areas], scope.all ? null : [...scope.areas], limit],
  );
  return (rows as FailedPaymentEventRow[]).map((r) => ({
    ...r,
    id: Number(r.id),
    attempts: Number(r.attempts),
    payment_id: r.payment_id === null ? null : Number(r.payment_id),
    amount: r.amount === null ? null : Number(r.amount),
    customer_id: r.customer_id === null ? null : Number(r.customer_id),
  }));
}
