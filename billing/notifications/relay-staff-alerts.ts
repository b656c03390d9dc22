/**
 * Staff alerts reach the staff Telegram chat. Whoever needs a person raises one (lib/staff-alerts.ts)
 * (the radius role when no NAS took a CoA or Disconnect, billing on an amount mismatch, a refund
 * after settlement, a notification the gateway never confirmed); the staff console lists them,
 * and this relays each to the outbox once, as a `staff_alert` message. Rows older than a day when
 * first seen are marked relayed without a message: switching Telegram on does not replay history.
 */
import type { Knex } from '../../lib/db.js';
import { enqueueNotifications } from './enqueue.js';

/**
 * Relays up to `limit` unrelayed alerts (oldest first; concurrent workers skip each other's rows).
 * @param opts.chatId TELEGRAM_CHAT_ID; undefined: Telegram is off, nothing is marked.
 * @param opts.now the dispatcher's clock (the message is due at once).
 * @returns how many messages were queued.
 */
export async function relayStaffAlerts(
  db: Knex,
  opts: { chatId: string | undefined; companyName: string; now: Date; limit?: number },
): Promise<number> {
  const { chatId } = opts;
  if (!chatId) return 0;
  return db.transaction(async (trx) => {
    const { rows } = await trx.raw(
      `UPDATE staff_alerts s SET relayed_at = now()
         FROM (SELECT id FROM staff_alerts WHERE relayed_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) picked
        WHERE s.id = picked.id
        RETURNING s.id, s.message, s.created_at > now() - interval '1 day' AS recent`,
      [opts.limit ?? 100],
    );
    const fresh = (rows as Array<{ id: number; message: string; recent: boolean }>).filter((a) => a.recent);
    return enqueueNotifications(
      trx,
      fresh.map((a) => ({
        idempotencyKey: `staff_alert:${a.id}:telegram`, channel: 'telegram', recipient: chatId, template: 'staff_alert', locale: 'id',
        payload: { message: a.message, companyName: opts.companyName },
      })),
      opts.now,
    );
  });
}
