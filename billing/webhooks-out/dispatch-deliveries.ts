/**
 * The outbox's sender (run by the worker every few seconds, webhook-jobs.ts): claims due pending
 * deliveries of active endpoints (FOR UPDATE SKIP LOCKED, so two workers never take the same
 * one), leases them by moving next_attempt_at past the request timeout (a worker that dies
 * mid-send leaves them to be sent again after the lease: at-least-once), and attempts them a few
 * at a time (attempt-delivery.ts). Batches follow one another until none is due or `budgetMs`
 * is spent. A disabled endpoint's deliveries wait, unsent, until staff switch it on again.
 * Also prunes events older than EVENT_RETENTION_DAYS whose deliveries are all settled.
 */
import { attemptDelivery } from './attempt-delivery.js';
import type { WebhookDeps } from './webhook-deps.js';

/** Days a settled event and its delivery log are kept. */
export const EVENT_RETENTION_DAYS = 30;

export interface DispatchReport {
  attempted: number;
  delivered: number;
}

/**
 * Sends what is due now (see the module comment).
 * @param opts.batch deliveries claimed at once (default 50); opts.parallel at once in flight (default 8)
 */
export async function dispatchDueDeliveries(deps: WebhookDeps, opts: { batch?: number; parallel?: number; budgetMs?: number } = {}): Promise<DispatchReport> {
  const batch = opts.batch ?? 50;
  const parallel = opts.parallel ?? 8;
  const deadline = Date.now() + (opts.budgetMs ?? 30_000);
  const report: DispatchReport = { attempted: 0, delivered: 0 };
  for (;;) {
    const now = deps.clock.now();
    const lease = new Date(now.getTime() + deps.settings.timeoutMs + 60_000);
    const { rows } = await deps.db.raw(
      `UPDATE webhook_deliveries SET next_attempt_at = ?
        WHERE id IN (SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                      WHERE d.status = 'pending' AND e.is_active AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)
                      ORDER BY d.next_attempt_at NULLS FIRST, d.id
                      LIMIT ? FOR UPDATE OF d SKIP LOCKED)
        RETURNING id`,
      [lease, now, batch],
    );
    const ids = (rows as Array<{ id: number | string }>).map((r) => Number(r.id)).sort((a, b) => a - b);
    for (let i = 0; i < ids.length; i += parallel) {
      const outcomes = await Promise.all(ids.slice(i, i + parallel).map((id) => attemptDelivery(deps, id)));
      report.attempted += outcomes.length;
      report.delivered += outcomes.filter((o) => o?.ok).length;
    }
    if (ids.length < batch || Date.now() > deadline) return report;
  }
}

/** Deletes settled events (no pending delivery) older than EVENT_RETENTION_DAYS; returns how many. */
export async function pruneWebhookEvents(deps: Pick<WebhookDeps, 'db' | 'clock'>): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - EVENT_RETENTION_DAYS * 86_400_000);
  const { rowCount } = await deps.db.raw(
    `DELETE FROM webhook_events ev WHERE ev.created_at < ?
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ev.id AND d.status = 'pending')`,
    [before],
  );
  return Number(rowCount ?? 0);
}
