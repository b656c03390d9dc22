/**
 * /customers: list (filters `q` on name, number or phone, `area`, `archived`), get (with its
 * subscriptions and their plans), create and update. Create and update call the console's use
 * case (billing/customers/save-customer.ts: same validation, optimistic lock on `version`, audit
 * `customer_created` / `customer_updated`). An area-scoped role (collector) sees only the customers
 * of its areas; others answer 404.
 */
import { z } from 'zod';
import { inScope } from '../../billing/customers/customer-scope.js';
import { createCustomer, updateCustomer } from '../../billing/customers/save-customer.js';
import type { Knex } from '../../lib/db.js';
import { paginate } from '../framework/pagination.js';
import { route, type ApiRoute } from '../framework/route.js';
import { found, idParams, instant, iso, pageOf, pageQuery, refusal, requireScope } from './common.js';

const customer = z.object({
  id: z.number().int(), customer_number: z.string(), name: z.string(), phone: z.string().nullable(), email: z.string().nullable(),
  address: z.string().nullable(), identity_number: z.string().nullable(), area: z.string().nullable(), locale: z.enum(['id', 'en']),
  notes: z.string().nullable(), archived_at: instant, created_at: instant, updated_at: instant,
  version: z.number().int().describe('Send it back on update (optimistic lock)'),
}).meta({ id: 'Customer' });

const customerWithSubscriptions = customer.extend({
  subscriptions: z.array(z.object({
    id: z.number().int(), username: z.string(), status: z.string(), service_type: z.string(),
    plan: z.object({ id: z.number().int(), name: z.string(), price: z.number().int() }),
  })),
}).meta({ id: 'CustomerDetail' });

/**
 * The fields of billing/customers/save-customer.ts `customerForm`, as JSON, without defaults: an
 * update built from them leaves out what it does not send (zod 4's `.partial()` keeps a field's
 * default, which would blank every field a PATCH leaves out).
 */
const customerFields = {
  name: z.string().min(1).max(200),
  phone: z.string().max(40).describe('Any Indonesian notation (08…, +62…); stored as 62…'),
  email: z.string().max(200),
  address: z.string().max(500),
  identity_number: z.string().max(32),
  locale: z.enum(['id', 'en']),
  notes: z.string().max(2000),
  area: z.string().max(60),
};

/** A new customer: the optional fields default to empty (and the language to Indonesian). */
const customerInput = z.object({
  ...customerFields,
  phone: customerFields.phone.default(''),
  email: customerFields.email.default(''),
  address: customerFields.address.default(''),
  identity_number: customerFields.identity_number.default(''),
  locale: customerFields.locale.default('id'),
  notes: customerFields.notes.default(''),
  area: customerFields.area.default(''),
}).meta({ id: 'CustomerInput' });

const COLUMNS = ['c.id', 'c.customer_number', 'c.name', 'c.phone', 'c.email', 'c.address', 'c.identity_number', 'c.area', 'c.locale', 'c.notes', 'c.archived_at', 'c.created_at', 'c.updated_at', 'c.version'];

function toCustomer(r: Record<string, unknown>): z.infer<typeof customer> {
  return { ...(r as z.infer<typeof customer>), archived_at: iso(r.archived_at), created_at: iso(r.created_at), updated_at: iso(r.updated_at) };
}

async function loadDetail(db: Knex, id: number): Promise<z.infer<typeof customerWithSubscriptions>> {
  const row = found<Record<string, unknown>>(await db('customers as c').where('c.id', id).first(COLUMNS));
  const subs = (await db('subscriptions as s').join('plans as p', 'p.id', 's.plan_id').where('s.customer_id', id).orderBy('s.id')
    .select('s.id', 's.username', 's.status', 's.service_type', 'p.id as plan_id', 'p.name as plan_name', 'p.price')) as Array<Record<string, unknown>>;
  return { ...toCustomer(row), subscriptions: subs.map((s) => ({ id: Number(s.id), username: String(s.username), status: String(s.status), service_type: String(s.service_type), plan: { id: Number(s.plan_id), name: String(s.plan_name), price: Number(s.price) } })) };
}

export const customerRoutes: ApiRoute[] = [
  route({
    method: 'get', path: '/customers', operationId: 'listCustomers', tag: 'Customers', summary: 'List customers', permission: 'customers.view',
    query: pageQuery.extend({
      q: z.string().max(100).optional().describe('Part of the name, customer number or phone'),
      area: z.string().max(60).optional(),
      archived: z.enum(['true', 'false']).default('false').describe('true: archived customers only'),
    }),
    response: { status: 200, schema: pageOf(customer, 'Customer'), description: 'A page of customers, newest first' },
    async handler({ query, caller, deps }) {
      const q = inScope(deps.db('customers as c').select(COLUMNS), caller.scope, 'c.id');
      if (query.archived === 'true') q.whereNotNull('c.archived_at');
      else q.whereNull('c.archived_at');
      if (query.area) q.where('c.area', query.area);
      if (query.q) {
        const like = `%${query.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
        q.where((w) => w.whereILike('c.name', like).orWhereILike('c.customer_number', like).orWhereILike('c.phone', like));
      }
      const page = await paginate<Record<string, unknown> & { id: number }>(q, 'c.id', query);
      return { body: { data: page.data.map(toCustomer), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'get', path: '/customers/{id}', operationId: 'getCustomer', tag: 'Customers', summary: 'A customer with its subscriptions and plans', permission: 'customers.view',
    params: idParams, problems: [404],
    response: { status: 200, schema: customerWithSubscriptions, description: 'The customer' },
    async handler({ params, caller, deps }) {
      await requireScope(deps, caller, 'customers', params.id);
      return { body: await loadDetail(deps.db, params.id) };
    },
  }),
  route({
    method: 'post', path: '/customers', operationId: 'createCustomer', tag: 'Customers', summary: 'Create a customer', permission: 'customers.edit',
    body: customerInput,
    response: { status: 201, schema: customerWithSubscriptions, description: 'The new customer' },
    async handler({ body, caller, deps }) {
      const outcome = await createCustomer(deps.db, caller.actor, body);
      if (!outcome.ok) refusal(outcome);
      return { status: 201, location: `/api/v1/customers/${outcome.id}`, body: await loadDetail(deps.db, outcome.id) };
    },
  }),
  route({
    method: 'patch', path: '/customers/{id}', operationId: 'updateCustomer', tag: 'Customers', summary: 'Update a customer', permission: 'customers.edit',
    description: 'Fields left out keep their value. `version` must be the one you read: 409 `stale` otherwise.',
    params: idParams, problems: [404, 409],
    body: z.object(customerFields).partial().extend({ version: z.number().int().min(1) }).meta({ id: 'CustomerUpdate' }),
    response: { status: 200, schema: customerWithSubscriptions, description: 'The customer after the change' },
    async handler({ params, body, caller, deps }) {
      await requireScope(deps, caller, 'customers', params.id);
      const current = found<Record<string, unknown>>(await deps.db('customers').where({ id: params.id }).first('name', 'phone', 'email', 'address', 'identity_number', 'locale', 'notes', 'area'));
      const merged = { ...Object.fromEntries(Object.entries(current).map(([k, v]) => [k, v ?? ''])), ...body };
      const outcome = await updateCustomer(deps.db, caller.actor, params.id, body.version, merged);
      if (!outcome.ok) refusal(outcome);
      return { body: await loadDetail(deps.db, params.id) };
    },
  }),
];
