/**
 * A customer opens a support ticket from the portal: a subject and a first message. The ticket
 * gets a public reference (T-<year>-<6 digits>, the year in the ISP time zone) that pages and
 * URLs use instead of its id.
 */
import { z } from 'zod';
import type { Knex } from '../../lib/db.js';
import { localDate } from '../plans/billing-period.js';
import { ticketBody, ticketErrors, ticketSubject, type TicketAudit } from './ticket-rules.js';

export type OpenTicketOutcome = { ok: true; reference: string } | { ok: false; errors: Record<string, string> };

const form = z.object({ subject: ticketSubject, message: ticketBody });

export async function openTicket(
  deps: { db: Knex; now: Date; timeZone: string; audit: TicketAudit },
  input: { customerId: number; subject: unknown; message: unknown },
): Promise<OpenTicketOutcome> {
  const parsed = form.safeParse({ subject: String(input.subject ?? ''), message: String(input.message ?? '') });
  if (!parsed.success) return { ok: false, errors: ticketErrors(parsed.error) };
  const year = localDate(deps.now, deps.timeZone).slice(0, 4);
  return deps.db.transaction(async (trx) => {
    const [ticket] = await trx('tickets')
      .insert({
        reference: trx.raw(`'T-' || ? || '-' || lpad(nextval('ticket_number_seq')::text, 6, '0')`, [year]),
        customer_id: input.customerId, subject: parsed.data.subject, status: 'open',
        last_message_at: deps.now, created_at: deps.now,
      })
      .returning(['id', 'reference']);
    await trx('ticket_messages').insert({ ticket_id: ticket.id, author: 'customer', body: parsed.data.message, created_at: deps.now });
    await deps.audit(trx, { action: 'ticket_opened', objectType: 'ticket', objectId: Number(ticket.id), after: { reference: ticket.reference, subject: parsed.data.subject } });
    return { ok: true, reference: String(ticket.reference) };
  });
}
