/**
 * Creating, editing, deactivating and deleting a plan from the console. The form is validated
 * with zod (Mikrotik-Rate-Limit with lib/routeros/rate-limit.ts), an edit is refused when the plan
 * changed since the form was opened (optimistic lock on `version`), and every change is audited
 * with its before and after in the same transaction.
 *
 * The radius role learns of a change through the `plans` triggers (migration …_aaa_notify) and
 * decides the next login with it. When the speed changes (rate limit, fair-usage or soft-limit
 * rate, quota), subscribers online on the plan also get a nas-control job after commit: a
 * CoA-Request with the new Mikrotik-Rate-Limit (RFC 5176), so they need not reconnect. Pool, PPP
 * profile, IPv6 pools and timeouts apply from the next login (a CoA cannot move a live session's address).
 * `sla_threshold_hours` is the hours of outage the plan tolerates before the hours above it are
 * credited pro rata (billing/plans/sla-credit.ts); empty: the plan gives no SLA credit.
 */
import { z } from 'zod';
import { isValidRateLimit } from '../../lib/routeros/rate-limit.js';
import type { UseCaseDeps } from '../../billing/engine/engine.js';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { fieldErrors } from '../../lib/field-errors.js';
import { setActive } from './set-active.js';

/** Largest price accepted: a trillion rupiah (well inside a safe integer). */
const MAX_PRICE = 1_000_000_000_000;
/** Most hours of outage a plan may tolerate before its SLA credit starts: 30 days (the column allows more). */
export const MAX_SLA_THRESHOLD_HOURS = 720;
const GIB = 2 ** 30;

export const PLAN_FIELDS = [
  'name', 'description', 'service_type', 'price', 'billing_cycle', 'cycle_days', 'rate_limit', 'quota_gib', 'fup_rate_limit',
  'soft_limit_rate_limit', 'framed_pool', 'mikrotik_group', 'session_timeout', 'idle_timeout', 'simultaneous_use',
  'sla_threshold_hours', 'framed_ipv6_pool', 'delegated_ipv6_pool',
] as const;
export type PlanFormValues = Record<(typeof PLAN_FIELDS)[number], string>;

export const EMPTY_PLAN: PlanFormValues = {
  name: '', description: '', service_type: 'pppoe', price: '', billing_cycle: 'monthly', cycle_days: '', rate_limit: '', quota_gib: '',
  fup_rate_limit: '', soft_limit_rate_limit: '', framed_pool: '', mikrotik_group: '', session_timeout: '', idle_timeout: '', simultaneous_use: '1',
  sla_threshold_hours: '', framed_ipv6_pool: '', delegated_ipv6_pool: '',
};

const nullIfEmpty = (v: string): string | null => (v === '' ? null : v);
const optionalText = (max: number) => z.string().trim().max(max, 'error.too_long').transform(nullIfEmpty);
const wholeNumber = (min: number, max: number) => (v: string): boolean => /^\d{1,13}$/.test(v) && Number(v) >= min && Number(v) <= max;
const optionalNumber = (min: number, max: number) =>
  z.string().trim().refine((v) => v === '' || wholeNumber(min, max)(v), 'error.plans.number').transform((v) => (v === '' ? null : Number(v)));
const rateLimit = z.string().trim().max(200, 'error.too_long').refine((v) => isValidRateLimit(v), 'error.plans.rate_limit');
const optionalRateLimit = z.string().trim().max(200, 'error.too_long').refine((v) => v === '' || isValidRateLimit(v), 'error.plans.rate_limit').transform(nullIfEmpty);
// An /ip pool or PPP profile name on the router, sent as Framed-Pool / Mikrotik-Group.
const routerName = z.string().trim().max(64, 'error.too_long').refine((v) => v === '' || /^[A-Za-z0-9._-]+$/.test(v), 'error.plans.router_name').transform(nullIfEmpty);

/**
 * Rupiah as staff type them: `150000`, `150.000` (dots are thousands separators), optionally
 * after `Rp`. Null when it is not a whole number of rupiah.
 */
