/**
 * Staff retry a payment notification that failed — never confirmed by the gateway within the
 * back-off (due-payment-events.ts), or flagged: every failed or waiting event of its order is
 * unresolved again with a fresh back-off, the retry audited (`payment_event_retried`) in the same
 * transaction, then the order is checked with the gateway at once (process-payment-event.ts).
 */
import type { AuditActor } from '../../lib/audit.js';
import { recordAudit } from '../../lib/audit.js';
import { AppError } from '../../lib/errors.js';
import { processPaymentEvent, type EventOutcome, type PaymentEventDeps } from './process-payment-event.js';

/**
 * @returns what checking the order now gave (`credited`, `retry` while the gateway is still down, …)
 * @throws AppError `not_found` (404) for no such event, `not_failed` (409) for one that is not failed.
 */
export async function retryPaymentEvent(deps: PaymentEventDeps, eventId: number, actor: AuditActor): Promise<EventOutcome> {
  const now = deps.clock.now();
  await deps.db.transaction(async (trx) => {
    const e = await trx('payment_events').where({ id: eventId }).forUpdate().first('id', 'provider', 'order_id', 'status', 'attempts', 'last_error');
    if (!e) throw new AppError('not_found', 'not_found', 404);
    if (e.status !== 'failed') throw new AppError('not_failed', 'this payment notification is not failed', 409);
    const reopened = await trx('payment_events')
      .where({ provider: e.provider, order_id: e.order_id })
      .whereIn('status', ['failed', 'received'])
      .update({ status: 'received', attempts: 0, next_attempt_at: now, processed_at: null });
    await recordAudit(trx, actor, {
      action: 'payment_event_retried', objectType: 'payment_event', objectId: Number(e.id),
      before: { status: e.status, attempts: e.attempts, lastError: e.last_error, orderId: e.order_id, provider: e.provider },
      after: { status: 'received', events: reopened },
    });
  });
  return processPaymentEvent(deps, eventId);
}
