/**
 * /subscriptions: list (filters `customer_id`, `status`, `plan_id`, `username`), get, create and
 * update, through the console's use cases (billing/subscriptions/create-subscription.ts: first
 * invoice, generated password, audit; update-subscription.ts: optimistic lock, audit, the router
 * told after commit). The new subscription's password is in the create answer only, once: a
 * replay of the same Idempotency-Key answers without it (`secretFields`, api/framework/router.ts).
 * Lifecycle actions are in subscription-actions.ts.
 */
import { isIPv4 } from 'node:net';
import { z } from 'zod';
import { inScope } from '../../billing/customers/customer-scope.js';
import { createSubscription } from '../../billing/subscriptions/create-subscription.js';
import { createCredentialsPush, type CredentialsPush } from '../../network/genieacs/credentials-push.js';
import type { ApiDeps } from '../framework/deps.js';
import { updateSubscription } from '../../billing/subscriptions/update-subscription.js';
import { USERNAME_PATTERN } from '../../billing/subscriptions/subscription-username.js';
import { paginate } from '../framework/pagination.js';
import { route, type ApiRoute } from '../framework/route.js';
import { found, idParams, pageOf, pageQuery, refusal, requireScope } from './common.js';
import { loadSubscription, subscriptionSchema, subscriptionsQuery, toSubscription } from './subscription-model.js';

