/**
 * The one writer of `staff_alerts`: whatever needs a person (a CoA / Disconnect-Request no NAS
 * acknowledged, a payment for an invoice that was voided, a refund at the gateway) raises an alert
 * here. The console lists and acknowledges them (admin/alerts/); the worker relays new ones to the
 * staff Telegram chat (billing/notifications/relay-staff-alerts.ts). Kernel, like the audit log:
 * aaa/ and billing/ both raise alerts and neither owns the table. See ARCHITECTURE.md, "Vocabulary".
 */
import type { Knex } from './db.js';

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
  await db('staff_alerts')
    .insert(alerts.map((a) => ({ alert_key: a.key ?? null, kind: a.kind, message: a.message, details: JSON.stringify(a.details ?? {}) })))
    .onConflict('alert_key')
    .ignore();
}
