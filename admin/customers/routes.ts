/**
 * Customers: the list (search, filter, sort, pages; CSV of the whole filtered list, audited as
 * `customers_exported` with its filter: it carries every subscriber's name and phone), a new
 * customer, the customer page, editing, and recording a cash or transfer payment (the page then
 * says where the receipt went: admin/customers/receipt-notice.ts). The list filters by area; every
 * list and page here is narrowed to the signed-in staff member's scope (a collector: the
 * customers of their areas, billing/customers/customer-scope.ts; another customer's id answers 404).
 */
import Router from '@koa/router';
import { archiveCustomer } from '../../billing/customers/archive-customer.js';
import { recordAudit } from '../../lib/audit.js';
import { AppError } from '../../lib/errors.js';
import { actorOf, guard, type AdminState } from '../context.js';
import { formBody, idParam, queryValue } from '../../lib/http/request.js';
import type { AdminDeps } from '../deps.js';
import { everyRow, streamCsv } from '../csv.js';
import { customerDetail } from './customer-detail.js';
import { CUSTOMER_FILTERS, CUSTOMER_SORTS, customerAreas, listCustomers, type CustomerListQuery } from './list-customers.js';
import { areaValue, createCustomer, loadCustomer, updateCustomer } from '../../billing/customers/save-customer.js';
import { requireInScope, type CustomerScope } from '../../billing/customers/customer-scope.js';
import { receiptNotice } from './receipt-notice.js';
import { listLinks } from '../list-links.js';
import { t } from '../../lib/i18n.js';

/** The list's query from the URL, narrowed to `scope` (the signed-in staff member's customers). */
export function listQuery(q: Record<string, unknown>, scope: CustomerScope): CustomerListQuery {
  const one = (v: unknown): string => queryValue(v);
  const filter = one(q.filter);
  const sort = one(q.sort);
  return {
    q: one(q.q),
    filter: (CUSTOMER_FILTERS as readonly string[]).includes(filter) ? (filter as CustomerListQuery['filter']) : '',
    sort: (CUSTOMER_SORTS as readonly string[]).includes(sort) ? (sort as CustomerListQuery['sort']) : 'number',
    dir: one(q.dir) === 'desc' ? 'desc' : 'asc',
    page: Number.parseInt(one(q.page), 10) || 1,
    area: areaValue(one(q.area)) ?? '',
    scope,
  };
}

const EMPTY = { name: '', phone: '', email: '', address: '', identity_number: '', locale: 'id', notes: '', area: '' };

