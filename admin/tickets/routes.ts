/**
 * Support tickets opened by customers in the self-service portal: the list (status filter,
 * search, pages, CSV of the filtered list), the ticket page with its conversation, a reply
 * (the customer sees it in the portal), closing and reopening (with a confirmation). Viewing
 * needs tickets.view, changes tickets.edit; every change is audited. Tickets are addressed by
 * their public reference (T-2026-000123), the same one the customer quotes.
 */
import Router from '@koa/router';
import { recordAudit } from '../../lib/audit.js';
import { addTicketMessage } from '../../billing/tickets/add-ticket-message.js';
import { relayTicketReply } from '../../billing/assistant/relay-ticket-reply.js';
import { ticketWhatsApp } from '../../billing/assistant/ticket-whatsapp.js';
import { listTickets, parseTicketStatus, type TicketListQuery } from '../../billing/tickets/list-tickets.js';
import { loadTicket } from '../../billing/tickets/load-ticket.js';
import { setTicketStatus } from '../../billing/tickets/set-ticket-status.js';
import { TICKET_REFERENCE, TICKET_STATUSES } from '../../billing/tickets/ticket-rules.js';
import { AppError } from '../../lib/errors.js';
import { actorOf, guard, type AdminState } from '../context.js';
import { everyRow, streamCsv } from '../csv.js';
import type { AdminDeps } from '../deps.js';
import { formBody, queryValue } from '../../lib/http/request.js';
import { t } from '../../lib/i18n.js';

function listQuery(q: Record<string, unknown>): TicketListQuery {
  // No status chosen: the tickets waiting for staff first, as a help desk opens its queue.
  const status = q.status === undefined ? 'open' : parseTicketStatus(queryValue(q.status));
  return { q: queryValue(q.q), status, page: Number.parseInt(queryValue(q.page), 10) || 1 };
}

const params = (query: TicketListQuery, over: Partial<TicketListQuery> = {}): string => {
  const p = { ...query, ...over };
  return new URLSearchParams({ q: p.q, status: p.status, page: String(p.page) }).toString();
};

const reference = (value: string | undefined): string => {
  if (!value || !TICKET_REFERENCE.test(value)) throw new AppError('not_found', 'not_found', 404);
  return value;
};

export function createTicketRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();

  r.get('/admin/tickets', ...guard('tickets.view'), async (ctx) => {
    const query = listQuery(ctx.query);
    const list = await listTickets(deps.db, query);
    deps.render(ctx, 'admin/tickets/list', {
      title: t(ctx.state.locale, 'nav.tickets'), query, list, statuses: TICKET_STATUSES,
      prev: list.page > 1 ? params(query, { page: list.page - 1 }) : null,
      next: list.page < list.pages ? params(query, { page: list.page + 1 }) : null,
      csv: `/admin/tickets.csv?${params(query, { page: 1 })}`,
    }, 'partials/admin/ticket-results');
  });

  r.get('/admin/tickets.csv', ...guard('tickets.view'), async (ctx) => {
    const query = listQuery(ctx.query);
    await streamCsv(ctx, `tickets-${deps.clock.now().toISOString().slice(0, 10)}.csv`,
      ['reference', 'status', 'subject', 'customer_number', 'customer_name', 'messages', 'last_from', 'last_message_at', 'created_at'],
      async function* () {
        for await (const t of everyRow((page) => listTickets(deps.replicaDb, { ...query, page }, 1000))) {
          yield [t.reference, t.status, t.subject, t.customer_number, t.customer_name, t.messages, t.last_author, new Date(t.last_message_at).toISOString(), new Date(t.created_at).toISOString()];
        }
      });
  });

  r.get('/admin/tickets/:reference', ...guard('tickets.view'), async (ctx) => {
    const view = await loadTicket(deps.db, reference(ctx.params.reference));
    if (!view) throw new AppError('not_found', 'not_found', 404);
    const whatsapp = await ticketWhatsApp(deps.db, view.ticket.reference); // the WhatsApp assistant's messages and their delivery
    deps.render(ctx, 'admin/tickets/show', { title: view.ticket.reference, ...view, whatsapp, saved: queryValue(ctx.query.saved, 20) });
  });

  r.post('/admin/tickets/:reference/reply', ...guard('tickets.edit'), async (ctx) => {
    const ref = reference(ctx.params.reference);
    const staff = ctx.state.staff!;
    const message = String(formBody(ctx).message ?? '').slice(0, 20_000);
    const result = await addTicketMessage(
      { db: deps.db, now: deps.clock.now(), audit: (trx, entry) => recordAudit(trx, actorOf(ctx), entry) },
      { reference: ref, author: { kind: 'staff', staffUserId: staff.id, name: staff.name }, message },
    );
    if (result.ok) {
      // A ticket that came from WhatsApp: the reply goes back there too (billing/assistant/relay-ticket-reply.ts).
      await relayTicketReply({ db: deps.db, clock: deps.clock }, ref, message);
      return ctx.redirect(`/admin/tickets/${ref}?saved=reply`);
    }
    if (result.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    const view = await loadTicket(deps.db, ref);
    if (!view) throw new AppError('not_found', 'not_found', 404);
    ctx.status = result.code === 'closed' ? 409 : 422;
    deps.render(ctx, 'admin/tickets/show', {
      title: ref, ...view, draft: message.slice(0, 5000),
      replyError: result.code === 'invalid' ? result.errors.message : 'tickets.closed_no_reply',
    });
  });

  for (const action of ['close', 'reopen'] as const) {
    r.post(`/admin/tickets/:reference/${action}`, ...guard('tickets.edit'), async (ctx) => {
      const ref = reference(ctx.params.reference);
      const result = await setTicketStatus(
        { db: deps.db, now: deps.clock.now(), audit: (trx, entry) => recordAudit(trx, actorOf(ctx), entry) },
        { reference: ref, action },
      );
      if (!result.ok && result.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
      ctx.redirect(`/admin/tickets/${ref}?saved=${result.ok ? action : 'unchanged'}`);
    });
  }

  return r;
}