export function parseRupiahInput(text: string): number | null {
  const t = text.trim().replace(/^rp\.?\s*/i, '');
  if (!/^\d{1,3}(\.\d{3})+$|^\d{1,13}$/.test(t)) return null;
  const n = Number(t.replace(/\./g, ''));
  return n <= MAX_PRICE ? n : null;
}

/** The form's fields; messages are locale keys shown beside the field. */
export const planForm = z.object({
  name: z.string().trim().min(1, 'error.required').max(100, 'error.too_long'),
  description: optionalText(500),
  service_type: z.enum(['pppoe', 'hotspot']),
  price: z.string().refine((v) => parseRupiahInput(v) !== null, 'error.plans.price').transform((v) => parseRupiahInput(v)!),
  billing_cycle: z.enum(['monthly', 'quarterly', 'yearly', 'days']),
  cycle_days: optionalNumber(1, 3650),
  rate_limit: rateLimit,
  // GiB, up to three decimals; Indonesian staff may type a decimal comma.
  quota_gib: z.string().trim().transform((v) => v.replace(',', '.'))
    .refine((v) => v === '' || (/^\d{1,7}(\.\d{1,3})?$/.test(v) && Number(v) > 0), 'error.plans.number')
    .transform((v) => (v === '' ? null : Number(v))),
  fup_rate_limit: optionalRateLimit,
  soft_limit_rate_limit: optionalRateLimit,
  framed_pool: routerName,
  mikrotik_group: routerName,
  session_timeout: optionalNumber(60, 31_536_000),
  idle_timeout: optionalNumber(60, 31_536_000),
  simultaneous_use: z.string().trim().refine(wholeNumber(1, 100), 'error.plans.number').transform(Number),
  // Whole hours of outage tolerated; empty: no SLA credit (null).
  sla_threshold_hours: z.string().trim().refine((v) => v === '' || wholeNumber(0, MAX_SLA_THRESHOLD_HOURS)(v), 'error.plans.sla_threshold_hours')
    .transform((v) => (v === '' ? null : Number(v))),
  // IPv6 pool names on the router (aaa/policy/ipv6-addressing.ts): Framed-IPv6-Pool (RFC 3162
  // §2.6) and the DHCPv6-PD pool (Mikrotik-Delegated-IPv6-Pool); `/ipv6 pool` names.
  framed_ipv6_pool: routerName,
  delegated_ipv6_pool: routerName,
}).superRefine((v, ctx) => {
  if (v.billing_cycle === 'days' && v.cycle_days === null) ctx.addIssue({ code: 'custom', path: ['cycle_days'], message: 'error.plans.cycle_days' });
  // The fair-usage rate applies once the quota is used up (aaa/policy/decide.ts): no quota, no use.
  if (v.fup_rate_limit !== null && v.quota_gib === null) ctx.addIssue({ code: 'custom', path: ['fup_rate_limit'], message: 'error.plans.fup_needs_quota' });
  // RouterOS's hotspot is IPv4-only: a pool there would be promised and never used.
  for (const f of ['framed_ipv6_pool', 'delegated_ipv6_pool'] as const) {
    if (v.service_type === 'hotspot' && v[f] !== null) ctx.addIssue({ code: 'custom', path: [f], message: 'error.ipv6.hotspot' });
  }
});

type PlanColumns = Record<string, unknown>;

/** The validated form as `plans` columns. */
function columnsOf(v: z.output<typeof planForm>): PlanColumns {
  return {
    name: v.name, description: v.description, service_type: v.service_type, price: v.price, billing_cycle: v.billing_cycle,
    cycle_days: v.billing_cycle === 'days' ? v.cycle_days : null, rate_limit: v.rate_limit,
    quota_bytes: v.quota_gib === null ? null : Math.round(v.quota_gib * GIB), fup_rate_limit: v.fup_rate_limit, soft_limit_rate_limit: v.soft_limit_rate_limit,
    framed_pool: v.framed_pool, mikrotik_group: v.mikrotik_group, session_timeout: v.session_timeout, idle_timeout: v.idle_timeout,
    simultaneous_use: v.simultaneous_use, sla_threshold_hours: v.sla_threshold_hours,
    framed_ipv6_pool: v.framed_ipv6_pool, delegated_ipv6_pool: v.delegated_ipv6_pool,
  };
}

