/**
 * What staff send from the delivery log at once (admin/webhooks/, webhooks.manage), waiting for
 * the receiver's answer (at most WEBHOOK_TIMEOUT_SECONDS) so the page shows it:
 * - replay: a delivery is sent again now, the same event (same `id`: receivers de-duplicate)
 *   with a fresh timestamp and signature; the outcome is recorded as any attempt (a failure goes
 *   back on the retry schedule until MAX_ATTEMPTS);
 * - a test event: `webhook.test` with data `{ endpoint_id, message }`, recorded as an event with one
 *   delivery to this endpoint only, so it shows in the log like any other.
 * Both are refused for an endpoint that is switched off (it gets nothing until switched on).
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import { TEST_EVENT_TYPE } from '../../lib/outbound-events.js';
import { attemptDelivery } from './attempt-delivery.js';
import type { PostOutcome } from './post-webhook.js';
import type { WebhookDeps } from './webhook-deps.js';

export type SendNowOutcome =
  | { ok: true; deliveryId: number; endpointId: number; result: PostOutcome & { status: string } }
  | { ok: false; code: 'not_found' | 'inactive' };

/** Past the send about to happen, so the dispatcher does not send it at the same time. */
const leaseEnd = (deps: WebhookDeps): Date => new Date(deps.clock.now().getTime() + deps.settings.timeoutMs + 60_000);

/** Sends delivery `deliveryId` again now (audited `webhook_delivery_replayed`). */
export async function replayDelivery(deps: WebhookDeps, deliveryId: number, actor: AuditActor): Promise<SendNowOutcome> {
  const row = await deps.db('webhook_deliveries as d').join('webhook_endpoints as e', 'e.id', 'd.endpoint_id').where('d.id', deliveryId).first('d.endpoint_id', 'e.is_active');
  if (!row) return { ok: false, code: 'not_found' };
  if (!row.is_active) return { ok: false, code: 'inactive' };
  await recordAudit(deps.db, actor, { action: 'webhook_delivery_replayed', objectType: 'webhook_delivery', objectId: deliveryId });
  await deps.db('webhook_deliveries').where({ id: deliveryId, status: 'pending' }).update({ next_attempt_at: leaseEnd(deps) }); // not the dispatcher too
  const result = await attemptDelivery(deps, deliveryId);
  if (!result) return { ok: false, code: 'not_found' };
  return { ok: true, deliveryId, endpointId: Number(row.endpoint_id), result };
}

/** Records a `webhook.test` event for endpoint `endpointId` and sends it now. */
export async function sendTestEvent(deps: WebhookDeps, endpointId: number, actor: AuditActor): Promise<SendNowOutcome> {
  const endpoint = await deps.db('webhook_endpoints').where({ id: endpointId }).first('id', 'is_active');
  if (!endpoint) return { ok: false, code: 'not_found' };
  if (!endpoint.is_active) return { ok: false, code: 'inactive' };
  const deliveryId = await deps.db.transaction(async (trx) => {
    const [ev] = await trx('webhook_events')
      .insert({ type: TEST_EVENT_TYPE, data: JSON.stringify({ endpoint_id: endpointId, message: 'A test event sent from the console.' }) })
      .returning('id');
    const [d] = await trx('webhook_deliveries').insert({ event_id: ev.id, endpoint_id: endpointId, next_attempt_at: leaseEnd(deps) }).returning('id');
    await recordAudit(trx, actor, { action: 'webhook_test_sent', objectType: 'webhook_endpoint', objectId: endpointId });
    return Number(d.id);
  });
  const result = await attemptDelivery(deps, deliveryId);
  if (!result) return { ok: false, code: 'not_found' };
  return { ok: true, deliveryId, endpointId, result };
}
