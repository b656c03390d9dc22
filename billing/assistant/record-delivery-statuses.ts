/**
 * Delivery statuses of our WhatsApp messages (Cloud API webhook `statuses[]`: sent → delivered →
 * read, or failed; Fonnte's status webhook likewise) and the delivery state a message shows.
 *
 * Statuses are stored by the provider's message id, whether or not we already know that id:
 * Meta does not order its notifications and a `sent` can arrive before the dispatcher has
 * stored the id it got back (notification_outbox.provider_id). The state is worked out when
 * read, so the order of arrival never matters: failed > read > delivered > sent (a later
 * `delivered` never undoes a `read`).
 */
import type { Knex } from '../../lib/db.js';

export interface DeliveryStatus {
  providerMessageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  /** When the provider says it happened; null: when we heard of it. */
  at: Date | null;
  /** The provider's reason for `failed` (`(#131047) Re-engagement message`), never message text. */
  error: string | null;
}

export type DeliveryState = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

/** Stores each status once (a redelivered notification changes nothing). @returns how many were new. */
export async function recordDeliveryStatuses(db: Knex, statuses: readonly DeliveryStatus[], now: Date): Promise<number> {
  let added = 0;
  for (const s of statuses) {
    const { rowCount } = await db.raw(
      `INSERT INTO whatsapp_message_statuses (provider_message_id, status, error, reported_at, received_at)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (provider_message_id, status) DO NOTHING`,
      [s.providerMessageId.slice(0, 200), s.status, s.error?.slice(0, 300) ?? null, s.at ?? now, now],
    );
    added += rowCount ?? 0;
  }
  return added;
}

/**
 * The state of an outgoing message from its outbox row's status (`pending`, `sent`, `failed`)
 * and the statuses the provider reported for it.
 */
export function deliveryState(outboxStatus: string | null, reported: readonly string[]): DeliveryState {
  if (outboxStatus === 'failed' || reported.includes('failed')) return 'failed';
  for (const s of ['read', 'delivered', 'sent'] as const) if (reported.includes(s)) return s;
  return outboxStatus === 'sent' ? 'sent' : 'queued';
}
