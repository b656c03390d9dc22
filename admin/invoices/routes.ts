/**
 * Invoices: the list (search, filters, sort, pages; CSV of the whole filtered list), the invoice
 * page (lines, payments, ledger effect, history), a print page (no console chrome, print CSS), the
 * PDF, voiding (admin: reason required, nothing paid) and sending it to the customer again
 * (admin, cashier).
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { loadInvoiceDocument } from '../../billing/invoices/invoice-document.js';
import { renderInvoicePdf } from '../../billing/invoices/invoice-pdf.js';
import { sendInvoiceAgain } from '../../billing/invoices/send-invoice-again.js';
import { VOID_REASON_MAX, voidInvoice } from '../../billing/invoices/void-invoice.js';
import { localDate } from '../../billing/plans/billing-period.js';
import { AppError } from '../../lib/errors.js';
import { actorOf, guard, type AdminState } from '../context.js';
import { streamCsv } from '../csv.js';
import type { AdminDeps } from '../deps.js';
import { formBody, idParam, queryValue } from '../../lib/http/request.js';
import { invoiceDetail } from './invoice-detail.js';
import { INVOICE_SORTS, INVOICE_STATUS_FILTERS, allInvoices, dateValue, listInvoices, planChoices, type InvoiceListQuery } from './list-invoices.js';
import { printPage } from './print-views.js';
import { listLinks } from '../list-links.js';
import { requireInScope, type CustomerScope } from '../../billing/customers/customer-scope.js';
import { t } from '../../lib/i18n.js';

/** The list's query from the URL, narrowed to `scope` (the signed-in staff member's customers). */
export function listQuery(q: Record<string, unknown>, scope: CustomerScope): InvoiceListQuery {
  const one = (v: unknown): string => queryValue(v);
  const status = one(q.status);
  const sort = one(q.sort);
  const plan = one(q.plan);
  return {
    q: one(q.q),
    status: (INVOICE_STATUS_FILTERS as readonly string[]).includes(status) ? (status as InvoiceListQuery['status']) : '',
    overdue: one(q.overdue) === '1',
    from: dateValue(q.from),
    to: dateValue(q.to),
    planId: /^\d{1,15}$/.test(plan) ? Number(plan) : null,
    sort: (INVOICE_SORTS as readonly string[]).includes(sort) ? (sort as InvoiceListQuery['sort']) : 'issued',
    dir: one(q.dir) === 'asc' ? 'asc' : 'desc',
    page: Number.parseInt(one(q.page), 10) || 1,
    scope,
  };
}

function queryString(p: InvoiceListQuery): string {
  return new URLSearchParams({
    q: p.q, status: p.status, overdue: p.overdue ? '1' : '', from: p.from, to: p.to, plan: p.planId ? String(p.planId) : '',
    sort: p.sort, dir: p.dir, page: String(p.page),
  }).toString();
}

const SENT_CHANNELS = ['whatsapp', 'sms', 'email', 'telegram'];

/** `INV/2026/11/000123` → `INV-2026-11-000123` (a file name without folders). */
function fileSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-');
}

