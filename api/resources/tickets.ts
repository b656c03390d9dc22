/**
 * /tickets: customers' support tickets (opened in the portal or by the WhatsApp assistant): list
 * (filters `status`, `customer_id`, `reference`), get with the conversation, a staff reply, and
 * closing / reopening. Writes are the console's use cases (billing/tickets/add-ticket-message.ts,
 * set-ticket-status.ts: a staff reply makes the ticket `answered`, a closed ticket takes no reply
 * (409 `closed`), audited `ticket_answered` / `ticket_closed` / `ticket_reopened` with the token's
 * staff member as actor); a reply on a ticket that came from WhatsApp goes back there
 * (billing/assistant/relay-ticket-reply.ts), as from the ticket screen. Tickets are addressed by id
 * here; `reference` (T-2026-000123) is what customers quote.
 */
import { z } from 'zod';
import { inScope, isInScope } from '../../billing/customers/customer-scope.js';
import { relayTicketReply } from '../../billing/assistant/relay-ticket-reply.js';
import { addTicketMessage } from '../../billing/tickets/add-ticket-message.js';
import { setTicketStatus } from '../../billing/tickets/set-ticket-status.js';
import { TICKET_STATUSES, type TicketAudit } from '../../billing/tickets/ticket-rules.js';
import { recordAudit } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import type { ApiDeps } from '../framework/deps.js';
import { paginate } from '../framework/pagination.js';
import { httpProblem, validationProblem } from '../framework/problem.js';
import type { ApiCaller } from '../framework/route.js';
import { route, type ApiRoute } from '../framework/route.js';
import { found, idParams, instant, iso, pageOf, pageQuery, refusal } from './common.js';

const ticket = z.object({
  id: z.number().int(), reference: z.string().describe('T-<year>-<number>, what the customer quotes'), subject: z.string(),
  status: z.enum(TICKET_STATUSES).describe('open: waiting for staff; answered: waiting for the customer; closed'),
  customer_id: z.number().int(), messages: z.number().int(), last_author: z.enum(['customer', 'staff']).nullable(),
  last_message_at: instant, created_at: instant, closed_at: instant,
}).meta({ id: 'Ticket' });

const ticketDetail = ticket.extend({
  customer: z.object({ id: z.number().int(), customer_number: z.string(), name: z.string() }),
  conversation: z.array(z.object({
    author: z.enum(['customer', 'staff']), staff_name: z.string().nullable(), body: z.string(), created_at: instant,
  })),
}).meta({ id: 'TicketDetail' });

function ticketsQuery(db: Knex): Knex.QueryBuilder {
  return db('tickets as t').select(
    't.id', 't.reference', 't.subject', 't.status', 't.customer_id', 't.last_message_at', 't.created_at', 't.closed_at',
    db.raw('(SELECT count(*)::int FROM ticket_messages m WHERE m.ticket_id = t.id) AS messages'),
    db.raw('(SELECT m.author FROM ticket_messages m WHERE m.ticket_id = t.id ORDER BY m.id DESC LIMIT 1) AS last_author'),
  );
}

type TicketBody = z.infer<typeof ticket>;
const toTicket = (r: Record<string, unknown>): TicketBody => ({
  id: Number(r.id), reference: String(r.reference), subject: String(r.subject), status: r.status as TicketBody['status'], customer_id: Number(r.customer_id),
  messages: Number(r.messages), last_author: (r.last_author as TicketBody['last_author']) ?? null,
  last_message_at: iso(r.last_message_at), created_at: iso(r.created_at), closed_at: iso(r.closed_at),
});

/** The ticket row of `id` reachable by the caller. @throws ProblemError 404 (unknown, or a customer outside the caller's areas) */
async function reachable(deps: ApiDeps, caller: ApiCaller, id: number): Promise<{ id: number; reference: string }> {
  const row = found<Record<string, unknown>>(await deps.db('tickets').where({ id }).first('id', 'reference', 'customer_id'));
  if (!(await isInScope(deps.db, caller.scope, 'customers', Number(row.customer_id)))) throw httpProblem(404);
  return { id, reference: String(row.reference) };
}

async function loadDetail(db: Knex, id: number): Promise<z.infer<typeof ticketDetail>> {
  const row = toTicket(found(await ticketsQuery(db).where('t.id', id).first()));
  const customer = await db('customers').where({ id: row.customer_id }).first('id', 'customer_number', 'name');
  const messages = await db('ticket_messages').where({ ticket_id: id }).orderBy('id').select('author', 'staff_name', 'body', 'created_at');
  return {
    ...row, customer: { id: Number(customer.id), customer_number: String(customer.customer_number), name: String(customer.name) },
    conversation: messages.map((m: Record<string, unknown>) => ({ author: m.author as 'customer' | 'staff', staff_name: (m.staff_name as string | null) ?? null, body: String(m.body), created_at: iso(m.created_at) })),
  };
}

