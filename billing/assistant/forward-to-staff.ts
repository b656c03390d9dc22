/**
 * Messages for a person, through support tickets (billing/tickets/): staff read them on the
 * ticket screen (admin/tickets/) and their replies go back on WhatsApp (relay-ticket-reply.ts).
 * - "lapor" / "report" opens a new ticket whose first message is what followed the word, and
 *   says its reference (T-2026-000123).
 * - Anything the assistant does not understand joins the conversation's ticket while it is not
 *   closed (silently: the customer already has its reference), else opens one and says so.
 * Both run in the caller's transaction (openTicket / addTicketMessage nest as savepoints); the
 * audit rows name the actor `whatsapp CUST0001`.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import type { Locale } from '../../lib/i18n.js';
import { addTicketMessage } from '../tickets/add-ticket-message.js';
import { openTicket } from '../tickets/open-ticket.js';
import { linkTicket, type Conversation } from './conversations.js';
import type { SenderCustomer } from './identify-sender.js';
import { say } from './say.js';

export interface ForwardInput {
  conv: Conversation;
  customer: SenderCustomer;
  /** The stored inbound message, tied to the ticket it lands in. */
  messageId: number;
  text: string;
  locale: Locale;
  now: Date;
}

const actor = (c: SenderCustomer): AuditActor => ({ staffUserId: null, username: `whatsapp ${c.customerNumber}`, ip: null });

async function open(trx: Knex.Transaction, timeZone: string, input: ForwardInput, subjectKey: string, message: string): Promise<{ id: number; reference: string } | null> {
  const outcome = await openTicket(
    { db: trx, now: input.now, timeZone, audit: (t, entry) => recordAudit(t, actor(input.customer), entry) },
    { customerId: input.customer.id, subject: say(input.locale, subjectKey), message },
  );
  if (!outcome.ok) return null;
  const ticket = await trx('tickets').where({ reference: outcome.reference }).first('id');
  const id = Number(ticket.id);
  await trx('assistant_conversations').where({ id: input.conv.id }).update({ ticket_id: id });
  await linkTicket(trx, input.messageId, id);
  return { id, reference: outcome.reference };
}

/** "lapor …": a new ticket. @returns the answer, and the ticket id the answer belongs to. */
export async function openReport(trx: Knex.Transaction, timeZone: string, input: ForwardInput): Promise<{ text: string; ticketId: number | null }> {
  const ticket = await open(trx, timeZone, input, 'report.subject', input.text.trim() || say(input.locale, 'report.empty'));
  return ticket ? { text: say(input.locale, 'report.opened', { reference: ticket.reference }), ticketId: ticket.id } : { text: say(input.locale, 'help'), ticketId: null };
}

/** Anything else: into the open ticket (no answer), or a new one (its reference as the answer). */
export async function forwardMessage(trx: Knex.Transaction, timeZone: string, input: ForwardInput): Promise<{ text: string | null; ticketId: number | null }> {
  if (input.conv.ticket_id) {
    const ticket = await trx('tickets').where({ id: input.conv.ticket_id, customer_id: input.customer.id }).whereNot('status', 'closed').first('reference');
    if (ticket) {
      const added = await addTicketMessage(
        { db: trx, now: input.now, audit: (t, entry) => recordAudit(t, actor(input.customer), entry) },
        { reference: String(ticket.reference), author: { kind: 'customer', customerId: input.customer.id }, message: input.text },
      );
      if (added.ok) {
        await linkTicket(trx, input.messageId, input.conv.ticket_id);
        return { text: null, ticketId: input.conv.ticket_id };
      }
    }
  }
  const ticket = await open(trx, timeZone, input, 'other.subject', input.text);
  return ticket ? { text: say(input.locale, 'other.forwarded', { reference: ticket.reference }), ticketId: ticket.id } : { text: say(input.locale, 'help'), ticketId: null };
}
