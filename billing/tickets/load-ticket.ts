/**
 * One ticket with its conversation, by public reference. With `customerId` only that customer's
 * ticket is found: another customer's reference gives null, as an unknown one does.
 */
import type { Knex } from '../../lib/db.js';
import type { TicketStatus } from './ticket-rules.js';

export interface TicketView {
  ticket: { reference: string; subject: string; status: TicketStatus; created_at: Date; last_message_at: Date; closed_at: Date | null };
  /** For the console only (a link to the customer page); the portal never renders it. */
  customer: { id: number; customer_number: string; name: string; phone: string | null };
  messages: Array<{ author: 'customer' | 'staff'; staff_name: string | null; body: string; created_at: Date }>;
}

export async function loadTicket(db: Knex, reference: string, scope: { customerId?: number } = {}): Promise<TicketView | null> {
  if (!reference || reference.length > 32) return null;
  const q = db('tickets as t').join('customers as c', 'c.id', 't.customer_id').where('t.reference', reference)
    .first('t.id', 't.reference', 't.subject', 't.status', 't.created_at', 't.last_message_at', 't.closed_at', 'c.id as customer_id', 'c.customer_number', 'c.name', 'c.phone');
  if (scope.customerId !== undefined) q.where('t.customer_id', scope.customerId);
  const row = await q;
  if (!row) return null;
  const messages = await db('ticket_messages').where({ ticket_id: row.id }).orderBy('id').select('author', 'staff_name', 'body', 'created_at');
  return {
    ticket: { reference: row.reference, subject: row.subject, status: row.status, created_at: row.created_at, last_message_at: row.last_message_at, closed_at: row.closed_at },
    customer: { id: Number(row.customer_id), customer_number: row.customer_number, name: row.name, phone: row.phone },
    messages,
  };
}
