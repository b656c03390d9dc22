/**
 * The "new subscription" form: what staff may type, checked before the use case
 * (billing/subscriptions/create-subscription.ts) checks what needs the database (an active plan,
 * a free username and static IP). Messages are locale keys shown beside the field.
 */
import { isIPv4 } from 'node:net';
import { z } from 'zod';
import type { Knex } from '../../lib/db.js';
import { fieldErrors } from '../../lib/field-errors.js';
import { localDate } from '../../billing/plans/billing-period.js';
import { USERNAME_PATTERN } from '../../billing/subscriptions/subscription-username.js';
import { parseLatLng } from '../../network/devices/coordinates.js';
import { normalizeIpv6Prefix } from '../../lib/ipv6.js';

/** A static IPv6 prefix (billing/subscriptions/ipv6-prefixes.ts checks PPPoE and overlaps): '' → null, else compressed `addr/len`. */
const ipv6Prefix = z.string().trim().max(64, 'error.ipv6.prefix')
  .refine((v) => v === '' || normalizeIpv6Prefix(v) !== null, 'error.ipv6.prefix')
  .transform((v) => (v ? normalizeIpv6Prefix(v) : null));

const MAC = /^[0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$/;

export const subscriptionForm = z.object({
  plan_id: z.string().regex(/^\d{1,15}$/, 'subscriptions.error.plan').transform(Number),
  service_type: z.enum(['pppoe', 'hotspot'], { message: 'error.invalid' }),
  billing_type: z.enum(['postpaid', 'prepaid'], { message: 'error.invalid' }),
  anchor_day: z.string().trim().regex(/^\d{1,2}$/, 'subscriptions.error.anchor_day').transform(Number)
    .refine((d) => d >= 1 && d <= 28, 'subscriptions.error.anchor_day'),
  // Empty: generated from the customer number.
  username: z.string().trim().max(64, 'subscriptions.error.username_format')
    .refine((u) => u === '' || USERNAME_PATTERN.test(u), 'subscriptions.error.username_format'),
  static_ip: z.string().trim().refine((v) => v === '' || isIPv4(v), 'subscriptions.error.static_ip').transform((v) => v || null),
  mac_address: z.string().trim().refine((v) => v === '' || MAC.test(v), 'subscriptions.error.mac')
    .transform((v) => (v ? v.replace(/[^0-9A-Fa-f]/g, '').toUpperCase().match(/../g)!.join(':') : null)),
  framed_ipv6_prefix: ipv6Prefix,
  delegated_ipv6_prefix: ipv6Prefix,
});
export type SubscriptionFields = z.output<typeof subscriptionForm>;

/** The first message per field; a message that is not one of ours (zod's own) reads "Not valid." */
const fieldErrorsOf = (error: z.ZodError): Record<string, string> => fieldErrors(error, { ours: /^(subscriptions\.|devices\.)?error\./ });

export type ParsedForm = { ok: true; fields: SubscriptionFields } | { ok: false; errors: Record<string, string> };

/** Parses a posted form (missing fields read as ''). */
export function parseSubscriptionForm(body: Record<string, string>): ParsedForm {
  const raw = Object.fromEntries(Object.keys(subscriptionForm.shape).map((k) => [k, String(body[k] ?? '')]));
  const parsed = subscriptionForm.safeParse(raw);
  return parsed.success ? { ok: true, fields: parsed.data } : { ok: false, errors: fieldErrorsOf(parsed.error) };
}

/** Today's day of the month in the ISP time zone, capped to 28 (periods must start in every month). */
export function defaultAnchorDay(now: Date, timeZone: string): number {
  return Math.min(28, Number(localDate(now, timeZone).slice(8, 10)));
}

/** Plans on sale, for the plan choice (cheapest first). */
export async function activePlans(db: Knex): Promise<Array<{ id: number; name: string; price: number; rate_limit: string; service_type: string; billing_cycle: string; cycle_days: number | null }>> {
  return db('plans').where({ is_active: true }).orderBy([{ column: 'price' }, { column: 'name' }])
    .select('id', 'name', 'price', 'rate_limit', 'service_type', 'billing_cycle', 'cycle_days');
}

/** The customer a new subscription is for (heading and links), or null. */
export async function formCustomer(db: Knex, id: number): Promise<{ id: number; name: string; customer_number: string } | null> {
  return (await db('customers').where({ id }).first('id', 'name', 'customer_number')) ?? null;
}

/** The "edit subscription" form: the new-subscription fields staff may change afterwards, a username required, and notes. */
export const subscriptionEditForm = subscriptionForm.pick({
  service_type: true, anchor_day: true, static_ip: true, mac_address: true, framed_ipv6_prefix: true, delegated_ipv6_prefix: true,
}).extend({
  username: z.string().trim().max(64, 'subscriptions.error.username_format').regex(USERNAME_PATTERN, 'subscriptions.error.username_format'),
  notes: z.string().trim().max(2000, 'error.too_long').transform((v) => v || null),
  version: z.string().regex(/^\d{1,9}$/, 'error.invalid').transform(Number),
  // Where it hangs off the network (billing/subscriptions/subscription-placement.ts checks the device and port).
  device_id: z.string().trim().regex(/^(\d{1,15})?$/, 'error.invalid').transform((v) => (v ? Number(v) : null)),
  device_port: z.string().trim().regex(/^(\d{1,4})?$/, 'devices.error.port_number').transform((v) => (v ? Number(v) : null))
    .refine((v) => v === null || (v >= 1 && v <= 4096), 'devices.error.port_number'),
  location: z.string().max(100, 'error.too_long').transform((v, ctx) => {
    const parsed = parseLatLng(v);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: 'custom', message: `devices.error.location_${parsed.error}` });
    return z.NEVER;
  }),
});
export type SubscriptionEditFields = z.output<typeof subscriptionEditForm>;

/** Parses a posted edit form (missing fields read as ''). */
export function parseSubscriptionEditForm(body: Record<string, string>): { ok: true; fields: SubscriptionEditFields } | { ok: false; errors: Record<string, string> } {
  const raw = Object.fromEntries(Object.keys(subscriptionEditForm.shape).map((k) => [k, String(body[k] ?? '')]));
  const parsed = subscriptionEditForm.safeParse(raw);
  return parsed.success ? { ok: true, fields: parsed.data } : { ok: false, errors: fieldErrorsOf(parsed.error) };
}
