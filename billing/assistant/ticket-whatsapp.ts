/**
 * The WhatsApp side of a ticket for its staff screen (admin/tickets/): the messages in and out
 * that belong to it, oldest first, each outgoing one with its delivery state
 * (record-delivery-statuses.ts deliveryState: queued, sent, delivered, read, failed) and the
 * provider's reason when it failed.
 */
import type { Knex } from '../../lib/db.js';
import { deliveryState, type DeliveryState } from './record-delivery-statuses.js';

export interface TicketWhatsAppMessage {
  direction: 'in' | 'out';
  body: string;
  createdAt: Date;
  /** Outgoing only. */
  state: DeliveryState | null;
  error: string | null;
}

/** @param reference the ticket's public reference. Empty when no WhatsApp message belongs to the ticket. */
export async function ticketWhatsApp(db: Knex, reference: string): Promise<TicketWhatsAppMessage[]> {
  const rows = await db('assistant_messages as m')
    .join('tickets as t', 't.id', 'm.ticket_id')
    .leftJoin('notification_outbox as o', 'o.id', 'm.outbox_id')
    .where('t.reference', reference)
    .orderBy('m.id')
    .select('m.direction', 'm.body', 'm.created_at', 'o.status as outbox_status', 'o.last_error',
      db.raw(`coalesce((SELECT array_agg(s.status) FROM whatsapp_message_statuses s WHERE s.provider_message_id = o.provider_id), '{}') AS reported`),
      db.raw(`(SELECT s.error FROM whatsapp_message_statuses s WHERE s.provider_message_id = o.provider_id AND s.status = 'failed') AS reported_error`));
  return rows.map((r) => {
    const state = r.direction === 'out' ? deliveryState(r.outbox_status ?? null, r.reported as string[]) : null;
    return { direction: r.direction, body: r.body, createdAt: r.created_at, state, error: state === 'failed' ? (r.reported_error ?? r.last_error ?? null) : null };
  });
}
