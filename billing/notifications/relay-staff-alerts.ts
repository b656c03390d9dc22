/**
 * Staff alerts reach the staff Telegram chat and the staff WhatsApp numbers. Whoever needs a
 * person raises one (lib/staff-alerts.ts) (the radius role when no NAS took a CoA or Disconnect,
 * billing on an amount mismatch, a refund after settlement, a notification the gateway never
 * confirmed, the network monitor); the staff console lists them, and this relays each to the
 * outbox once, as a `staff_alert` message: one to the Telegram chat, one to each staff WhatsApp
 * number (the WhatsApp channel's `staffNumbers` setting, billing/settings/staff-whatsapp-numbers.ts).
 * Rows older than a day when first seen are marked relayed without a message: switching Telegram
 * or WhatsApp on does not replay history. With neither configured nothing is marked.
 */
import type { Knex } from '../../lib/db.js';
import { enqueueNotifications, type OutboxEntry } from './enqueue.js';

/**
 * Relays up to `limit` unrelayed alerts (oldest first; concurrent workers skip each other's rows).
 * Each message's idempotency key names the alert, the channel and (WhatsApp) the number:
 * `staff_alert:<id>:telegram`, `staff_alert:<id>:whatsapp:+6281234567890`.
 * @param opts.chatId TELEGRAM_CHAT_ID; undefined: Telegram is off.
 * @param opts.whatsappNumbers staff numbers, E.164 with `+` (`+6591234567`), when WhatsApp is on; [] or absent: none.
 * @param opts.now the dispatcher's clock (the messages are due at once).
 * @returns how many messages were queued.
 */
export async function relayStaffAlerts(
  db: Knex,
  opts: { chatId: string | undefined; whatsappNumbers?: readonly string[]; companyName: string; now: Date; limit?: number },
): Promise<number> {
  const { chatId } = opts;
  const numbers = opts.whatsappNumbers ?? [];
  if (!chatId && numbers.length === 0) return 0;
  return db.transaction(async (trx) => {
    const { rows } = await trx.raw(
      `UPDATE staff_alerts s SET relayed_at = now()
         FROM (SELECT id FROM staff_alerts WHERE relayed_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) picked
        WHERE s.id = picked.id
        RETURNING s.id, s.message, s.created_at > now() - interval '1 day' AS recent`,
      [opts.limit ?? 100],
    );
    const fresh = (rows as Array<{ id: number; message: string; recent: boolean }>).filter((a) => a.recent);
    const entries: OutboxEntry[] = [];
    for (const a of fresh) {
      const payload = { message: a.message, companyName: opts.companyName };
      if (chatId) entries.push({ idempotencyKey: `staff_alert:${a.id}:telegram`, channel: 'telegram', recipient: chatId, template: 'staff_alert', locale: 'id', payload });
      for (const n of numbers) {
        entries.push({ idempotencyKey: `staff_alert:${a.id}:whatsapp:${n}`, channel: 'whatsapp', recipient: n, template: 'staff_alert', locale: 'id', payload });
      }
    }
    return enqueueNotifications(trx, entries, opts.now);
  });
}
