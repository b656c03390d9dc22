/**
 * Ticket lists: the console's (status filter, search over reference, subject, customer number
 * and name through trigram indexes, newest activity first, offset pages) and a customer's own.
 */
import type { Knex } from '../../lib/db.js';
import { TICKET_STATUSES, type TicketStatus } from './ticket-rules.js';

export const TICKET_PAGE_SIZE = 25;

export interface TicketListQuery {
  q: string;
  /** '' for every status. */
  status: TicketStatus | '';
  /** 1-based. */
  page: number;
}

export interface TicketListRow {
  reference: string;
  subject: string;
  status: TicketStatus;
  customer_id: number;
  customer_number: string;
  customer_name: string;
  messages: number;
  last_author: 'customer' | 'staff';
  last_message_at: Date;
  created_at: Date;
}

/** `%…%` for LIKE with the user's own % and _ taken literally. */
const like = (q: string): string => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function parseTicketStatus(value: string): TicketStatus | '' {
  return (TICKET_STATUSES as readonly string[]).includes(value) ? (value as TicketStatus) : '';
}

export async function listTickets(db: Knex, query: TicketListQuery, pageSize = TICKET_PAGE_SIZE): Promise<{ rows: TicketListRow[]; total: number; page: number; pages: number }> {
  const b = db('tickets as t');
  const q = query.q.trim();
  if (q) {
    const pattern = like(q);
    b.whereRaw(
      `t.id IN (SELECT id FROM tickets WHERE lower(reference || ' ' || subject) LIKE ?
                UNION SELECT tk.id FROM tickets tk WHERE tk.customer_id IN
                  (SELECT id FROM customers WHERE customer_search_text(customer_number, name, phone, email) LIKE ?))`,
      [pattern, pattern],
    );
  }
  if (query.status) b.where('t.status', query.status);
  const counted = await b.clone().count({ n: '*' }).first();
  const total = Number(counted?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, query.page), pages);
  const rows = await b.clone()
    .join('customers as c', 'c.id', 't.customer_id')
    .orderBy('t.last_message_at', 'desc').orderBy('t.id', 'desc')
    .limit(pageSize).offset((page - 1) * pageSize)
    .select('t.reference', 't.subject', 't.status', 't.last_message_at', 't.created_at', 'c.id as customer_id', 'c.customer_number', 'c.name as customer_name')
    .select(db.raw('(SELECT count(*)::int FROM ticket_messages m WHERE m.ticket_id = t.id) AS messages'))
    .select(db.raw('(SELECT m.author FROM ticket_messages m WHERE m.ticket_id = t.id ORDER BY m.id DESC LIMIT 1) AS last_author'));
  return { rows: rows as TicketListRow[], total, page, pages };
}

/** A customer's tickets, newest activity first (no ids: reference, subject, status, dates). */
export async function listCustomerTickets(db: Knex, customerId: number, limit = 50) {
  return db('tickets').where({ customer_id: customerId }).orderBy('last_message_at', 'desc').orderBy('id', 'desc').limit(limit)
    .select('reference', 'subject', 'status', 'last_message_at', 'created_at');
}
