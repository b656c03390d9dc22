/**
 * /plans: list (filters `active`, `service_type`) and get. Read only here: plan edits stay in the
 * console (admin/plans/, whose use case lives there) until they move to billing/plans/.
 */
import { z } from 'zod';
import { paginate } from '../framework/pagination.js';
import { route, type ApiRoute } from '../framework/route.js';
import { found, idParams, instant, iso, pageOf, pageQuery } from './common.js';

const plan = z.object({
  id: z.number().int(), name: z.string(), description: z.string().nullable(), service_type: z.enum(['pppoe', 'hotspot']),
  price: z.number().int().describe('Whole rupiah per billing cycle'), billing_cycle: z.enum(['monthly', 'quarterly', 'yearly', 'days']),
  cycle_days: z.number().int().nullable(), rate_limit: z.string().describe('Mikrotik-Rate-Limit (rx = upload, tx = download)'),
  quota_bytes: z.number().int().nullable(), is_active: z.boolean(), created_at: instant, version: z.number().int(),
}).meta({ id: 'Plan' });

const COLUMNS = ['id', 'name', 'description', 'service_type', 'price', 'billing_cycle', 'cycle_days', 'rate_limit', 'quota_bytes', 'is_active', 'created_at', 'version'];
const toPlan = (r: Record<string, unknown>): z.infer<typeof plan> => ({ ...(r as z.infer<typeof plan>), created_at: iso(r.created_at) });

export const planRoutes: ApiRoute[] = [
  route({
    method: 'get', path: '/plans', operationId: 'listPlans', tag: 'Plans', summary: 'List plans', permission: 'plans.view',
    query: pageQuery.extend({ active: z.enum(['true', 'false']).optional(), service_type: z.enum(['pppoe', 'hotspot']).optional() }),
    response: { status: 200, schema: pageOf(plan, 'Plan'), description: 'A page of plans, newest first' },
    async handler({ query, deps }) {
      const q = deps.db('plans').select(COLUMNS);
      if (query.active) q.where('is_active', query.active === 'true');
      if (query.service_type) q.where('service_type', query.service_type);
      const page = await paginate<Record<string, unknown> & { id: number }>(q, 'id', query);
      return { body: { data: page.data.map(toPlan), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'get', path: '/plans/{id}', operationId: 'getPlan', tag: 'Plans', summary: 'A plan', permission: 'plans.view',
    params: idParams, problems: [404],
    response: { status: 200, schema: plan, description: 'The plan' },
    async handler({ params, deps }) {
      return { body: toPlan(found(await deps.db('plans').where({ id: params.id }).first(COLUMNS))) };
    },
  }),
];
