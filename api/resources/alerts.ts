/**
 * /alerts: staff alerts, what a person must look at (lib/staff-alerts.ts raises them): the
 * network monitoring's (`device_down` / `device_up`, `interface_down` / `interface_up`,
 * `high_cpu`, `high_utilisation`, `nas_silent`, `outage_started` / `outage_ended`: network/alerts/)
 * and the others (`nas_control_failed`, payments needing a person…). List (filters `state` open /
 * acknowledged, `kind`), get, and acknowledge through the console's use case
 * (lib/staff-alert-inbox.ts `acknowledgeAlert`: once, audited `staff_alert_acknowledged` with the
 * token's staff member as actor; 409 `already_acknowledged` the second time). New alerts also go
 * out as `alert.raised` webhooks.
 */
import { z } from 'zod';
import type { Knex } from '../../lib/db.js';
import { acknowledgeAlert } from '../../lib/staff-alert-inbox.js';
import { paginate } from '../framework/pagination.js';
import { apiProblem } from '../framework/problem.js';
import { route, type ApiRoute } from '../framework/route.js';
import { found, idParams, instant, iso, pageOf, pageQuery } from './common.js';

const alert = z.object({
  id: z.number().int(), kind: z.string().describe('snake_case, e.g. device_down, outage_started, nas_control_failed'),
  message: z.string().describe('One sentence for a person'), details: z.record(z.string(), z.unknown()).describe('Facts: ids, addresses, what was tried'),
  created_at: instant, acknowledged_at: instant, acknowledged_by: z.number().int().nullable().describe('Staff id'),
}).meta({ id: 'Alert' });

const COLUMNS = ['a.id', 'a.kind', 'a.message', 'a.details', 'a.created_at', 'a.acknowledged_at', 'a.acknowledged_by'];
type AlertBody = z.infer<typeof alert>;
const toAlert = (r: Record<string, unknown>): AlertBody => ({
  id: Number(r.id), kind: String(r.kind), message: String(r.message), details: (r.details as Record<string, unknown>) ?? {},
  created_at: iso(r.created_at), acknowledged_at: iso(r.acknowledged_at), acknowledged_by: r.acknowledged_by === null || r.acknowledged_by === undefined ? null : Number(r.acknowledged_by),
});
const load = async (db: Knex, id: number): Promise<AlertBody> => toAlert(found(await db('staff_alerts as a').where('a.id', id).first(COLUMNS)));

export const alertRoutes: ApiRoute[] = [
  route({
    method: 'get', path: '/alerts', operationId: 'listAlerts', tag: 'Alerts', summary: 'List staff alerts', permission: 'alerts.view',
    query: pageQuery.extend({
      state: z.enum(['open', 'acknowledged', 'all']).default('open'),
      kind: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/).optional(),
    }),
    response: { status: 200, schema: pageOf(alert, 'Alert'), description: 'A page of alerts, newest first' },
    async handler({ query, deps }) {
      const q = deps.db('staff_alerts as a').select(COLUMNS);
      if (query.state === 'open') q.whereNull('a.acknowledged_at');
      else if (query.state === 'acknowledged') q.whereNotNull('a.acknowledged_at');
      if (query.kind) q.where('a.kind', query.kind);
      const page = await paginate<Record<string, unknown> & { id: number }>(q, 'a.id', query);
      return { body: { data: page.data.map(toAlert), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'get', path: '/alerts/{id}', operationId: 'getAlert', tag: 'Alerts', summary: 'A staff alert', permission: 'alerts.view',
    params: idParams, problems: [404],
    response: { status: 200, schema: alert, description: 'The alert' },
    async handler({ params, deps }) {
      return { body: await load(deps.db, params.id) };
    },
  }),
  route({
    method: 'post', path: '/alerts/{id}/acknowledge', operationId: 'acknowledgeAlert', tag: 'Alerts', summary: 'Mark an alert handled', permission: 'alerts.acknowledge',
    description: 'Once per alert: 409 `already_acknowledged` afterwards. Audited `staff_alert_acknowledged`.',
    params: idParams, problems: [404, 409],
    response: { status: 200, schema: alert, description: 'The acknowledged alert' },
    async handler({ params, caller, deps }) {
      if (!(await acknowledgeAlert(deps.db, params.id, caller.actor))) {
        await load(deps.db, params.id); // 404 when there is no such alert
        throw apiProblem(409, 'already_acknowledged', 'The alert was acknowledged already');
      }
      return { body: await load(deps.db, params.id) };
    },
  }),
];
