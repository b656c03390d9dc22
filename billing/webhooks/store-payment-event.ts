/**
 * The payment_events inbox's one writer of new events: a notification the gateway's signature
 * check accepted (web/webhook-routes.ts) is stored once, unique on provider + event key, so a
 * gateway delivering it again changes nothing. It is due at once; a worker asks the gateway for
 * the order's authoritative status (process-payment-event.ts). A notification replayed with a new
 * transaction id is stored, but its order is asked about once at a time, so it costs the gateway
 * nothing more. See ARCHITECTURE.md, "Payment flow".
 */
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import { pgText } from '../../lib/pg-text.js';
import type { Provider, VerifiedNotification } from '../payments/gateways/payment-gateway.js';

/**
 * Stores a verified notification of `provider` as `received`, due now (clock).
 * Text PostgreSQL cannot hold (NUL) is cleaned (pgText); the payload is kept as jsonb.
 * @returns the new payment_events id, or null when the same event (provider + eventKey) is stored already.
 */
export async function storePaymentEvent(deps: { db: Knex; clock: Clock }, provider: Provider, verified: VerifiedNotification): Promise<number | null> {
  const now = deps.clock.now();
  const { rows } = await deps.db.raw(
    `INSERT INTO payment_events (provider, event_key, order_id, claims_paid, payload, received_at, next_attempt_at) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)
     ON CONFLICT (provider, event_key) DO NOTHING RETURNING id`,
    [provider, pgText(verified.eventKey), pgText(verified.orderId), verified.claimsPaid, JSON.stringify(verified.payload), now, now],
  );
  const id = (rows as Array<{ id: number | string }>)[0]?.id;
  return id === undefined ? null : Number(id);
}