const THOUSANDS = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 });

/** A `plans` row as the form's text values (the price as `150.000`). */
export function formValuesOf(row: Record<string, unknown>): PlanFormValues {
  const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
  return {
    name: s(row.name), description: s(row.description), service_type: s(row.service_type), price: THOUSANDS.format(Number(row.price)), billing_cycle: s(row.billing_cycle),
    cycle_days: s(row.cycle_days), rate_limit: s(row.rate_limit), quota_gib: row.quota_bytes == null ? '' : String(Number((Number(row.quota_bytes) / GIB).toFixed(3))),
    fup_rate_limit: s(row.fup_rate_limit), soft_limit_rate_limit: s(row.soft_limit_rate_limit), framed_pool: s(row.framed_pool),
    mikrotik_group: s(row.mikrotik_group), session_timeout: s(row.session_timeout), idle_timeout: s(row.idle_timeout), simultaneous_use: s(row.simultaneous_use),
    sla_threshold_hours: s(row.sla_threshold_hours), framed_ipv6_pool: s(row.framed_ipv6_pool), delegated_ipv6_pool: s(row.delegated_ipv6_pool),
  };
}

/** The form's text values from a request body (absent fields are empty). */
export function formInput(body: Record<string, string>): PlanFormValues {
  return Object.fromEntries(PLAN_FIELDS.map((k) => [k, String(body[k] ?? '').slice(0, 1000)])) as PlanFormValues;
}

const AUDITED = ['name', 'description', 'service_type', 'price', 'billing_cycle', 'cycle_days', 'rate_limit', 'quota_bytes', 'fup_rate_limit',
  'soft_limit_rate_limit', 'framed_pool', 'mikrotik_group', 'session_timeout', 'idle_timeout', 'simultaneous_use', 'sla_threshold_hours', 'is_active',
  'framed_ipv6_pool', 'delegated_ipv6_pool'] as const;
