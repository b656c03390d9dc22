/**
 * A reply in a ticket's conversation. The customer's reply puts the ticket back to `open`
 * (waiting for staff); a staff reply makes it `answered` (waiting for the customer), which the
 * customer sees in the portal. A closed ticket takes no replies: staff reopen it first, the
 * customer opens a new one.
 */
import type { Knex } from '../../lib/db.js';
import { ticketBody, ticketErrors, type TicketAudit } from './ticket-rules.js';

export type ReplyOutcome = { ok: true } | { ok: false; code: 'invalid'; errors: Record<string, string> } | { ok: false; code: 'closed' | 'not_found' };

export type ReplyAuthor = { kind: 'customer'; customerId: number } | { kind: 'staff'; staffUserId: number; name: string };

/** @param reference the ticket's public reference; a customer only reaches their own tickets. */
export async function addTicketMessage(
  deps: { db: Knex; now: Date; audit: TicketAudit },
  input: { reference: string; author: ReplyAuthor; message: unknown },
): Promise<ReplyOutcome> {
  const parsed = ticketBody.safeParse(String(input.message ?? ''));
  if (!parsed.success) return { ok: false, code: 'invalid', errors: ticketErrors(parsed.error) };
  return deps.db.transaction(async (trx) => {
    const q = trx('tickets').where({ reference: input.reference }).forUpdate().first('id', 'status');
    if (input.author.kind === 'customer') q.where({ customer_id: input.author.customerId });
    const ticket = await q;
    if (!ticket) return { ok: false, code: 'not_found' } as const;
    if (ticket.status === 'closed') return { ok: false, code: 'closed' } as const;
    const staff = input.author.kind === 'staff' ? input.author : null;
    await trx('ticket_messages').insert({
      ticket_id: ticket.id, author: input.author.kind, staff_user_id: staff?.staffUserId ?? null, staff_name: staff?.name ?? null,
      body: parsed.data, created_at: deps.now,
    });
    const status = staff ? 'answered' : 'open';
    await trx('tickets').where({ id: ticket.id }).update({ status, last_message_at: deps.now, version: trx.raw('version + 1') });
    await deps.audit(trx, { action: staff ? 'ticket_answered' : 'ticket_replied_by_customer', objectType: 'ticket', objectId: Number(ticket.id), before: { status: ticket.status }, after: { status } });
    return { ok: true } as const;
  });
}
