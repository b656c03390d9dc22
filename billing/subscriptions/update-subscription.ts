/**
 * A staff member edits a subscription: username, static IP, static IPv6 prefixes
 * (ipv6-prefixes.ts), MAC binding, service type, billing day and notes (the plan has its own use case, change-plan-by-staff.ts, because it moves money).
 *
 * - The same rules as a new subscription (create-subscription.ts): a RADIUS-safe username no
 *   other subscription has in any case, an IPv4 no other live subscription has; the service type
 *   must be the plan's (a hotspot login on a PPPoE plan gets no sensible profile).
 * - The radius role sees the edit at once: the UPDATE fires the aaa_index notification
 *   (migrations/…_aaa_notify.ts) and the index reloads the row (the old username stops matching).
 * - When what the router authorised changes (username, static IP, MAC, service type), the live
 *   sessions still carry the old attributes: a nas-control job with `disconnect: true` (after
 *   commit) sends a Disconnect-Request (RFC 5176 §3.1), and the next login gets the new ones.
 * - A new billing day applies from the next period: the period already billed stays, the invoice
 *   run bills from its end to the new day pro rata and whole periods from there.
 * - Where it hangs off the network (device, port, location: subscription-placement.ts), when given.
 * - Refused when the subscription changed since the form was opened (`version`), or is terminated.
 * - Audited (`subscription_updated`) with the fields before and after, in the same transaction.
 */
import { isIPv4 } from 'node:net';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { UseCaseDeps } from '../use-case/use-case-deps.js';
import { checkIpv6Prefixes, IPV6_CONSTRAINTS, type Ipv6Prefixes } from './ipv6-prefixes.js';
import { checkSubscriptionPlacement, type SubscriptionPlacement } from './subscription-placement.js';
import { isRadiusSafeUsername } from './subscription-username.js';

export interface SubscriptionEdit {
  subscriptionId: number;
  /** The `version` the form was opened with. */
  expectedVersion: number;
  username: string;
  /** IPv4, or null for the plan's pool. */
  staticIp: string | null;
  /** Normalised MAC (AA:BB:CC:DD:EE:FF), or null for no binding. */
  macAddress: string | null;
  serviceType: 'pppoe' | 'hotspot';
  /** 1-28. */
  anchorDay: number;
  notes: string | null;
  /** Static IPv6 prefixes (ipv6-prefixes.ts); absent (an older form): left as they are. */
  ipv6?: Ipv6Prefixes;
  /** The device, port and location; absent: left as they are. */
  placement?: SubscriptionPlacement;
  actor: AuditActor;
}

/** Field errors are locale keys by form field. */
export type UpdateSubscriptionOutcome =
  | { ok: true; customerId: number; changed: string[]; routerTold: boolean }
  | { ok: false; code: 'not_found' | 'stale' | 'terminated' }
  | { ok: false; code: 'invalid'; errors: Record<string, string> };

/** Fields whose change the NAS must see (a reconnect). */
const ACCESS_FIELDS = ['username', 'static_ip', 'mac_address', 'service_type', 'framed_ipv6_prefix', 'delegated_ipv6_prefix'] as const;
const PLACEMENT_FIELDS = ['device_id', 'device_port', 'latitude', 'longitude'] as const;
const FIELDS = [...ACCESS_FIELDS, 'anchor_day', 'notes', ...PLACEMENT_FIELDS] as const;

