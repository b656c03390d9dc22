/**
 * The customers' self-service portal (/portal/account): sign-in (password, or a one-time code by
 * WhatsApp), home (subscriptions, online now, balance, amount due), invoices (list, page, PDF,
 * pay online), payments, usage per day, password, contact details and support tickets.
 *
 * Scoping: every page reads the signed-in customer's id from their session (Redis) and queries
 * with it; nothing in a URL or form names a customer. Invoices are addressed by number and
 * tickets by reference, each looked up together with the customer id, so another customer's
 * number is "not found" (404), exactly like a number that does not exist. Pages render no
 * internal ids. CSRF: the portal's double-submit token (portal/context.ts) on every POST.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { LANGUAGE_COOKIE, formBody, queryValue } from '../../admin/request.js';
import { loadInvoiceDocument, type InvoiceDocument } from '../../billing/invoices/invoice-document.js';
import { renderInvoicePdf } from '../../billing/invoices/invoice-pdf.js';
import { configuredProviders } from '../../billing/payments/create-payment-link.js';
import type { Provider } from '../../billing/payments/gateways/payment-gateway.js';
import { loadBillingSettings } from '../../billing/settings/billing-settings.js';
import { addTicketMessage } from '../../billing/tickets/add-ticket-message.js';
import { listCustomerTickets } from '../../billing/tickets/list-tickets.js';
import { loadTicket } from '../../billing/tickets/load-ticket.js';
import { openTicket } from '../../billing/tickets/open-ticket.js';
import { TICKET_REFERENCE } from '../../billing/tickets/ticket-rules.js';
import { MIN_PASSWORD_LENGTH } from '../../admin/auth/password.js';
import { AppError } from '../../lib/errors.js';
import type { PortalState } from '../context.js';
import type { PortalDeps } from '../deps.js';
import { accountHome, invoiceOfCustomer, listInvoices, listPayments, loadPortalCustomer, usageChart, type PortalCustomer } from './account-data.js';
import { setPortalPassword, updateContactDetails } from './account-settings.js';
import { recordCustomerAudit, type CustomerActor } from './customer-audit.js';
import { CUSTOMER_COOKIE, createCustomerSessions, setCustomerCookie, type CustomerSession } from './customer-sessions.js';
import { CODE_TTL_SECONDS, createPortalSignIn, type PortalCustomerRow, type Refusal } from './sign-in.js';
import { createSignInLinks, SIGN_IN_LINK_PATH } from './sign-in-link.js';
import { t } from '../../lib/i18n.js';

interface AccountState extends PortalState {
  customer: PortalCustomer;
  session: CustomerSession;
  sessionToken: string;
}
type Ctx = Koa.ParameterizedContext<PortalState>;
type AccountCtx = Koa.ParameterizedContext<AccountState>;

const HOME = '/portal/account';
const LOGIN = '/portal/account/login';

const notFound = (): AppError => new AppError('not_found', 'not_found', 404);

/** Only paths of this portal section (no open redirect through `next`). */
const safeNext = (next: unknown): string => (typeof next === 'string' && /^\/portal\/account(\/[A-Za-z0-9]|$|\?)/.test(next) && !next.includes('//') ? next : HOME);

/** An invoice number as the URL carries it (its slashes percent-encoded by encodeURIComponent). */
export const invoicePath = (invoiceNumber: string): string => `${HOME}/invoices/${encodeURIComponent(invoiceNumber)}`;

/** What a template may show of an invoice document: no internal ids. */
function invoiceView(doc: InvoiceDocument) {
  return {
    invoiceNumber: doc.invoiceNumber, status: doc.status, issueDate: doc.issueDate, dueDate: doc.dueDate, period: doc.period,
    lines: doc.lines.map((l) => ({ description: l.description, quantity: l.quantity, unitPrice: l.unitPrice, amount: l.amount })),
    subtotal: doc.subtotal, taxBasisPoints: doc.taxBasisPoints, taxPercent: doc.taxBasisPoints / 100, tax: doc.tax, total: doc.total,
    amountPaid: doc.amountPaid, amountDue: doc.amountDue, paidAt: doc.paidAt,
    payments: doc.payments.map((p) => ({ receiptNumber: p.receiptNumber, amount: p.amount, method: p.method, receivedAt: p.receivedAt })),
  };
}