const MAC = /^[0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$/;
const mac = z.string().regex(MAC, 'a MAC address').nullable().transform((v) => (v ? v.replace(/[^0-9A-Fa-f]/g, '').toUpperCase().match(/../g)!.join(':') : null));
const ipv4 = z.string().refine((v) => isIPv4(v), 'an IPv4 address').nullable();

const createInput = z.object({
  customer_id: z.number().int().min(1),
  plan_id: z.number().int().min(1),
  service_type: z.enum(['pppoe', 'hotspot']).default('pppoe'),
  billing_type: z.enum(['postpaid', 'prepaid']).default('postpaid'),
  anchor_day: z.number().int().min(1).max(28).describe('Day of the month billing periods start'),
  username: z.string().regex(USERNAME_PATTERN, 'letters, digits and . _ @ -, 3–64 characters').nullable().default(null).describe('null: generated from the customer number'),
  static_ip: ipv4.default(null).describe("Framed-IP-Address, or null for the plan's pool"),
  mac_address: mac.default(null),
}).meta({ id: 'SubscriptionInput' });

const updateInput = z.object({
  version: z.number().int().min(1),
  username: z.string().regex(USERNAME_PATTERN, 'letters, digits and . _ @ -, 3–64 characters').optional(),
  service_type: z.enum(['pppoe', 'hotspot']).optional(),
  anchor_day: z.number().int().min(1).max(28).optional(),
  static_ip: ipv4.optional(),
  mac_address: mac.optional(),
  notes: z.string().max(2000).nullable().optional(),
}).meta({ id: 'SubscriptionUpdate' });

const created = subscriptionSchema.extend({
  password: z.string().nullable().describe('The PPPoE/hotspot password, shown once (null in a replayed answer)'),
  first_invoice: z.object({ id: z.number().int(), invoice_number: z.string(), total: z.number().int(), owed: z.number().int(), due_date: z.string() }).nullable(),
}).meta({ id: 'SubscriptionCreated' });

/** One PPPoE-credentials push per API (its queue is opened once), as the console has one. */
const pushes = new WeakMap<ApiDeps, CredentialsPush>();
function credentialsPush(deps: ApiDeps): CredentialsPush {
  let push = pushes.get(deps);
  if (!push) pushes.set(deps, (push = createCredentialsPush(deps)));
  return push;
}

export const subscriptionRoutes: ApiRoute[] = [
  route({
    method: 'get', path: '/subscriptions', operationId: 'listSubscriptions', tag: 'Subscriptions', summary: 'List subscriptions', permission: 'customers.view',
    query: pageQuery.extend({
      customer_id: z.coerce.number().int().min(1).optional(), plan_id: z.coerce.number().int().min(1).optional(),
      status: z.enum(['active', 'soft_limited', 'suspended', 'terminated']).optional(), username: z.string().max(64).optional().describe('Exact username'),
    }),
    response: { status: 200, schema: pageOf(subscriptionSchema, 'Subscription'), description: 'A page of subscriptions, newest first' },
    async handler({ query, caller, deps }) {
      const q = inScope(subscriptionsQuery(deps.db), caller.scope, 's.customer_id');
      if (query.customer_id) q.where('s.customer_id', query.customer_id);
      if (query.plan_id) q.where('s.plan_id', query.plan_id);
      if (query.status) q.where('s.status', query.status);
      if (query.username) q.where('s.username', query.username);
      const page = await paginate<Record<string, unknown> & { id: number }>(q, 's.id', query);
      return { body: { data: page.data.map(toSubscription), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'get', path: '/subscriptions/{id}', operationId: 'getSubscription', tag: 'Subscriptions', summary: 'A subscription', permission: 'customers.view',
    params: idParams, problems: [404],
    response: { status: 200, schema: subscriptionSchema, description: 'The subscription' },
    async handler({ params, caller, deps }) {
      await requireScope(deps, caller, 'subscriptions', params.id);
      return { body: found(await loadSubscription(deps.db, params.id)) };
    },
  }),
  route({
    method: 'post', path: '/subscriptions', operationId: 'createSubscription', tag: 'Subscriptions', summary: 'Create a subscription (issues its first invoice)', permission: 'subscriptions.edit',
    body: createInput, problems: [404], secretFields: ['password'],
    response: { status: 201, schema: created, description: 'The new subscription, its password (once) and first invoice' },
    async handler({ body, caller, deps }) {
      await requireScope(deps, caller, 'customers', body.customer_id);
      const outcome = await deps.engine.run((u) => createSubscription({ ...u, secrets: deps.secrets }, {
        customerId: body.customer_id, planId: body.plan_id, serviceType: body.service_type, billingType: body.billing_type, anchorDay: body.anchor_day,
        username: body.username, staticIp: body.static_ip, macAddress: body.mac_address, actor: caller.actor,
      }));
      if (!outcome.ok) refusal(outcome);
      // The new credentials to the subscriber's CPE when GenieACS is on (network/genieacs/credentials-push.ts).
      await credentialsPush(deps)(outcome.subscriptionId, 'created');
      const sub = found(await loadSubscription(deps.db, outcome.subscriptionId));
      const inv = outcome.invoice;
      return {
        status: 201, location: `/api/v1/subscriptions/${sub.id}`,
        body: { ...sub, password: outcome.password, first_invoice: inv ? { id: inv.id, invoice_number: inv.invoiceNumber, total: inv.total, owed: inv.owed, due_date: inv.dueDate } : null },
      };
    },
  }),
  route({
    method: 'patch', path: '/subscriptions/{id}', operationId: 'updateSubscription', tag: 'Subscriptions', summary: 'Update a subscription', permission: 'subscriptions.edit',
    description: 'Fields left out keep their value. `version` must be the one you read: 409 `stale` otherwise.',
    params: idParams, body: updateInput, problems: [404, 409],
    response: { status: 200, schema: subscriptionSchema, description: 'The subscription after the change' },
    async handler({ params, body, caller, deps }) {
      await requireScope(deps, caller, 'subscriptions', params.id);
      const cur = found(await loadSubscription(deps.db, params.id));
      const outcome = await deps.engine.run((u) => updateSubscription(u, {
        subscriptionId: params.id, expectedVersion: body.version, username: body.username ?? cur.username,
        staticIp: body.static_ip === undefined ? cur.static_ip : body.static_ip, macAddress: body.mac_address === undefined ? cur.mac_address : body.mac_address,
        serviceType: body.service_type ?? cur.service_type, anchorDay: body.anchor_day ?? cur.anchor_day,
        notes: body.notes === undefined ? cur.notes : body.notes, actor: caller.actor,
      }));
      if (!outcome.ok) refusal(outcome);
      return { body: found(await loadSubscription(deps.db, params.id)) };
    },
  }),
];