/** The use cases' audit hook: rows written in their transaction, the token's staff member as actor. */
const auditAs = (caller: ApiCaller): TicketAudit => (trx, entry) => recordAudit(trx, caller.actor, entry);

export const ticketRoutes: ApiRoute[] = [
  route({
    method: 'get', path: '/tickets', operationId: 'listTickets', tag: 'Tickets', summary: 'List support tickets', permission: 'tickets.view',
    query: pageQuery.extend({
      status: z.enum(TICKET_STATUSES).optional(),
      customer_id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
      reference: z.string().max(32).optional().describe('The whole reference, T-2026-000123'),
    }),
    response: { status: 200, schema: pageOf(ticket, 'Ticket'), description: 'A page of tickets, newest first' },
    async handler({ query, caller, deps }) {
      const q = inScope(ticketsQuery(deps.db), caller.scope, 't.customer_id');
      if (query.status) q.where('t.status', query.status);
      if (query.customer_id) q.where('t.customer_id', query.customer_id);
      if (query.reference) q.where('t.reference', query.reference.toUpperCase());
      const page = await paginate<Record<string, unknown> & { id: number }>(q, 't.id', query);
      return { body: { data: page.data.map(toTicket), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'get', path: '/tickets/{id}', operationId: 'getTicket', tag: 'Tickets', summary: 'A ticket with its conversation', permission: 'tickets.view',
    params: idParams, problems: [404],
    response: { status: 200, schema: ticketDetail, description: 'The ticket' },
    async handler({ params, caller, deps }) {
      await reachable(deps, caller, params.id);
      return { body: await loadDetail(deps.db, params.id) };
    },
  }),
  route({
    method: 'post', path: '/tickets/{id}/messages', operationId: 'replyToTicket', tag: 'Tickets', summary: 'Reply as staff', permission: 'tickets.edit',
    description: 'The ticket becomes `answered`; the customer sees the reply in the portal, and on WhatsApp when the ticket came from there. 409 `closed`: reopen it first. Audited `ticket_answered`.',
    params: idParams, problems: [404, 409],
    body: z.object({ message: z.string().max(5000).describe('1–5000 characters after trimming') }).meta({ id: 'TicketReplyInput' }),
    response: { status: 201, schema: ticketDetail, description: 'The ticket with the reply' },
    async handler({ params, body, caller, deps }) {
      const { reference } = await reachable(deps, caller, params.id);
      const staff = await deps.db('staff_users').where({ id: caller.staffUserId }).first('name');
      const outcome = await addTicketMessage(
        { db: deps.db, now: deps.clock.now(), audit: auditAs(caller) },
        { reference, author: { kind: 'staff', staffUserId: caller.staffUserId, name: String(staff?.name ?? caller.username) }, message: body.message },
      );
      // The use case validates the bare message (its error has no field name): it is the body's `message`.
      if (!outcome.ok && outcome.code === 'invalid') throw validationProblem([{ pointer: '#/body/message', detail: Object.values(outcome.errors)[0] ?? 'invalid' }]);
      if (!outcome.ok) refusal(outcome);
      await relayTicketReply({ db: deps.db, clock: deps.clock }, reference, body.message);
      return { status: 201, body: await loadDetail(deps.db, params.id) };
    },
  }),
  route({
    method: 'post', path: '/tickets/{id}/status', operationId: 'setTicketStatus', tag: 'Tickets', summary: 'Close or reopen a ticket', permission: 'tickets.edit',
    description: '`closed` closes it (no more replies); `open` reopens it (waiting for staff). 409 `unchanged` when it already has that status. Audited `ticket_closed` / `ticket_reopened`.',
    params: idParams, problems: [404, 409],
    body: z.object({ status: z.enum(['closed', 'open']) }).meta({ id: 'TicketStatusInput' }),
    response: { status: 200, schema: ticketDetail, description: 'The ticket after the change' },
    async handler({ params, body, caller, deps }) {
      const { reference } = await reachable(deps, caller, params.id);
      const outcome = await setTicketStatus(
        { db: deps.db, now: deps.clock.now(), audit: auditAs(caller) },
        { reference, action: body.status === 'closed' ? 'close' : 'reopen' },
      );
      if (!outcome.ok) refusal(outcome);
      return { body: await loadDetail(deps.db, params.id) };
    },
  }),
];
