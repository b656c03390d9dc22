/**
 * The signed-in customer's support tickets: the list with the form to open one, a ticket's thread
 * by reference (another customer's reference is 404), and replying (htmx swaps the thread in
 * place; 409 when the ticket is closed).
 */
import type Router from '@koa/router';
import { formBody } from '../../lib/http/request.js';
import { addTicketMessage } from '../../billing/tickets/add-ticket-message.js';
import { listCustomerTickets } from '../../billing/tickets/list-tickets.js';
import { loadTicket } from '../../billing/tickets/load-ticket.js';
import { openTicket } from '../../billing/tickets/open-ticket.js';
import { TICKET_REFERENCE } from '../../billing/tickets/ticket-rules.js';
import { t } from '../../lib/i18n.js';
import type { PortalState } from '../context.js';
import { HOME, notFound, type AccountCtx, type AccountKit } from './account-kit.js';
import { recordCustomerAudit } from './customer-audit.js';

export function addTicketRoutes(r: Router<PortalState>, kit: AccountKit): void {
  const { deps, account, page, actorOf, timeZone } = kit;

  r.get(`${HOME}/tickets`, ...account(async (ctx) => {
    page(ctx, 'tickets', { title: t(ctx.state.locale, 'portal.account.nav.tickets'), tickets: await listCustomerTickets(deps.db, ctx.state.customer.id), values: { subject: '', message: '' } });
  }));

  r.post(`${HOME}/tickets`, ...account(async (ctx) => {
    const b = formBody(ctx);
    const result = await openTicket(
      { db: deps.db, now: deps.clock.now(), timeZone: timeZone(), audit: (trx, entry) => recordCustomerAudit(trx, actorOf(ctx), entry) },
      { customerId: ctx.state.customer.id, subject: String(b.subject ?? '').slice(0, 1000), message: String(b.message ?? '').slice(0, 20_000) },
    );
    if (result.ok) return ctx.redirect(`${HOME}/tickets/${result.reference}?opened=1`);
    ctx.status = 422;
    page(ctx, 'tickets', {
      title: t(ctx.state.locale, 'portal.account.nav.tickets'), tickets: await listCustomerTickets(deps.db, ctx.state.customer.id),
      values: { subject: String(b.subject ?? '').slice(0, 200), message: String(b.message ?? '').slice(0, 5000) }, errors: result.errors,
    });
  }));

  /** The signed-in customer's ticket by reference, else 404. */
  const ownTicket = async (ctx: AccountCtx) => {
    const reference = String(ctx.params.reference ?? '');
    const view = TICKET_REFERENCE.test(reference) ? await loadTicket(deps.db, reference, { customerId: ctx.state.customer.id }) : null;
    if (!view) throw notFound();
    return view;
  };
  const ticketPage = (ctx: AccountCtx, view: Awaited<ReturnType<typeof ownTicket>>, extra: Record<string, unknown> = {}): void =>
    page(ctx, 'ticket', {
      title: view.ticket.reference, htmx: true, ticket: view.ticket,
      messages: view.messages.map((m) => ({ mine: m.author === 'customer', staffName: m.staff_name, body: m.body, created_at: m.created_at })),
      opened: ctx.query.opened === '1', ...extra,
    }, 'partials/portal/account-ticket-thread');

  r.get(`${HOME}/tickets/:reference`, ...account(async (ctx) => ticketPage(ctx, await ownTicket(ctx))));

  r.post(`${HOME}/tickets/:reference/reply`, ...account(async (ctx) => {
    const view = await ownTicket(ctx);
    const message = String(formBody(ctx).message ?? '').slice(0, 20_000);
    const result = await addTicketMessage(
      { db: deps.db, now: deps.clock.now(), audit: (trx, entry) => recordCustomerAudit(trx, actorOf(ctx), entry) },
      { reference: view.ticket.reference, author: { kind: 'customer', customerId: ctx.state.customer.id }, message },
    );
    if (result.ok) {
      // htmx swaps the thread in place; without JavaScript the browser follows the redirect.
      if (ctx.get('HX-Request')) return ticketPage(ctx, await ownTicket(ctx));
      return ctx.redirect(`${HOME}/tickets/${view.ticket.reference}`);
    }
    if (result.code === 'not_found') throw notFound();
    ctx.status = result.code === 'closed' ? 409 : 422;
    ticketPage(ctx, view, { replyError: result.code === 'invalid' ? result.errors.message : 'portal.account.tickets.closed_no_reply', draft: message.slice(0, 5000) });
  }));
}
