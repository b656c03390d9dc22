/**
 * /payments: list (filters `customer_id`, `invoice_id`, `method`, `status`), get, and record a
 * staff payment (cash or bank transfer received by the token's staff member) through the console's
 * use case (engine.recordStaffPayment → billing/payments/record-staff-payment.ts: ledger credit,
 * allocation to open invoices oldest first, reactivation of paid-up subscriptions, receipt
 * notification, audit `payment_recorded`). Send an Idempotency-Key: a retried POST then records
 * the money once.
 */
import { z } from 'zod';
import { inScope } from '../../billing/customers/customer-scope.js';
import type { Knex } from '../../lib/db.js';
import { paginate } from '../framework/pagination.js';
import { route, type ApiRoute } from '../framework/route.js';
import { found, idParams, instant, iso, pageOf, pageQuery, requireScope } from './common.js';

const METHODS = ['cash', 'bank_transfer', 'midtrans', 'xendit', 'tripay', 'duitku'] as const; // payments_method_check (migration 20261208000700)
const STATUSES = ['pending', 'settled', 'failed', 'expired', 'refunded'] as const;

const payment = z.object({
  id: z.number().int(), customer_id: z.number().int(), invoice_id: z.number().int().nullable(), amount: z.number().int().describe('Whole rupiah'),
  method: z.enum(METHODS), status: z.enum(STATUSES), received_by: z.number().int().nullable().describe('Staff id who took the money'),
  reference: z.string().nullable(), note: z.string().nullable(), settled_at: instant, created_at: instant,
}).meta({ id: 'Payment' });

const recorded = payment.extend({
  paid_invoice_ids: z.array(z.number().int()), reactivated_subscription_ids: z.array(z.number().int()),
  balance: z.number().int().describe("The customer's ledger balance after (positive: credit)"),
}).meta({ id: 'PaymentRecorded' });

const COLUMNS = ['id', 'customer_id', 'invoice_id', 'amount', 'method', 'status', 'received_by', 'reference', 'note', 'settled_at', 'created_at'].map((c) => `p.${c}`);
const toPayment = (r: Record<string, unknown>): z.infer<typeof payment> => ({ ...(r as z.infer<typeof payment>), settled_at: iso(r.settled_at), created_at: iso(r.created_at) });
const load = async (db: Knex, id: number): Promise<z.infer<typeof payment>> => toPayment(found(await db('payments as p').where('p.id', id).first(COLUMNS)));

export const paymentRoutes: ApiRoute[] = [
  route({
    method: 'get', path: '/payments', operationId: 'listPayments', tag: 'Payments', summary: 'List payments', permission: 'payments.view',
    query: pageQuery.extend({
      customer_id: z.coerce.number().int().min(1).optional(), invoice_id: z.coerce.number().int().min(1).optional(),
      method: z.enum(METHODS).optional(), status: z.enum(STATUSES).optional(),
    }),
    response: { status: 200, schema: pageOf(payment, 'Payment'), description: 'A page of payments, newest first' },
    async handler({ query, caller, deps }) {
      const q = inScope(deps.db('payments as p').select(COLUMNS), caller.scope, 'p.customer_id');
      if (query.customer_id) q.where('p.customer_id', query.customer_id);
      if (query.invoice_id) q.where('p.invoice_id', query.invoice_id);
      if (query.method) q.where('p.method', query.method);
      if (query.status) q.where('p.status', query.status);
      const page = await paginate<Record<string, unknown> & { id: number }>(q, 'p.id', query);
      return { body: { data: page.data.map(toPayment), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'get', path: '/payments/{id}', operationId: 'getPayment', tag: 'Payments', summary: 'A payment', permission: 'payments.view',
    params: idParams, problems: [404],
    response: { status: 200, schema: payment, description: 'The payment' },
    async handler({ params, caller, deps }) {
      await requireScope(deps, caller, 'payments', params.id);
      return { body: await load(deps.db, params.id) };
    },
  }),
  route({
    method: 'post', path: '/payments', operationId: 'recordPayment', tag: 'Payments', summary: 'Record a cash or bank-transfer payment', permission: 'payments.record',
    description: 'The money is credited to the customer and allocated to the named invoice first, then to other open invoices (oldest due first). 404 `customer_not_found`; 409 `invoice_not_open`.',
    problems: [404, 409],
    body: z.object({
      customer_id: z.number().int().min(1),
      amount: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe('Whole rupiah'),
      method: z.enum(['cash', 'bank_transfer']),
      invoice_id: z.number().int().min(1).nullable().default(null),
      reference: z.string().max(100).nullable().default(null),
      note: z.string().max(500).nullable().default(null),
    }).meta({ id: 'PaymentInput' }),
    response: { status: 201, schema: recorded, description: 'The payment and what it paid' },
    async handler({ body, caller, deps }) {
      await requireScope(deps, caller, 'customers', body.customer_id);
      const outcome = await deps.engine.recordStaffPayment({
        customerId: body.customer_id, amount: body.amount, method: body.method, invoiceId: body.invoice_id,
        receivedBy: caller.staffUserId, reference: body.reference, note: body.note, actor: caller.actor,
      });
      return {
        status: 201, location: `/api/v1/payments/${outcome.paymentId}`,
        body: { ...(await load(deps.db, outcome.paymentId)), paid_invoice_ids: outcome.paidInvoiceIds, reactivated_subscription_ids: outcome.reactivatedSubscriptionIds, balance: outcome.balance },
      };
    },
  }),
];
