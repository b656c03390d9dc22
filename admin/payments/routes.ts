/**
 * Payments: the list (search, filters, sort, pages; CSV of the whole filtered list), the payment
 * page with its receipt (who received it, the invoices its money paid), a print page of the
 * receipt (no console chrome) and the receipt PDF. Receipts exist for settled payments only.
 * /admin/payments/events: gateway notifications that need staff (never confirmed, or flagged),
 * each with "retry" (payments.record, confirmed in the browser, audited): the order is checked
 * with the gateway again at once (billing/webhooks/retry-payment-event.ts). Every list and page
 * is narrowed to the signed-in staff member's scope (a collector: their areas' customers,
 * billing/customers/customer-scope.ts; another customer's payment answers 404).
 */
import Router from '@koa/router';
import { loadReceiptDocument } from '../../billing/payments/receipt-document.js';
import { renderReceiptPdf } from '../../billing/payments/receipt-pdf.js';
import { retryPaymentEvent } from '../../billing/webhooks/retry-payment-event.js';
import { AppError } from '../../lib/errors.js';
import { actorOf, guard, type AdminState } from '../context.js';
import { streamCsv } from '../csv.js';
import type { AdminDeps } from '../deps.js';
import { dateValue } from '../invoices/list-invoices.js';
import { printPage } from '../invoices/print-views.js';
import { idParam, queryValue } from '../../lib/http/request.js';
import { listLinks } from '../list-links.js';
import { requireInScope, type CustomerScope } from '../../billing/customers/customer-scope.js';
import {
  PAYMENT_METHOD_FILTERS, PAYMENT_PROVIDERS, PAYMENT_SORTS, PAYMENT_STATUS_FILTERS, allPayments, listPayments, type PaymentListQuery,
} from './list-payments.js';
import { listFailedPaymentEvents } from './list-payment-events.js';
import { t } from '../../lib/i18n.js';

/** What "retry" can come back with, as the page words it (views/locales/admin/payments). */
const RETRY_OUTCOMES = ['credited', 'already_settled', 'pending', 'failed', 'flagged', 'unknown_order', 'retry', 'gave_up', 'coalesced', 'not_due', 'gone'] as const;

function pick<T extends string>(allowed: readonly T[], value: string, fallback: T): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** The list's query from the URL, narrowed to `scope` (the signed-in staff member's customers). */
function listQuery(q: Record<string, unknown>, scope: CustomerScope): PaymentListQuery {
  const one = (v: unknown): string => queryValue(v);
  return {
    q: one(q.q),
    method: pick(PAYMENT_METHOD_FILTERS, one(q.method), ''),
    provider: pick(PAYMENT_PROVIDERS, one(q.provider), ''),
    status: pick(PAYMENT_STATUS_FILTERS, one(q.status), ''),
    from: dateValue(q.from),
    to: dateValue(q.to),
    sort: pick(PAYMENT_SORTS, one(q.sort), 'received'),
    dir: one(q.dir) === 'asc' ? 'asc' : 'desc',
    page: Number.parseInt(one(q.page), 10) || 1,
    scope,
  };
}

function queryString(p: PaymentListQuery): string {
  return new URLSearchParams({ q: p.q, method: p.method, provider: p.provider, status: p.status, from: p.from, to: p.to, sort: p.sort, dir: p.dir, page: String(p.page) }).toString();
}