const pick = (row: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(AUDITED.map((k) => [k, row[k] ?? null]));
/** Columns whose change alters a live session's speed (what a CoA can carry). */
const SPEED = ['rate_limit', 'fup_rate_limit', 'soft_limit_rate_limit', 'quota_bytes'] as const;

export type SavePlanOutcome =
  | { ok: true; id: number; routersTold: number }
  | { ok: false; code: 'invalid'; errors: Record<string, string> }
  | { ok: false; code: 'stale' | 'not_found' };

const isNameTaken = (err: unknown): boolean => (err as { code?: string; constraint?: string }).code === '23505' && (err as { constraint?: string }).constraint === 'plans_name_key';

function parse(input: PlanFormValues): { ok: true; columns: PlanColumns } | { ok: false; code: 'invalid'; errors: Record<string, string> } {
  const parsed = planForm.safeParse(input);
  return parsed.success ? { ok: true, columns: columnsOf(parsed.data) } : { ok: false, code: 'invalid', errors: fieldErrors(parsed.error) };
}

/** Creates a plan (active). A duplicate name is a field error. */
export async function addPlan(db: Knex, actor: AuditActor, input: PlanFormValues): Promise<SavePlanOutcome> {
  const form = parse(input);
  if (!form.ok) return form;
  try {
    return await db.transaction(async (trx) => {
      const [row] = await trx('plans').insert(form.columns).returning('*');
      await recordAudit(trx, actor, { action: 'plan_created', objectType: 'plan', objectId: Number(row.id), after: pick(row) });
      return { ok: true, id: Number(row.id), routersTold: 0 } as const;
    });
  } catch (err) {
    if (isNameTaken(err)) return { ok: false, code: 'invalid', errors: { name: 'error.plans.name_taken' } };
    throw err;
  }
}

/**
 * Saves an edit made on the form opened at `version`. When the speed changed, online
 * subscribers on the plan get a nas-control job after commit (`routersTold`: how many).
 */
export async function updatePlan(u: Pick<UseCaseDeps, 'db' | 'effects'>, actor: AuditActor, id: number, version: number, input: PlanFormValues): Promise<SavePlanOutcome> {
  const form = parse(input);
  if (!form.ok) return form;
  try {
    return await u.effects.transaction(u.db, async (trx) => {
      const before = await trx('plans').where({ id }).forUpdate().first();
      if (!before) return { ok: false, code: 'not_found' } as const;
      if (Number(before.version) !== version) return { ok: false, code: 'stale' } as const;
      const [after] = await trx('plans').where({ id }).update({ ...form.columns, version: Number(before.version) + 1 }).returning('*');
      await recordAudit(trx, actor, { action: 'plan_updated', objectType: 'plan', objectId: id, before: pick(before), after: pick(after) });
      let routersTold = 0;
      if (SPEED.some((k) => String(before[k] ?? '') !== String(after[k] ?? ''))) {
        const online = await trx.raw(
          `SELECT DISTINCT s.id FROM subscriptions s
             JOIN accounting_sessions a ON a.subscription_id = s.id AND a.stop_time IS NULL
            WHERE s.plan_id = ? AND s.status IN ('active', 'soft_limited')`,
          [id],
        );
        for (const r of online.rows as Array<{ id: number }>) {
          u.effects.accessChanged({ subscriptionId: Number(r.id), reason: 'plan_updated' }, `plan-${id}-v${after.version}`);
        }
        routersTold = online.rows.length;
      }
      return { ok: true, id, routersTold } as const;
    });
  } catch (err) {
    if (isNameTaken(err)) return { ok: false, code: 'invalid', errors: { name: 'error.plans.name_taken' } };
    throw err;
  }
}

/** Deactivates (no longer offered for new subscriptions; its subscribers keep it) or reactivates a plan. */
export function setPlanActive(db: Knex, actor: AuditActor, id: number, active: boolean): Promise<{ ok: boolean }> {
  return setActive(db, actor, { table: 'plans', objectType: 'plan' }, id, active);
}

export type DeletePlanOutcome = { ok: true } | { ok: false; code: 'not_found' } | { ok: false; code: 'in_use'; subscriptions: number; vouchers: number };

/**
 * Deletes a plan nobody uses. A plan with subscriptions (any status, or scheduled as someone's
 * next plan) or voucher batches is refused: deactivate it instead, so history keeps its plan.
 */
export async function deletePlan(db: Knex, actor: AuditActor, id: number): Promise<DeletePlanOutcome> {
  return db.transaction(async (trx) => {
    const before = await trx('plans').where({ id }).forUpdate().first();
    if (!before) return { ok: false, code: 'not_found' } as const;
    const { rows } = await trx.raw(
      `SELECT (SELECT count(*)::int FROM subscriptions WHERE plan_id = ? OR next_plan_id = ?) AS subscriptions,
              (SELECT count(*)::int FROM voucher_batches WHERE plan_id = ?) AS vouchers`,
      [id, id, id],
    );
    const use = rows[0] as { subscriptions: number; vouchers: number };
    if (use.subscriptions > 0 || use.vouchers > 0) return { ok: false, code: 'in_use', ...use } as const;
    try {
      // A savepoint: a reference this screen does not know of (a newer table) refuses the delete cleanly.
      await trx.transaction(async (sp) => sp('plans').where({ id }).delete());
    } catch (err) {
      if ((err as { code?: string }).code === '23503') return { ok: false, code: 'in_use', ...use } as const;
      throw err;
    }
    await recordAudit(trx, actor, { action: 'plan_deleted', objectType: 'plan', objectId: id, before: pick(before) });
    return { ok: true } as const;
  });
}

/** The plan row and how many subscriptions use it (not terminated), or null. */
export async function loadPlan(db: Knex, id: number): Promise<{ row: Record<string, unknown>; subscribers: number } | null> {
  const row = await db('plans').where({ id }).first();
  if (!row) return null;
  const counted = await db('subscriptions').where({ plan_id: id }).whereNot({ status: 'terminated' }).count({ n: '*' }).first();
  return { row, subscribers: Number(counted?.n ?? 0) };
}
