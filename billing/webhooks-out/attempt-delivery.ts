/**
 * One attempt at one delivery (an event to one endpoint), for the dispatcher, a staff replay and
 * "send a test event": the envelope `{ id, type, created_at, data }` is POSTed as JSON, signed
 * (signature.ts), and the outcome recorded on the delivery row for the log:
 * - 2xx: delivered; the endpoint's failing streak ends;
 * - anything else, a timeout or no connection: attempts + 1 and the next attempt after
 *   retryDelaySeconds (1 min, 3 min, 9 min … × 3 each time, at most 24 h); after MAX_ATTEMPTS
 *   the delivery is `failed` (about 2.7 days after the first);
 * - an endpoint whose failing streak (failing_since) is older than WEBHOOK_DISABLE_AFTER_DAYS is
 *   switched off (disabled_reason `failing`) with a staff alert (lib/staff-alerts.ts), in the same
 *   transaction as the outcome.
 * Headers: X-Webhook-Id (the event id, for de-duplication: at-least-once delivery), X-Webhook-Event,
 * X-Webhook-Timestamp, X-Webhook-Signature. The secret and the URL's query (it may hold a token)
 * are never logged.
 */
import { raiseStaffAlerts } from '../../lib/staff-alerts.js';
import { urlForLog } from './endpoint-address.js';
import { postWebhook, type PostOutcome } from './post-webhook.js';
import { signatureHeader } from './signature.js';
import type { WebhookDeps } from './webhook-deps.js';

/** Attempts per delivery before it is `failed`. */
export const MAX_ATTEMPTS = 10;

/** Seconds to wait after the `attempts`-th failed attempt: 60 × 3^(attempts-1), at most 24 h. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(24 * 3600, 60 * 3 ** Math.max(0, attempts - 1));
}

interface DeliveryRow {
  id: number; attempts: number; public_id: string; type: string; data: unknown; created_at: Date;
  endpoint_id: number; url: string; secret_enc: string; previous_secret_enc: string | null; previous_secret_until: Date | null;
  is_active: boolean; failing_since: Date | null;
}

/**
 * Sends delivery `deliveryId` now and records the outcome (see the module comment).
 * @returns the outcome, or null when there is no such delivery
 */
export async function attemptDelivery(deps: WebhookDeps, deliveryId: number): Promise<(PostOutcome & { status: string }) | null> {
  const row = (await deps.db('webhook_deliveries as d')
    .join('webhook_events as ev', 'ev.id', 'd.event_id')
    .join('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .where('d.id', deliveryId)
    .first('d.id', 'd.attempts', 'ev.public_id', 'ev.type', 'ev.data', 'ev.created_at', 'e.id as endpoint_id', 'e.url', 'e.secret_enc',
      'e.previous_secret_enc', 'e.previous_secret_until', 'e.is_active', 'e.failing_since')) as DeliveryRow | undefined;
  if (!row) return null;
  const now = deps.clock.now();
  const body = JSON.stringify({ id: row.public_id, type: row.type, created_at: new Date(row.created_at).toISOString(), data: row.data });
  const secrets = [deps.secrets.open(row.secret_enc)];
  if (row.previous_secret_enc && row.previous_secret_until && new Date(row.previous_secret_until) > now) secrets.push(deps.secrets.open(row.previous_secret_enc));
  const timestamp = Math.floor(now.getTime() / 1000);
  const outcome = await postWebhook(row.url, body, {
    'user-agent': 'isp-billing-webhooks/1',
    'x-webhook-id': row.public_id,
    'x-webhook-event': row.type,
    'x-webhook-timestamp': String(timestamp),
    'x-webhook-signature': signatureHeader(secrets, timestamp, body),
  }, { timeoutMs: deps.settings.timeoutMs, allowInternal: deps.settings.allowInternal });

  const attempts = Number(row.attempts) + 1;
  const status = outcome.ok ? 'delivered' : attempts >= MAX_ATTEMPTS ? 'failed' : 'pending';
  const done = deps.clock.now();
  await deps.db.transaction(async (trx) => {
    await trx('webhook_deliveries').where({ id: row.id }).update({
      status, attempts, last_attempt_at: done, last_status_code: outcome.statusCode, last_error: outcome.error,
      last_response: outcome.response, last_duration_ms: outcome.durationMs,
      delivered_at: outcome.ok ? done : null,
      next_attempt_at: status === 'pending' ? new Date(done.getTime() + retryDelaySeconds(attempts) * 1000) : null,
    });
    if (outcome.ok) {
      await trx('webhook_endpoints').where({ id: row.endpoint_id }).whereNotNull('failing_since').update({ failing_since: null });
      return;
    }
    const since = row.failing_since ? new Date(row.failing_since) : done;
    if (!row.failing_since) await trx('webhook_endpoints').where({ id: row.endpoint_id }).whereNull('failing_since').update({ failing_since: done });
    if (row.is_active && done.getTime() - since.getTime() >= deps.settings.disableAfterDays * 86_400_000) {
      const off = await trx('webhook_endpoints').where({ id: row.endpoint_id, is_active: true }).update({ is_active: false, disabled_reason: 'failing' });
      if (off) {
        await raiseStaffAlerts(trx, [{
          kind: 'webhook_endpoint_disabled',
          key: `webhook_endpoint_disabled:${row.endpoint_id}:${since.getTime()}`,
          message: `Webhook endpoint ${urlForLog(row.url)} switched off: every delivery failed for ${deps.settings.disableAfterDays} days`,
          details: { endpointId: row.endpoint_id, url: urlForLog(row.url), failingSince: since.toISOString(), lastError: outcome.error, lastStatusCode: outcome.statusCode },
        }]);
        deps.log.warn({ endpointId: row.endpoint_id, url: urlForLog(row.url) }, 'webhook endpoint switched off after failing');
      }
    }
  });
  return { ...outcome, status };
}
