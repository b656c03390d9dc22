/**
 * The one writer of `staff_alerts`: whatever needs a person (a CoA / Disconnect-Request no NAS
 * acknowledged, a payment for an invoice that was voided, a refund at the gateway) raises an alert
 * here. The console lists and acknowledges them (admin/alerts/); the worker relays new ones to the
 * staff Telegram chat (billing/notifications/relay-staff-alerts.ts). Kernel, like the audit log:
 * aaa/ and billing/ both raise alerts and neither owns the table. See ARCHITECTURE.md, "Vocabulary".
 */
import type { Knex } from './db.js';
import { recordEvents } from './outbound-events.js';

export interface StaffAlert {
  /** snake_case kind, e.g. `nas_control_failed`, `payment_after_void`. */
  kind: string;
  /** One sentence for a person, in the staff's working language (English today). */
  message: string;
  /** Facts for the console's detail view (ids, addresses, what was tried); no secrets. */
  details?: Record<string, unknown>;
  /**
   * At most one alert per key (staff_alerts.alert_key is unique): a retried job or a redelivered
   * notification raises its alert once. Without a key every call raises a new alert.
   */
  key?: string;
}

/**
 * Inserts the alerts with `db` (a transaction, so an alert exists exactly when the change that
 * raised it commits, or the pool). Alerts whose key was raised before are skipped.
 */
export async function raiseStaffAlerts(db: Knex | Knex.Transaction, alerts: readonly StaffAlert[]): Promise<void> {
  if (alerts.length === 0) return;
  const raise = async (trx: Knex | Knex.Transaction): Promise<void> => {
    const raised = (await trx('staff_alerts')
      .insert(alerts.map((a) => ({ alert_key: a.key ?? null, kind: a.kind, message: a.message, details: JSON.stringify(a.details ?? {}) })))
      .onConflict('alert_key')
      .ignore()
      .returning(['id', 'kind', 'message', 'details'])) as Array<{ id: number | string; kind: string; message: string; details: unknown }>;
    // `alert.raised` webhooks (lib/outbound-events.ts), for the alerts actually inserted: data `{ alert_id, kind, message, details }`.
    await recordEvents(trx, raised.map((r) => ({ type: 'alert.raised', data: { alert_id: Number(r.id), kind: r.kind, message: r.message, details: r.details } })));
  };
  // Alert and event together: in the caller's transaction, or in one of their own on the pool.
  if ((db as Knex.Transaction).isTransaction) await raise(db);
  else await db.transaction(raise);
}
