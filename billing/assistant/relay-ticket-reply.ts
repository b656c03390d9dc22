/**
 * A staff reply on a ticket that came from WhatsApp goes back on WhatsApp: the ticket screen
 * (admin/tickets/routes.ts) calls this after the reply is stored. The ticket is a WhatsApp one
 * when an assistant message was passed into it (assistant_messages.ticket_id); the reply is
 * stored in that conversation and queued in the outbox (conversations.ts queueReply), in the
 * conversation's language, prefixed with the ticket reference. Also the conversation's ticket
 * becomes this one again, so the customer's answer lands where staff wrote.
 *
 * WhatsApp Cloud accepts free text only within 24 hours of the customer's last message
 * (channels/whatsapp-cloud.ts SESSION_TEXT); a later reply shows as `failed` on the ticket
 * page, and staff reach the customer another way.
 *
 * @returns the queued assistant message id, or null when the ticket did not come from WhatsApp.
 */
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import { queueReply } from './conversations.js';

export async function relayTicketReply(deps: { db: Knex; clock: Clock }, reference: string, text: string): Promise<number | null> {
  return deps.db.transaction(async (trx) => {
    const row = await trx('tickets as t')
      .join('assistant_messages as m', 'm.ticket_id', 't.id')
      .join('assistant_conversations as c', 'c.id', 'm.conversation_id')
      .where('t.reference', reference).where('m.direction', 'in')
      .orderBy('m.id', 'desc')
      .first('t.id as ticket_id', 'c.id', 'c.phone', 'c.customer_id', 'c.locale');
    if (!row) return null;
    const now = deps.clock.now();
    await trx('assistant_conversations').where({ id: row.id }).update({ ticket_id: row.ticket_id });
    return queueReply(trx, { id: Number(row.id), phone: String(row.phone), customer_id: row.customer_id && Number(row.customer_id) },
      { text: `[${reference}] ${text.trim()}`, locale: row.locale === 'en' ? 'en' : 'id', now, ticketId: Number(row.ticket_id) });
  });
}
