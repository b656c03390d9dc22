/**
 * /invoices: list (filters `customer_id`, `subscription_id`, `status`), get (with its lines), the
 * PDF (billing/invoices/invoice-pdf.ts, in the caller's staff language), void
 * (billing/invoices/void-invoice.ts: reverses its ledger entry; 409 `paid` / `partly_paid` /
 * `already_void`) and send again (send-invoice-again.ts: WhatsApp, SMS or e-mail with a pay link;
 * 409 `not_open` / `no_channel`). Money is whole rupiah; dates are the ISP's local dates.
 */
import { z } from 'zod';
import { inScope } from '../../billing/customers/customer-scope.js';
import { renderInvoicePdf } from '../../billing/invoices/invoice-pdf.js';
import { loadInvoiceDocument } from '../../billing/invoices/invoice-document.js';
import { sendInvoiceAgain } from '../../billing/invoices/send-invoice-again.js';
import { VOID_REASON_MAX, voidInvoice } from '../../billing/invoices/void-invoice.js';
import type { Knex } from '../../lib/db.js';
import { paginate } from '../framework/pagination.js';
import { route, type ApiRoute } from '../framework/route.js';
import { day, found, idParams, instant, iso, pageOf, pageQuery, refusal, requireScope } from './common.js';

const STATUSES = ['draft', 'open', 'partially_paid', 'paid', 'void', 'overdue'] as const;

const invoice = z.object({
  id: z.number().int(), invoice_number: z.string().nullable(), customer_id: z.number().int(), subscription_id: z.number().int().nullable(),
  kind: z.enum(['recurring', 'one_off']), status: z.enum(STATUSES), period_start: day, period_end: day, issue_date: day, due_date: day,
  subtotal: z.number().int(), tax_basis_points: z.number().int().describe('1100 = 11 % PPN'), tax_amount: z.number().int(), total: z.number().int(),
  amount_paid: z.number().int(), paid_at: instant, voided_at: instant, void_reason: z.string().nullable(), created_at: instant,
}).meta({ id: 'Invoice' });

const invoiceDetail = invoice.extend({
  lines: z.array(z.object({ position: z.number().int(), kind: z.string(), description: z.string(), quantity: z.number(), unit_price: z.number().int(), amount: z.number().int() })),
}).meta({ id: 'InvoiceDetail' });

const COLUMNS = ['id', 'invoice_number', 'customer_id', 'subscription_id', 'kind', 'status', 'period_start', 'period_end', 'issue_date', 'due_date',
  'subtotal', 'tax_basis_points', 'tax_amount', 'total', 'amount_paid', 'paid_at', 'voided_at', 'void_reason', 'created_at'].map((c) => `i.${c}`);

const toInvoice = (r: Record<string, unknown>): z.infer<typeof invoice> =>
  ({ ...(r as z.infer<typeof invoice>), paid_at: iso(r.paid_at), voided_at: iso(r.voided_at), created_at: iso(r.created_at) });

async function loadDetail(db: Knex, id: number): Promise<z.infer<typeof invoiceDetail>> {
  const row = found<Record<string, unknown>>(await db('invoices as i').where('i.id', id).first(COLUMNS));
  const doc = found(await loadInvoiceDocument(db, id));
  return { ...toInvoice(row), lines: doc.lines.map((l) => ({ position: l.position, kind: l.kind, description: l.description, quantity: l.quantity, unit_price: l.unitPrice, amount: l.amount })) };
}