export async function updateSubscription(deps: Pick<UseCaseDeps, 'db' | 'effects'>, input: SubscriptionEdit): Promise<UpdateSubscriptionOutcome> {
  const username = input.username.trim();
  try {
    return await deps.effects.transaction(deps.db, async (trx): Promise<UpdateSubscriptionOutcome> => {
      const before = await trx('subscriptions as s').join('plans as p', 'p.id', 's.plan_id').where('s.id', input.subscriptionId).forUpdate('s')
        .first('s.id', 's.customer_id', 's.status', 's.version', 's.username', 's.service_type', 's.anchor_day', 's.notes', 'p.service_type as plan_service',
          's.device_id', 's.device_port', 's.latitude', 's.longitude',
          trx.raw('host(s.static_ip) AS static_ip, s.mac_address::text AS mac_address'),
          trx.raw('text(s.framed_ipv6_prefix) AS framed_ipv6_prefix, text(s.delegated_ipv6_prefix) AS delegated_ipv6_prefix'));
      if (!before) return { ok: false, code: 'not_found' };
      if (before.status === 'terminated') return { ok: false, code: 'terminated' };
      if (Number(before.version) !== input.expectedVersion) return { ok: false, code: 'stale' };

      const errors: Record<string, string> = {};
      if (!isRadiusSafeUsername(username)) errors.username = 'subscriptions.error.username_format';
      else if (username !== before.username) {
        await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?), hashtext(lower(?)))', ['subscription-username', username]);
        const other = await trx('subscriptions').whereRaw('lower(username) = lower(?)', [username]).whereNot('id', before.id).first('id');
        if (other) errors.username = 'subscriptions.error.username_taken';
      }
      if (input.staticIp !== null) {
        if (!isIPv4(input.staticIp)) errors.static_ip = 'subscriptions.error.static_ip';
        else if (await trx('subscriptions').whereRaw('static_ip = ?::inet', [input.staticIp]).whereNot('status', 'terminated').whereNot('id', before.id).first('id')) {
          errors.static_ip = 'subscriptions.error.static_ip_taken';
        }
      }
      if (!Number.isInteger(input.anchorDay) || input.anchorDay < 1 || input.anchorDay > 28) errors.anchor_day = 'subscriptions.error.anchor_day';
      if (input.serviceType !== before.plan_service) errors.service_type = 'subscriptions.error.service_plan';
      if (input.placement) Object.assign(errors, await checkSubscriptionPlacement(trx, Number(before.id), input.placement));
      const v6 = input.ipv6
        ? await checkIpv6Prefixes(trx, Number(before.id), input.serviceType, input.ipv6)
        : { prefixes: { framedIpv6Prefix: before.framed_ipv6_prefix ?? null, delegatedIpv6Prefix: before.delegated_ipv6_prefix ?? null }, errors: {} };
      Object.assign(errors, v6.errors);
      if (Object.keys(errors).length) return { ok: false, code: 'invalid', errors };

      const next: Record<(typeof FIELDS)[number], unknown> = {
        username, static_ip: input.staticIp, mac_address: input.macAddress?.toLowerCase() ?? null, service_type: input.serviceType,
        anchor_day: input.anchorDay, notes: input.notes,
        framed_ipv6_prefix: v6.prefixes.framedIpv6Prefix, delegated_ipv6_prefix: v6.prefixes.delegatedIpv6Prefix,
        ...(input.placement
          ? { device_id: input.placement.deviceId, device_port: input.placement.devicePort, latitude: input.placement.latitude, longitude: input.placement.longitude }
          : Object.fromEntries(PLACEMENT_FIELDS.map((f) => [f, before[f] === null ? null : Number(before[f])]))),
      } as Record<(typeof FIELDS)[number], unknown>;
      const old: Record<string, unknown> = { ...before, mac_address: before.mac_address ?? null, static_ip: before.static_ip ?? null, notes: before.notes ?? null };
      // numeric and bigint columns come back as text ('-6.200000'): compare them as numbers.
      for (const f of PLACEMENT_FIELDS) old[f] = before[f] === null ? null : Number(before[f]);
      const changed = FIELDS.filter((f) => String(next[f] ?? '') !== String(old[f] ?? ''));
      if (!changed.length) return { ok: true, customerId: Number(before.customer_id), changed, routerTold: false };
      const [after] = await trx('subscriptions').where({ id: before.id })
        .update({ ...Object.fromEntries(changed.map((f) => [f, next[f]])), version: trx.raw('version + 1') })
        .returning('version');
      const routerTold = changed.some((f) => (ACCESS_FIELDS as readonly string[]).includes(f));
      if (routerTold) deps.effects.accessChanged({ subscriptionId: Number(before.id), reason: 'subscription_edited', disconnect: true }, `v${after.version}`);
      await recordAudit(trx, input.actor, {
        action: 'subscription_updated',
        objectType: 'subscription',
        objectId: Number(before.id),
        before: Object.fromEntries(changed.map((f) => [f, old[f] ?? null])),
        after: Object.fromEntries(changed.map((f) => [f, next[f] ?? null])),
      });
      return { ok: true, customerId: Number(before.customer_id), changed, routerTold };
    });
  } catch (err) {
    // A race with another request on a constraint checked above.
    const e = err as { code?: string; constraint?: string };
    if (e.code === '23505' && e.constraint === 'subscriptions_username_key') return { ok: false, code: 'invalid', errors: { username: 'subscriptions.error.username_taken' } };
    if (e.code === '23505' && e.constraint === 'subscriptions_static_ip') return { ok: false, code: 'invalid', errors: { static_ip: 'subscriptions.error.static_ip_taken' } };
    const v6Field = e.code === '23P01' ? IPV6_CONSTRAINTS[e.constraint ?? ''] : undefined;
    if (v6Field) return { ok: false, code: 'invalid', errors: { [v6Field]: 'error.ipv6.taken' } };
    throw err;
  }
}