export function createInvoiceRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  const today = (): string => localDate(deps.clock.now(), deps.config.ISP_TIME_ZONE);
  /** The route's invoice id; 404 for an invoice of a customer outside the staff member's scope (billing/customers/customer-scope.ts). */
  const invoiceId = async (ctx: Koa.ParameterizedContext<AdminState>): Promise<number> => {
    const id = idParam(ctx.params.id);
    await requireInScope(deps.db, ctx.state.staff!.scope, 'invoices', id);
    return id;
  };

  r.get('/admin/invoices', ...guard('invoices.view'), async (ctx) => {
    const query = listQuery(ctx.query, ctx.state.staff!.scope);
    const [list, plans] = await Promise.all([listInvoices(deps.db, query, today()), planChoices(deps.db)]);
    const params = (over: Partial<InvoiceListQuery>): string => queryString({ ...query, ...over });
    deps.render(ctx, 'admin/invoices/list', {
      title: t(ctx.state.locale, 'nav.invoices'),
      query,
      list,
      plans,
      statuses: INVOICE_STATUS_FILTERS.filter(Boolean),
      ...listLinks({ query, list, sorts: INVOICE_SORTS, params: params, csvPath: '/admin/invoices.csv', firstDir: 'desc' }),
    }, 'partials/admin/invoice-results');
  });

  r.get('/admin/invoices.csv', ...guard('invoices.view'), async (ctx) => {
    const query = listQuery(ctx.query, ctx.state.staff!.scope);
    const day = today();
    await streamCsv(ctx, `invoices-${day}.csv`,
      ['invoice_number', 'customer_number', 'customer_name', 'plan', 'status', 'overdue', 'issue_date', 'due_date', 'total', 'amount_paid', 'owed'],
      async function* () {
        for await (const i of allInvoices(deps.replicaDb, query, day)) {
          yield [i.invoice_number, i.customer_number, i.customer_name, i.plan_name ?? '', i.status, i.overdue ? 'yes' : 'no',
            i.issue_date ?? '', i.due_date ?? '', i.total, i.amount_paid, i.owed];
        }
      });
  });

  const showPage = async (ctx: Koa.ParameterizedContext<AdminState>, id: number, extra: Record<string, unknown> = {}): Promise<void> => {
    const detail = await invoiceDetail(deps.db, id, today());
    if (!detail) throw new AppError('not_found', 'not_found', 404);
    const sent = queryValue(ctx.query.sent).split(',').filter((c) => SENT_CHANNELS.includes(c));
    const d = detail.doc;
    deps.render(ctx, 'admin/invoices/show', {
      title: d.invoiceNumber ?? `#${d.id}`,
      ...detail,
      unpaid: d.status === 'open' || d.status === 'partially_paid' || d.status === 'overdue',
      canVoid: d.status !== 'void' && d.status !== 'paid' && d.amountPaid === 0,
      voided: ctx.query.voided === '1',
      sent,
      sendError: ['no_channel', 'not_open'].includes(queryValue(ctx.query.send_error)) ? queryValue(ctx.query.send_error) : null,
      voidReasonMax: VOID_REASON_MAX,
      ...extra,
    });
  };

  r.get('/admin/invoices/:id', ...guard('invoices.view'), async (ctx) => {
    await showPage(ctx, await invoiceId(ctx));
  });

  r.get('/admin/invoices/:id/print', ...guard('invoices.view'), async (ctx) => {
    const doc = await loadInvoiceDocument(deps.db, await invoiceId(ctx));
    if (!doc) throw new AppError('not_found', 'not_found', 404);
    printPage(ctx, deps, 'admin/invoices/print', { title: doc.invoiceNumber ?? `#${doc.id}`, doc });
  });

  r.get('/admin/invoices/:id/pdf', ...guard('invoices.view'), async (ctx) => {
    const doc = await loadInvoiceDocument(deps.db, await invoiceId(ctx));
    if (!doc) throw new AppError('not_found', 'not_found', 404);
    const pdf = await renderInvoicePdf(doc, { locale: ctx.state.locale, timeZone: deps.config.ISP_TIME_ZONE });
    ctx.type = 'application/pdf';
    ctx.set('Cache-Control', 'no-store');
    ctx.attachment(`${fileSafe(doc.invoiceNumber ?? `invoice-${doc.id}`)}.pdf`, { type: ctx.query.download === '1' ? 'attachment' : 'inline' });
    ctx.body = pdf;
  });

  r.post('/admin/invoices/:id/void', ...guard('invoices.void'), async (ctx) => {
    const id = await invoiceId(ctx);
    const reason = String(formBody(ctx).reason ?? '');
    const outcome = await deps.engine.run((u) => voidInvoice(u, { invoiceId: id, reason, actor: actorOf(ctx) }));
    if (outcome.ok) return ctx.redirect(`/admin/invoices/${id}?voided=1`);
    if (outcome.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    ctx.status = outcome.code === 'reason_required' ? 422 : 409;
    await showPage(ctx, id, {
      voidError: `invoices.void_error.${outcome.code}`,
      voidErrorAmount: outcome.code === 'partly_paid' ? outcome.amountPaid : null,
      reason: reason.slice(0, VOID_REASON_MAX),
    });
  });

  r.post('/admin/invoices/:id/send', ...guard('invoices.send'), async (ctx) => {
    const id = await invoiceId(ctx);
    const outcome = await deps.engine.run((u) => sendInvoiceAgain(u, { invoiceId: id, actor: actorOf(ctx) }));
    if (outcome.ok) return ctx.redirect(`/admin/invoices/${id}?sent=${[...new Set(outcome.sentTo.map((s) => s.channel))].join(',')}`);
    if (outcome.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    ctx.redirect(`/admin/invoices/${id}?send_error=${outcome.code}`);
  });

  return r;
}