export const invoiceRoutes: ApiRoute[] = [
  route({
    method: 'get', path: '/invoices', operationId: 'listInvoices', tag: 'Invoices', summary: 'List invoices', permission: 'invoices.view',
    query: pageQuery.extend({
      customer_id: z.coerce.number().int().min(1).optional(), subscription_id: z.coerce.number().int().min(1).optional(), status: z.enum(STATUSES).optional(),
    }),
    response: { status: 200, schema: pageOf(invoice, 'Invoice'), description: 'A page of invoices, newest first' },
    async handler({ query, caller, deps }) {
      const q = inScope(deps.db('invoices as i').select(COLUMNS), caller.scope, 'i.customer_id');
      if (query.customer_id) q.where('i.customer_id', query.customer_id);
      if (query.subscription_id) q.where('i.subscription_id', query.subscription_id);
      if (query.status) q.where('i.status', query.status);
      const page = await paginate<Record<string, unknown> & { id: number }>(q, 'i.id', query);
      return { body: { data: page.data.map(toInvoice), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'get', path: '/invoices/{id}', operationId: 'getInvoice', tag: 'Invoices', summary: 'An invoice with its lines', permission: 'invoices.view',
    params: idParams, problems: [404],
    response: { status: 200, schema: invoiceDetail, description: 'The invoice' },
    async handler({ params, caller, deps }) {
      await requireScope(deps, caller, 'invoices', params.id);
      return { body: await loadDetail(deps.db, params.id) };
    },
  }),
  route({
    method: 'get', path: '/invoices/{id}/pdf', operationId: 'getInvoicePdf', tag: 'Invoices', summary: 'The invoice as PDF', permission: 'invoices.view',
    params: idParams, problems: [404],
    response: { status: 200, file: 'application/pdf', description: 'The PDF, in the staff member\'s language' },
    async handler({ params, caller, deps, ctx }) {
      await requireScope(deps, caller, 'invoices', params.id);
      const doc = found(await loadInvoiceDocument(deps.db, params.id));
      ctx.set('Cache-Control', 'no-store');
      const name = (doc.invoiceNumber ?? `invoice-${doc.id}`).replace(/[^A-Za-z0-9._-]+/g, '-');
      return { file: await renderInvoicePdf(doc, { locale: caller.locale, timeZone: deps.config.ISP_TIME_ZONE }), type: 'application/pdf', filename: `${name}.pdf` };
    },
  }),
  route({
    method: 'post', path: '/invoices/{id}/void', operationId: 'voidInvoice', tag: 'Invoices', summary: 'Void an unpaid invoice', permission: 'invoices.void',
    description: 'Reverses its ledger entry. 409 `paid`, `partly_paid` (with `amountPaid`) or `already_void`.',
    params: idParams, problems: [404, 409],
    body: z.object({ reason: z.string().trim().min(1).max(VOID_REASON_MAX) }).meta({ id: 'VoidInput' }),
    response: { status: 200, schema: invoiceDetail, description: 'The void invoice' },
    async handler({ params, body, caller, deps }) {
      await requireScope(deps, caller, 'invoices', params.id);
      const outcome = await deps.engine.run((u) => voidInvoice(u, { invoiceId: params.id, reason: body.reason, actor: caller.actor }));
      if (!outcome.ok) refusal(outcome);
      return { body: await loadDetail(deps.db, params.id) };
    },
  }),
  route({
    method: 'post', path: '/invoices/{id}/send', operationId: 'sendInvoiceAgain', tag: 'Invoices', summary: 'Send the invoice to the customer again', permission: 'invoices.send',
    description: 'Queued on every configured channel the customer can be reached on, with a pay link. 409 `not_open` or `no_channel`.',
    params: idParams, problems: [404, 409],
    response: { status: 202, schema: z.object({ sent_to: z.array(z.object({ channel: z.string(), recipient: z.string() })) }).meta({ id: 'InvoiceSent' }), description: 'Queued' },
    async handler({ params, caller, deps }) {
      await requireScope(deps, caller, 'invoices', params.id);
      const outcome = await deps.engine.run((u) => sendInvoiceAgain(u, { invoiceId: params.id, actor: caller.actor }));
      if (!outcome.ok) refusal(outcome);
      return { status: 202, body: { sent_to: outcome.sentTo.map((s) => ({ channel: s.channel, recipient: s.recipient })) } };
    },
  }),
];
