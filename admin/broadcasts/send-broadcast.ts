/**
 * Sending a broadcast: one `notification_outbox` row per recipient (channel whatsapp, template
 * `broadcast`, the text filled in for them: broadcast-message.ts), the `broadcasts` row and its
 * `broadcast_recipients`, and the audit row (`broadcast_sent`), in one transaction; after commit
 * the dispatcher is nudged (engine.run's effects). The dispatcher sends them as any outbox row
 * (billing/notifications/dispatch.ts: retries, failures).
 *
 * Rate limit: broadcast-specific. The dispatcher has no per-channel limit, so the rows are spread
 * over time instead: row i is not due before `now + floor(i / perMinute)` minutes
 * (PER_MINUTE, 20 a minute: well under what WhatsApp Cloud allows a number, and slow enough that
 * a Fonnte-linked phone is not flagged for spam). A broadcast never delays a customer's invoice
 * message by more than the dispatcher's usual pass: its rows are only due at their minute.
 */
import { enqueueNotifications, type OutboxEntry } from '../../billing/notifications/enqueue.js';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import { loadBillingSettings } from '../../billing/settings/billing-settings.js';
import type { SubscriptionFilter } from '../subscriptions/subscription-filter.js';
import type { AdminDeps } from '../deps.js';
import type { Audience } from './broadcast-audience.js';
import { fillMessage } from './broadcast-message.js';

export const PER_MINUTE = 20;

/** @returns the new broadcast's id. */
export async function sendBroadcast(deps: AdminDeps, input: { actor: AuditActor; filter: SubscriptionFilter; message: string; audience: Audience }): Promise<number> {
  const { filter, message, audience } = input;
  return deps.engine.run((u) => u.effects.transaction(u.db, async (trx) => {
    const now = u.clock.now();
    const companyName = (await loadBillingSettings(trx)).companyName;
    const [row] = await trx('broadcasts').insert({
      staff_user_id: input.actor.staffUserId, staff_username: input.actor.username, filter: JSON.stringify(filter), message,
      recipients: audience.members.length, without_phone: audience.withoutPhone, per_minute: PER_MINUTE, created_at: now,
    }).returning('id');
    const id = Number(row.id);
    const entries: OutboxEntry[] = audience.members.map((m, i) => ({
      idempotencyKey: `broadcast:${id}:${m.customerId}:whatsapp`, channel: 'whatsapp', recipient: m.phone, customerId: m.customerId,
      template: 'broadcast', locale: m.locale,
      payload: { text: fillMessage(message, m), customerName: m.name, customerNumber: m.customerNumber, ...(companyName ? { companyName } : {}) },
      notBefore: new Date(now.getTime() + Math.floor(i / PER_MINUTE) * 60_000),
    }));
    for (let i = 0; i < entries.length; i += 1000) await enqueueNotifications(trx, entries.slice(i, i + 1000), now);
    await trx.raw(
      `INSERT INTO broadcast_recipients (broadcast_id, customer_id, outbox_id, position)
       SELECT ?, o.customer_id, o.id, k.position FROM unnest(?::text[]) WITH ORDINALITY AS k(key, position)
         JOIN notification_outbox o ON o.idempotency_key = k.key`,
      [id, entries.map((e) => e.idempotencyKey)],
    );
    await recordAudit(trx, input.actor, {
      action: 'broadcast_sent', objectType: 'broadcast', objectId: id,
      after: { filter, recipients: audience.members.length, withoutPhone: audience.withoutPhone, message },
    });
    if (entries.length) u.effects.notificationsQueued();
    return id;
  }));
}