export function createCustomerRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  type Ctx = Parameters<AdminDeps['render']>[0];
  /** The route's customer id; 404 for a customer outside the staff member's scope (billing/customers/customer-scope.ts). */
  const customerId = async (ctx: Ctx): Promise<number> => {
    const id = idParam(ctx.params.id);
    await requireInScope(deps.db, ctx.state.staff!.scope, 'customers', id);
    return id;
  };
  const areas = (ctx: Ctx): Promise<string[]> => customerAreas(deps.db, ctx.state.staff!.scope);

  r.get('/admin/customers', ...guard('customers.view'), async (ctx) => {
    const query = listQuery(ctx.query, ctx.state.staff!.scope);
    const [list, areaChoices] = await Promise.all([listCustomers(deps.db, query), areas(ctx)]);
    const params = (over: Partial<CustomerListQuery>): string => {
      const p = { ...query, ...over };
      return new URLSearchParams({ q: p.q, filter: p.filter, area: p.area ?? '', sort: p.sort, dir: p.dir, page: String(p.page) }).toString();
    };
    deps.render(ctx, 'admin/customers/list', {
      title: t(ctx.state.locale, 'nav.customers'),
      query,
      list,
      filters: CUSTOMER_FILTERS.filter(Boolean),
      areas: areaChoices,
      ...listLinks({ query, list, sorts: CUSTOMER_SORTS, params: params, csvPath: '/admin/customers.csv' }),
    }, 'partials/admin/customer-results');
  });

  r.get('/admin/customers.csv', ...guard('customers.view'), async (ctx) => {
    const query = listQuery(ctx.query, ctx.state.staff!.scope);
    const pageSize = 1000;
    await recordAudit(deps.db, actorOf(ctx), { action: 'customers_exported', objectType: 'customer', objectId: null, after: { q: query.q, filter: query.filter, area: query.area, sort: query.sort, dir: query.dir } });
    await streamCsv(ctx, `customers-${deps.clock.now().toISOString().slice(0, 10)}.csv`,
      ['customer_number', 'name', 'phone', 'area', 'subscriptions', 'statuses', 'balance'],
      async function* () {
        for await (const c of everyRow((page) => listCustomers(deps.replicaDb, { ...query, page }, pageSize))) yield [c.customer_number, c.name, c.phone ?? '', c.area ?? '', c.usernames ?? '', c.statuses.join(' '), c.balance];
      });
  });

  r.get('/admin/customers/new', ...guard('customers.edit'), async (ctx) => {
    deps.render(ctx, 'admin/customers/form', { title: t(ctx.state.locale, 'customers.new'), values: EMPTY, action: '/admin/customers', areas: await areas(ctx) });
  });

  r.post('/admin/customers', ...guard('customers.edit'), async (ctx) => {
    const input = formBody(ctx);
    const result = await createCustomer(deps.db, actorOf(ctx), input);
    if (result.ok) return ctx.redirect(`/admin/customers/${result.id}?saved=1`);
    ctx.status = 422;
    deps.render(ctx, 'admin/customers/form', { title: t(ctx.state.locale, 'customers.new'), values: { ...EMPTY, ...input }, errors: result.code === 'invalid' ? result.errors : {}, action: '/admin/customers', areas: await areas(ctx) });
  });

  r.get('/admin/customers/:id', ...guard('customers.view'), async (ctx) => {
    const id = await customerId(ctx);
    const detail = await customerDetail(deps.db, id, ctx.state.locale);
    if (!detail) throw new AppError('not_found', 'not_found', 404);
    const payment = queryValue(ctx.query.payment);
    // The receipt of the payment just recorded (the redirect after a payment names it), and where it went.
    const receiptId = /^\d{1,15}$/.test(payment) ? Number(payment) : null;
    deps.render(ctx, 'admin/customers/show', {
      title: detail.customer.name, ...detail, saved: ctx.query.saved, paymentError: ctx.query.payment_error,
      receiptId, receipt: receiptId === null ? null : await receiptNotice(deps.db, id, receiptId, Boolean(deps.engine.channels.whatsapp)),
    });
  });

  r.get('/admin/customers/:id/edit', ...guard('customers.edit'), async (ctx) => {
    const id = await customerId(ctx);
    const customer = await loadCustomer(deps.db, id);
    if (!customer) throw new AppError('not_found', 'not_found', 404);
    deps.render(ctx, 'admin/customers/form', { title: customer.name, values: customer, version: customer.version, action: `/admin/customers/${id}`, customer, areas: await areas(ctx) });
  });

  r.post('/admin/customers/:id', ...guard('customers.edit'), async (ctx) => {
    const id = await customerId(ctx);
    const input = formBody(ctx);
    const result = await updateCustomer(deps.db, actorOf(ctx), id, Number(input.version), input);
    if (result.ok) return ctx.redirect(`/admin/customers/${id}?saved=1`);
    if (result.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    ctx.status = result.code === 'stale' ? 409 : 422;
    deps.render(ctx, 'admin/customers/form', {
      title: input.name, values: { ...EMPTY, ...input }, version: input.version, action: `/admin/customers/${id}`, customer: { id },
      errors: result.code === 'invalid' ? result.errors : {}, stale: result.code === 'stale', areas: await areas(ctx),
    });
  });

  // Archive (kept for history, hidden from the default list): refused while money or a subscription is open.
  r.post('/admin/customers/:id/archive', ...guard('customers.edit'), async (ctx) => {
    const id = await customerId(ctx);
    const outcome = await archiveCustomer({ db: deps.db, clock: deps.clock }, { customerId: id, actor: actorOf(ctx) });
    if (outcome.ok) return ctx.redirect(`/admin/customers/${id}?saved=archived`);
    if (outcome.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    if (outcome.code === 'already_archived') return ctx.redirect(`/admin/customers/${id}`);
    const detail = await customerDetail(deps.db, id, ctx.state.locale);
    ctx.status = 409;
    deps.render(ctx, 'admin/customers/show', { title: detail!.customer.name, ...detail, archiveRefused: outcome });
  });

  r.post('/admin/customers/:id/payments', ...guard('payments.record'), async (ctx) => {
    const id = await customerId(ctx);
    const b = formBody(ctx);
    // Staff type "150.000" or "150000": the dots are thousands separators.
    const amount = /^\d{1,3}(\.\d{3})*$|^\d+$/.test(String(b.amount ?? '').trim()) ? Number(String(b.amount).replace(/\./g, '')) : Number.NaN;
    const invoiceId = b.invoice_id && /^\d+$/.test(b.invoice_id) ? Number(b.invoice_id) : null;
    try {
      const outcome = await deps.engine.recordStaffPayment({
        customerId: id, amount, method: b.method === 'bank_transfer' ? 'bank_transfer' : 'cash', invoiceId,
        receivedBy: ctx.state.staff!.id, reference: b.reference?.slice(0, 100) || null, note: b.note?.slice(0, 500) || null, actor: actorOf(ctx),
      });
      ctx.redirect(`/admin/customers/${id}?saved=payment&payment=${outcome.paymentId}`);
    } catch (err) {
      if (err instanceof AppError && err.status < 500 && err.code !== 'customer_not_found') {
        return ctx.redirect(`/admin/customers/${id}?payment_error=${encodeURIComponent(err.code)}`);
      }
      throw err;
    }
  });

  return r;
}
