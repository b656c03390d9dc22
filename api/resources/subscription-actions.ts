/**
 * A subscription's lifecycle through the API, each the console's use case with the token's staff
 * member as the audit actor: change plan (billing/subscriptions/change-plan-by-staff.ts: an
 * upgrade at once with a prorated invoice, a downgrade at the end of the period), suspend and
 * reactivate (engine.suspendOrReactivate: the router is told after commit, RFC 5176 CoA or
 * Disconnect), terminate (terminate-subscription.ts: open invoices voided, a final invoice,
 * sessions disconnected), disconnect (disconnect-sessions.ts: Disconnect-Request to each NAS).
 */
import { z } from 'zod';
import { changePlanByStaff } from '../../billing/subscriptions/change-plan-by-staff.js';
import { disconnectSessions } from '../../billing/subscriptions/disconnect-sessions.js';
import { terminateSubscription, TERMINATION_REASON_MAX } from '../../billing/subscriptions/terminate-subscription.js';
import type { StaffStatusAction } from '../../billing/subscriptions/suspend-or-reactivate.js';
import { route, type ApiRoute } from '../framework/route.js';
import { found, idParams, refusal, requireScope } from './common.js';
import { loadSubscription, subscriptionSchema } from './subscription-model.js';

const planChange = z.object({
  kind: z.enum(['upgrade', 'downgrade']), effective: z.string().describe('Local date the change takes effect'),
  amount: z.number().int().describe('Prorated amount before tax (rupiah); 0 for a downgrade'),
  invoice_id: z.number().int().nullable(), subscription: subscriptionSchema,
}).meta({ id: 'PlanChange' });

function statusRoute(action: StaffStatusAction): ApiRoute {
  return route({
    method: 'post', path: `/subscriptions/{id}/${action}`, operationId: `${action}Subscription`, tag: 'Subscriptions',
    summary: action === 'suspend' ? 'Suspend (isolir) a subscription' : 'Reactivate a suspended subscription', permission: 'subscriptions.suspend',
    description: 'The router is told after the change commits (CoA-Request or Disconnect-Request, RFC 5176). 409 `not_allowed` when the status does not allow it.',
    params: idParams, problems: [404, 409],
    response: { status: 200, schema: subscriptionSchema, description: 'The subscription after the change' },
    async handler({ params, caller, deps }) {
      await requireScope(deps, caller, 'subscriptions', params.id);
      const outcome = await deps.engine.suspendOrReactivate({ subscriptionId: params.id, action, actor: caller.actor });
      if (!outcome.ok) refusal(outcome);
      return { body: found(await loadSubscription(deps.db, params.id)) };
    },
  });
}

export const subscriptionActionRoutes: ApiRoute[] = [
  route({
    method: 'post', path: '/subscriptions/{id}/change-plan', operationId: 'changeSubscriptionPlan', tag: 'Subscriptions', summary: 'Change the plan', permission: 'subscriptions.edit',
    description: 'An upgrade applies at once and issues a prorated invoice; a downgrade is scheduled for the end of the period. Send the `version` you read to refuse a change when the subscription changed since (409 `stale`).',
    params: idParams, problems: [404, 409],
    body: z.object({ plan_id: z.number().int().min(1), version: z.number().int().min(1).optional() }).meta({ id: 'PlanChangeInput' }),
    response: { status: 200, schema: planChange, description: 'What changed' },
    async handler({ params, body, caller, deps }) {
      await requireScope(deps, caller, 'subscriptions', params.id);
      const change = await deps.engine.run((u) => changePlanByStaff(u, { subscriptionId: params.id, planId: body.plan_id, actor: caller.actor, expectedVersion: body.version }));
      return { body: { kind: change.kind, effective: change.effective, amount: change.amount, invoice_id: change.invoiceId, subscription: found(await loadSubscription(deps.db, params.id)) } };
    },
  }),
  statusRoute('suspend'),
  statusRoute('reactivate'),
  route({
    method: 'post', path: '/subscriptions/{id}/terminate', operationId: 'terminateSubscription', tag: 'Subscriptions', summary: 'Terminate a subscription', permission: 'subscriptions.edit',
    description: 'Open invoices of the subscription are voided, a final invoice is issued for the days used, its sessions are disconnected. 409 `already_terminated`.',
    params: idParams, problems: [404, 409],
    body: z.object({ reason: z.string().trim().min(1).max(TERMINATION_REASON_MAX) }).meta({ id: 'TerminationInput' }),
    response: { status: 200, schema: subscriptionSchema, description: 'The terminated subscription' },
    async handler({ params, body, caller, deps }) {
      await requireScope(deps, caller, 'subscriptions', params.id);
      const outcome = await deps.engine.run((u) => terminateSubscription(u, { subscriptionId: params.id, reason: body.reason, actor: caller.actor }));
      if (!outcome.ok) refusal(outcome);
      return { body: found(await loadSubscription(deps.db, params.id)) };
    },
  }),
  route({
    method: 'post', path: '/subscriptions/{id}/disconnect', operationId: 'disconnectSubscription', tag: 'Subscriptions', summary: "Disconnect the subscription's open sessions", permission: 'sessions.disconnect',
    description: 'A Disconnect-Request (RFC 5176) to each NAS with an open session, sent by the radius role; 409 `no_open_sessions` when it is offline.',
    params: idParams, problems: [404, 409],
    response: { status: 202, schema: z.object({ sessions: z.number().int(), job_id: z.string() }).meta({ id: 'DisconnectQueued' }), description: 'Queued for the routers' },
    async handler({ params, caller, deps }) {
      await requireScope(deps, caller, 'subscriptions', params.id);
      const outcome = await deps.engine.run((u) => disconnectSessions(u, { subscriptionId: params.id, actor: caller.actor }));
      if (!outcome.ok) refusal(outcome);
      return { status: 202, body: { sessions: outcome.sessions, job_id: outcome.jobId } };
    },
  }),
];