export function createPaymentRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();

  r.get('/admin/payments', ...guard('payments.view'), async (ctx) => {
    const query = listQuery(ctx.query, ctx.state.staff!.scope);
    const list = await listPayments(deps.db, query, deps.config.ISP_TIME_ZONE);
    const params = (over: Partial<PaymentListQuery>): string => queryString({ ...query, ...over });
    deps.render(ctx, 'admin/payments/list', {
      title: t(ctx.state.locale, 'nav.payments'),
      query,
      list,
      methods: PAYMENT_METHOD_FILTERS.filter(Boolean),
      providers: PAYMENT_PROVIDERS.filter(Boolean),
      statuses: PAYMENT_STATUS_FILTERS.filter(Boolean),
      ...listLinks({ query, list, sorts: PAYMENT_SORTS, params: params, csvPath: '/admin/payments.csv', firstDir: 'desc' }),
    }, 'partials/admin/payment-results');
  });

  r.get('/admin/payments.csv', ...guard('payments.view'), async (ctx) => {
    const query = listQuery(ctx.query, ctx.state.staff!.scope);
    const tz = deps.config.ISP_TIME_ZONE;
    const stamp = new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    await streamCsv(ctx, `payments-${deps.clock.now().toISOString().slice(0, 10)}.csv`,
      ['receipt_number', 'received_at', 'customer_number', 'customer_name', 'method', 'payment_type', 'status', 'flagged', 'amount', 'received_by', 'reference', 'gateway_order_id', 'invoice_number'],
      async function* () {
        for await (const p of allPayments(deps.replicaDb, query, tz)) {
          yield [p.receipt_number, stamp.format(new Date(p.received_at)), p.customer_number, p.customer_name, p.method, p.gateway_payment_type ?? '', p.status,
            p.flagged_reason ?? '', p.amount, p.received_by_name ?? '', p.reference ?? '', p.gateway_order_id ?? '', p.invoice_number ?? ''];
        }
      });
  });

  r.get('/admin/payments/events', ...guard('payments.view'), async (ctx) => {
    const retried = queryValue(ctx.query.retried);
    deps.render(ctx, 'admin/payments/events', {
      title: t(ctx.state.locale, 'payments.events.heading'),
      rows: await listFailedPaymentEvents(deps.db, 200, ctx.state.staff!.scope),
      retried: (RETRY_OUTCOMES as readonly string[]).includes(retried) ? retried : null,
      retriedOrder: queryValue(ctx.query.order),
    });
  });

  r.post('/admin/payments/events/:id/retry', ...guard('payments.record'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const actor = actorOf(ctx);
    const order = await deps.db('payment_events').where({ id }).first('order_id', 'provider');
    if (!order) throw new AppError('not_found', 'not_found', 404);
    if (!ctx.state.staff!.scope.all) {
      // An area-scoped staff member retries only the orders of their customers' payments.
      const payment = await deps.db('payments').where({ gateway_order_id: order.order_id, method: order.provider }).first('id');
      if (!payment) throw new AppError('not_found', 'not_found', 404);
      await requireInScope(deps.db, ctx.state.staff!.scope, 'payments', Number(payment.id));
    }
    const outcome = await deps.engine.run((u) => retryPaymentEvent({ ...u, gateways: deps.engine.gateways }, id, actor));
    ctx.redirect(`/admin/payments/events?${new URLSearchParams({ retried: outcome, order: String(order.order_id) }).toString()}`);
  });

  /** Payment `id`'s receipt; 404 when there is none, or it is of a customer outside the staff member's scope. */
  const receipt = async (ctx: { params: { id?: string }; state: AdminState }, settledOnly: boolean) => {
    const id = idParam(ctx.params.id);
    await requireInScope(deps.db, ctx.state.staff!.scope, 'payments', id);
    const doc = await loadReceiptDocument(deps.db, id);
    if (!doc) throw new AppError('not_found', 'not_found', 404);
    if (settledOnly && doc.status !== 'settled') throw new AppError('not_settled', 'a receipt exists once the payment is settled', 409);
    return doc;
  };

  r.get('/admin/payments/:id', ...guard('payments.view'), async (ctx) => {
    const doc = await receipt(ctx, false);
    deps.render(ctx, 'admin/payments/show', { title: doc.receiptNumber, doc, applied: doc.allocations.reduce((s, a) => s + a.amount, 0) });
  });

  r.get('/admin/payments/:id/print', ...guard('payments.view'), async (ctx) => {
    const doc = await receipt(ctx, true);
    printPage(ctx, deps, 'admin/payments/print', { title: doc.receiptNumber, doc });
  });

  r.get('/admin/payments/:id/pdf', ...guard('payments.view'), async (ctx) => {
    const doc = await receipt(ctx, true);
    const pdf = await renderReceiptPdf(doc, { locale: ctx.state.locale, timeZone: deps.config.ISP_TIME_ZONE });
    ctx.type = 'application/pdf';
    ctx.set('Cache-Control', 'no-store');
    ctx.attachment(`${doc.receiptNumber.replace(/[^A-Za-z0-9._-]+/g, '-')}.pdf`, { type: ctx.query.download === '1' ? 'attachment' : 'inline' });
    ctx.body = pdf;
  });

  return r;
}
