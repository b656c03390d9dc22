/**
 * The subscription as the API shows it (schema `Subscription`): its plan, status, billing, network
 * binding and whether it is online (open accounting sessions). Never the PPPoE/hotspot password.
 */
import { z } from 'zod';
import type { Knex } from '../../lib/db.js';
import { day, instant, iso } from './common.js';

export const subscriptionSchema = z.object({
  id: z.number().int(), customer_id: z.number().int(), username: z.string(),
  plan: z.object({ id: z.number().int(), name: z.string() }),
  next_plan: z.object({ id: z.number().int(), effective: day }).nullable().describe('A scheduled downgrade'),
  service_type: z.enum(['pppoe', 'hotspot']), status: z.enum(['active', 'soft_limited', 'suspended', 'terminated']), status_reason: z.string().nullable(),
  billing_type: z.enum(['postpaid', 'prepaid']), anchor_day: z.number().int(), paid_until: instant,
  static_ip: z.string().nullable(), mac_address: z.string().nullable(), notes: z.string().nullable(),
  open_sessions: z.number().int(), started_at: instant, terminated_at: instant, created_at: instant,
  version: z.number().int().describe('Send it back on update and plan change (optimistic lock)'),
}).meta({ id: 'Subscription' });
export type SubscriptionBody = z.infer<typeof subscriptionSchema>;

/** The select of subscriptionsQuery (alias `s` subscriptions, `p` plans). */
export function subscriptionsQuery(db: Knex): Knex.QueryBuilder {
  return db('subscriptions as s').join('plans as p', 'p.id', 's.plan_id').select(
    's.id', 's.customer_id', 's.username', 's.plan_id', 'p.name as plan_name', 's.next_plan_id', 's.service_type', 's.status', 's.status_reason',
    's.billing_type', 's.anchor_day', 's.paid_until', 's.notes', 's.started_at', 's.terminated_at', 's.created_at', 's.version',
    db.raw("to_char(s.next_plan_effective, 'YYYY-MM-DD') AS next_plan_effective, host(s.static_ip) AS static_ip, upper(s.mac_address::text) AS mac_address"),
    db.raw('(SELECT count(*)::int FROM accounting_sessions a WHERE a.subscription_id = s.id AND a.stop_time IS NULL) AS open_sessions'),
  );
}

export function toSubscription(r: Record<string, unknown>): SubscriptionBody {
  return {
    id: Number(r.id), customer_id: Number(r.customer_id), username: String(r.username),
    plan: { id: Number(r.plan_id), name: String(r.plan_name) },
    next_plan: r.next_plan_id ? { id: Number(r.next_plan_id), effective: (r.next_plan_effective as string | null) ?? null } : null,
    service_type: r.service_type as SubscriptionBody['service_type'], status: r.status as SubscriptionBody['status'],
    status_reason: (r.status_reason as string | null) ?? null, billing_type: r.billing_type as SubscriptionBody['billing_type'],
    anchor_day: Number(r.anchor_day), paid_until: iso(r.paid_until), static_ip: (r.static_ip as string | null) ?? null,
    mac_address: (r.mac_address as string | null) ?? null, notes: (r.notes as string | null) ?? null, open_sessions: Number(r.open_sessions),
    started_at: iso(r.started_at), terminated_at: iso(r.terminated_at), created_at: iso(r.created_at), version: Number(r.version),
  };
}

/** One subscription, or null. */
export async function loadSubscription(db: Knex, id: number): Promise<SubscriptionBody | null> {
  const row = await subscriptionsQuery(db).where('s.id', id).first();
  return row ? toSubscription(row) : null;
}