export function createAccountRoutes(deps: PortalDeps): Router<PortalState> {
  const r = new Router<PortalState>();
  const sessions = createCustomerSessions({ redis: deps.redis, prefix: deps.prefix });
  const links = createSignInLinks({ redis: deps.redis, prefix: deps.prefix });
  const signIn = createPortalSignIn({
    db: deps.db, redis: deps.redis, clock: deps.clock, log: deps.log, signer: deps.signer, prefix: deps.prefix, rounds: deps.config.PASSWORD_HASH_ROUNDS,
    // Read when a code is sent: the engine's channels (tests point them at fake providers).
    get channels() {
      return deps.engine?.channels ?? {};
    },
    companyName: async () => (await loadBillingSettings(deps.db)).companyName,
  });
  const timeZone = (): string => deps.config.ISP_TIME_ZONE;

  const actorOf = (ctx: AccountCtx): CustomerActor => ({ customerId: ctx.state.customer.id, customerNumber: ctx.state.customer.customer_number, ip: ctx.ip || null });

  /** Renders an account page with the customer's nav (views/partials/portal/account-nav.hbs). */
  const page = (ctx: AccountCtx, view: string, data: Record<string, unknown>, fragment?: string): void => {
    const c = ctx.state.customer;
    deps.render(ctx as unknown as Ctx, `portal/account/${view}`, {
      ...data,
      me: { name: c.name, customerNumber: c.customer_number, hasPassword: c.has_password },
      accounts: ctx.state.session.customerIds && ctx.state.session.customerIds.length > 1 ? ctx.state.session.accountNumbers : null,
      section: view.split('-')[0],
    }, fragment);
  };

  /** Signed-in customers only; anyone else goes to sign-in (htmx: the whole page, HX-Redirect). */
  const signedIn: Koa.Middleware<PortalState> = async (ctx, next) => {
    const token = ctx.cookies.get(CUSTOMER_COOKIE);
    const session = await sessions.get(token);
    const customer = session ? await loadPortalCustomer(deps.db, session.customerId) : null;
    if (!session || !customer || customer.portal_session_version !== session.sessionVersion) {
      if (session) await sessions.destroy(token);
      if (token) setCustomerCookie(ctx, null);
      const back = ctx.method === 'GET' && !ctx.get('HX-Request') && ctx.path !== HOME ? `?next=${encodeURIComponent(ctx.originalUrl)}` : '';
      if (ctx.get('HX-Request')) {
        ctx.status = 204;
        ctx.set('HX-Redirect', `${LOGIN}${back}`);
      } else ctx.redirect(`${LOGIN}${back}`);
      return;
    }
    const s = ctx.state as AccountState;
    s.customer = customer;
    s.session = session;
    s.sessionToken = token!;
    await next();
  };
  const account = (handler: (ctx: AccountCtx) => Promise<void> | void): Array<Koa.Middleware<PortalState>> =>
    [signedIn, (ctx) => handler(ctx as unknown as AccountCtx)];

  // --- sign-in -----------------------------------------------------------------------------------

  const loginPage = (ctx: Ctx, data: Record<string, unknown>): void => {
    // Only the channel that is configured is offered; without one, the page speaks of passwords only.
    const via = signIn.codeChannel();
    deps.render(ctx, 'portal/account/login', { title: t(ctx.state.locale, 'page_title.sign_in'), codes: via !== null, via, minPassword: MIN_PASSWORD_LENGTH, next: safeNext(ctx.query.next), ...data });
  };
  const refusal = (ctx: Ctx, result: Refusal): Record<string, unknown> => {
    ctx.status = result.code === 'rate_limited' ? 429 : result.code === 'unavailable' ? 503 : result.code === 'invalid_identifier' ? 422 : 401;
    const key = result.code === 'invalid' && !signIn.codesAvailable() ? 'invalid_password_only' : result.code;
    return { error: `portal.account.login.${key}`, waitMinutes: result.code === 'rate_limited' ? result.minutes : null };
  };

  /** Starts a session for `customers` (several when a phone is shared: the first, with a switch). */
  async function startSession(ctx: Ctx, customers: PortalCustomerRow[], method: 'password' | 'code' | 'link', next: string): Promise<void> {
    const first = customers[0]!;
    const old = ctx.cookies.get(CUSTOMER_COOKIE);
    if (old) await sessions.destroy(old);
    const token = await sessions.create({
      customerId: first.id, sessionVersion: first.portal_session_version,
      ...(customers.length > 1 ? { customerIds: customers.map((c) => c.id), accountNumbers: customers.map((c) => ({ number: c.customer_number, name: c.name })) } : {}),
    }, deps.clock.now());
    setCustomerCookie(ctx, token);
    await recordCustomerAudit(deps.db, { customerId: first.id, customerNumber: first.customer_number, ip: ctx.ip || null }, {
      action: 'portal_signed_in', objectType: 'customer', objectId: first.id, after: { method },
    });
    deps.log.info({ customerId: first.id, method }, 'customer signed in to the portal');
    ctx.redirect(method !== 'password' && !first.portal_password_hash ? `${HOME}/password?first=1` : next);
  }

  r.get(LOGIN, async (ctx) => {
    const lang = queryValue(ctx.query.lang, 2);
    if (lang === 'id' || lang === 'en') {
      ctx.cookies.set(LANGUAGE_COOKIE, lang, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 24 * 3600 * 1000 });
      return ctx.redirect(LOGIN);
    }
    if (await sessions.get(ctx.cookies.get(CUSTOMER_COOKIE))) return ctx.redirect(HOME);
    loginPage(ctx, { signedOut: ctx.query.signed_out === '1' });
  });

  r.post(LOGIN, async (ctx) => {
    const b = formBody(ctx);
    const identifier = String(b.identifier ?? '').slice(0, 40);
    const result = await signIn.withPassword({ identifier, password: String(b.password ?? '').slice(0, 200), ip: ctx.ip });
    if (!result.ok) {
      deps.log.warn({ ip: ctx.ip, code: result.code }, 'portal password sign-in refused');
      return loginPage(ctx, { identifier, ...refusal(ctx, result), next: safeNext(b.next) });
    }
    await startSession(ctx, result.customers, 'password', safeNext(b.next));
  });

  r.post(`${LOGIN}/code`, async (ctx) => {
    const b = formBody(ctx);
    const identifier = String(b.identifier ?? '').slice(0, 40);
    const result = await signIn.requestCode({ identifier, ip: ctx.ip });
    if (!result.ok) return loginPage(ctx, { identifier, ...refusal(ctx, result), next: safeNext(b.next) });
    deps.render(ctx, 'portal/account/code', { title: t(ctx.state.locale, 'portal.account.code.heading'), identifier, via: signIn.codeChannel(), minutes: CODE_TTL_SECONDS / 60, next: safeNext(b.next) });
  });

  r.post(`${LOGIN}/verify`, async (ctx) => {
    const b = formBody(ctx);
    const identifier = String(b.identifier ?? '').slice(0, 40);
    const result = await signIn.withCode({ identifier, code: String(b.code ?? '').slice(0, 20), ip: ctx.ip });
    if (!result.ok) {
      deps.log.warn({ ip: ctx.ip, code: result.code }, 'portal code sign-in refused');
      const shown = refusal(ctx, result);
      return deps.render(ctx, 'portal/account/code', { title: t(ctx.state.locale, 'portal.account.code.heading'), identifier, via: signIn.codeChannel(), minutes: CODE_TTL_SECONDS / 60, next: safeNext(b.next), ...shown, error: `portal.account.code.${result.code}` });
    }
    await startSession(ctx, result.customers, 'code', safeNext(b.next));
  });

  // A one-time link staff handed over (sign-in-link.ts): a button first, so a link preview does not use it up.
  r.get(`${SIGN_IN_LINK_PATH}/:token`, async (ctx) => {
    ctx.set('Referrer-Policy', 'no-referrer');
    const customerId = await links.peek(String(ctx.params.token));
    if (customerId === null) {
      ctx.status = 410;
      return loginPage(ctx, { error: 'portal.account.link.invalid' });
    }
    deps.render(ctx, 'portal/account/link', { title: t(ctx.state.locale, 'page_title.sign_in'), token: String(ctx.params.token) });
  });

  r.post(`${SIGN_IN_LINK_PATH}/:token`, async (ctx) => {
    const customerId = await links.redeem(String(ctx.params.token));
    const [customer] = customerId === null ? [] : await findCustomersById(customerId);
    if (!customer) {
      ctx.status = 410;
      return loginPage(ctx, { error: 'portal.account.link.invalid' });
    }
    await startSession(ctx, [customer], 'link', HOME);
  });

  async function findCustomersById(id: number): Promise<PortalCustomerRow[]> {
    const rows = await deps.db('customers').where({ id }).select('id', 'customer_number', 'name', 'phone', 'locale', 'portal_password_hash', 'portal_session_version');
    return rows.map((c) => ({ ...c, id: Number(c.id), portal_session_version: Number(c.portal_session_version) }));
  }

  r.post(`${HOME}/logout`, async (ctx) => {
    await sessions.destroy(ctx.cookies.get(CUSTOMER_COOKIE));
    setCustomerCookie(ctx, null);
    ctx.redirect(`${LOGIN}?signed_out=1`);
  });

  /** Several customers sharing one phone: switch between them (only those the code was for). */
  r.post(`${HOME}/switch`, ...account(async (ctx) => {
    const s = ctx.state.session;
    const wanted = String(formBody(ctx).account ?? '');
    const i = (s.accountNumbers ?? []).findIndex((a) => a.number === wanted);
    const id = i >= 0 ? s.customerIds?.[i] : undefined;
    const target = id === undefined ? null : await loadPortalCustomer(deps.db, id);
    if (!target) throw notFound();
    await sessions.replace(ctx.state.sessionToken, { ...s, customerId: target.id, sessionVersion: target.portal_session_version });
    ctx.redirect(HOME);
  }));

  // --- pages -------------------------------------------------------------------------------------

  r.get(HOME, ...account(async (ctx) => {
    const home = await accountHome(deps.db, ctx.state.customer.id);
    page(ctx, 'home', {
      // The ledger balance is negative while something is owed (the amount due says it); only credit is shown.
      title: t(ctx.state.locale, 'portal.account.home.heading'), ...home, credit: Math.max(0, home.balance), passwordSaved: ctx.query.saved === 'password',
      owedInvoices: home.owedInvoices.map((i) => ({ ...i, href: invoicePath(String(i.invoice_number)) })),
    });
  }));

  r.get(`${HOME}/invoices`, ...account(async (ctx) => {
    const list = await listInvoices(deps.db, ctx.state.customer.id, Number.parseInt(queryValue(ctx.query.page, 6), 10) || 1);
    page(ctx, 'invoices', {
      title: t(ctx.state.locale, 'portal.account.invoices.heading'), htmx: true, list,
      rows: list.rows.map((i) => ({ ...i, href: invoicePath(String(i.invoice_number)) })),
      prev: list.page > 1 ? list.page - 1 : null, next: list.page < list.pages ? list.page + 1 : null,
    }, 'partials/portal/account-invoice-list');
  }));

  /** The signed-in customer's invoice by the number in the URL, else 404. */
  const ownInvoice = async (ctx: AccountCtx) => {
    const found = await invoiceOfCustomer(deps.db, ctx.state.customer.id, String(ctx.params.number ?? ''));
    if (!found) throw notFound();
    return found;
  };

  r.get(`${HOME}/invoices/:number`, ...account(async (ctx) => {
    const found = await ownInvoice(ctx);
    const doc = await loadInvoiceDocument(deps.db, found.invoiceId);
    if (!doc || doc.customer.id !== ctx.state.customer.id) throw notFound();
    const payError = queryValue(ctx.query.pay_error, 40);
    page(ctx, 'invoice', {
      title: doc.invoiceNumber, invoice: invoiceView(doc), href: invoicePath(doc.invoiceNumber!),
      providers: found.owed > 0 ? configuredProviders(deps.engine.gateways) : [],
      payError: ['no_gateway', 'invoice_not_open', 'gateway_unavailable'].includes(payError) ? `portal.account.pay.${payError}` : null,
    });
  }));

  r.get(`${HOME}/invoices/:number/pdf`, ...account(async (ctx) => {
    const found = await ownInvoice(ctx);
    const doc = await loadInvoiceDocument(deps.db, found.invoiceId);
    if (!doc || doc.customer.id !== ctx.state.customer.id) throw notFound();
    const pdf = await renderInvoicePdf(doc, { locale: ctx.state.locale, timeZone: timeZone() });
    ctx.type = 'application/pdf';
    ctx.set('Cache-Control', 'private, no-store');
    ctx.attachment(`${doc.invoiceNumber!.replace(/[^A-Za-z0-9-]+/g, '-')}.pdf`, { type: 'inline' });
    ctx.body = pdf;
  }));

  r.post(`${HOME}/invoices/:number/pay`, ...account(async (ctx) => {
    const found = await ownInvoice(ctx);
    const asked = String(formBody(ctx).provider ?? '');
    const provider = (configuredProviders(deps.engine.gateways) as string[]).includes(asked) ? (asked as Provider) : undefined;
    try {
      const link = await deps.engine.createPaymentLink(found.invoiceId, provider);
      ctx.redirect(link.url);
    } catch (err) {
      if (err instanceof AppError && ['no_gateway', 'invoice_not_open', 'gateway_unavailable'].includes(err.code)) {
        return ctx.redirect(`${invoicePath(String(ctx.params.number))}?pay_error=${err.code}`);
      }
      throw err;
    }
  }));

  r.get(`${HOME}/payments`, ...account(async (ctx) => {
    page(ctx, 'payments', { title: t(ctx.state.locale, 'portal.account.nav.payments'), payments: await listPayments(deps.db, ctx.state.customer.id) });
  }));

  r.get(`${HOME}/usage`, ...account(async (ctx) => {
    page(ctx, 'usage', { title: t(ctx.state.locale, 'portal.account.nav.usage'), chart: await usageChart(deps.db, ctx.state.customer.id, deps.clock.now(), timeZone()) });
  }));

  r.get(`${HOME}/password`, ...account((ctx) => {
    page(ctx, 'password', { title: t(ctx.state.locale, 'portal.account.nav.password'), first: ctx.query.first === '1' && !ctx.state.customer.has_password, minPassword: MIN_PASSWORD_LENGTH });
  }));

  r.post(`${HOME}/password`, ...account(async (ctx) => {
    const b = formBody(ctx);
    const result = await setPortalPassword(deps.db, actorOf(ctx), {
      current: String(b.current ?? '').slice(0, 200), password: String(b.password ?? '').slice(0, 200), confirm: String(b.confirm ?? '').slice(0, 200),
    }, deps.config.PASSWORD_HASH_ROUNDS, deps.clock.now());
    if (!result.ok) {
      ctx.status = 422;
      return page(ctx, 'password', { title: t(ctx.state.locale, 'portal.account.nav.password'), errors: result.errors, minPassword: MIN_PASSWORD_LENGTH });
    }
    // Every other session ended with the old version; this browser gets a new session.
    await sessions.destroy(ctx.state.sessionToken);
    const token = await sessions.create({ ...ctx.state.session, sessionVersion: result.sessionVersion }, deps.clock.now());
    setCustomerCookie(ctx, token);
    ctx.redirect(`${HOME}?saved=password`);
  }));

  r.get(`${HOME}/contact`, ...account((ctx) => {
    const c = ctx.state.customer;
    page(ctx, 'contact', { title: t(ctx.state.locale, 'portal.account.contact.heading'), values: { phone: c.phone ?? '', email: c.email ?? '' }, version: c.version, saved: ctx.query.saved === '1' });
  }));

  r.post(`${HOME}/contact`, ...account(async (ctx) => {
    const b = formBody(ctx);
    const values = { phone: String(b.phone ?? '').slice(0, 100), email: String(b.email ?? '').slice(0, 300) };
    const result = await updateContactDetails(deps.db, actorOf(ctx), Number(b.version), values);
    if (result.ok) return ctx.redirect(`${HOME}/contact?saved=1`);
    if (result.code === 'not_found') throw notFound();
    ctx.status = result.code === 'stale' ? 409 : 422;
    page(ctx, 'contact', { title: t(ctx.state.locale, 'portal.account.contact.heading'), values, version: result.code === 'stale' ? ctx.state.customer.version : b.version, errors: result.code === 'invalid' ? result.errors : {}, stale: result.code === 'stale' });
  }));

  // --- support tickets ---------------------------------------------------------------------------

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

  return r;
}
