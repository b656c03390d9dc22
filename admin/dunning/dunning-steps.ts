/**
 * The dunning schedule (table dunning_steps) as the console edits it, within what the dunning
 * pass (billing/dunning/run-dunning-pass.ts) does with it:
 * - a step acts once per invoice on `due date + offset_days` (a reminder up to two days late);
 * - reminder: a message; late_fee: a charge of `late_fee_amount` (no message); soft_limit: the
 *   soft-limit rate and a message; suspend: the walled garden and a message;
 * - the message template is one of the customer templates, or the action's default;
 * - messages go to the customer's channels (WhatsApp, or SMS without it; e-mail): the pass has
 *   no per-step channel, so none is stored here.
 * Rules kept here: one step per day and action (the table's UNIQUE), at most one active suspend
 * and one active soft limit, the soft limit before the suspension, and enforcing steps (late fee,
 * soft limit, suspension) only after the due date. Edits are refused when stale (version) and
 * every change is audited in its transaction.
 */
import { z } from 'zod';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { fieldErrors } from '../../lib/field-errors.js';

export const DUNNING_ACTIONS = ['reminder', 'late_fee', 'soft_limit', 'suspend'] as const;
export type DunningAction = (typeof DUNNING_ACTIONS)[number];
/** The templates the dunning pass sends (its TEMPLATES); '' is the action's default. */
export const DUNNING_TEMPLATES = ['', 'payment_reminder', 'invoice_issued', 'suspended', 'payment_received', 'reactivated'] as const;
/** What the pass sends when a step names no template. */
export const DEFAULT_TEMPLATE: Record<DunningAction, string | null> = { reminder: 'payment_reminder', late_fee: null, soft_limit: 'payment_reminder', suspend: 'suspended' };

export interface DunningStep {
  id: number;
  offset_days: number;
  action: DunningAction;
  late_fee_amount: number | null;
  template: string | null;
  is_active: boolean;
  version: number;
}

/** "25.000" or "25000" → 25000; anything else → NaN. */
export function parseRupiah(text: string): number {
  const t = text.trim().replace(/^rp\.?\s*/i, '');
  return /^\d{1,3}(\.\d{3})+$|^\d{1,12}$/.test(t) ? Number(t.replace(/\./g, '')) : Number.NaN;
}

export const stepForm = z.object({
  offset_days: z.string().trim().regex(/^[+-]?\d{1,3}$/, 'dunning.error.offset').transform(Number).pipe(z.number().min(-60, 'dunning.error.offset').max(120, 'dunning.error.offset')),
  action: z.enum(DUNNING_ACTIONS, { message: 'error.invalid' }),
  late_fee_amount: z.string().trim().max(20, 'error.too_long'),
  template: z.enum(DUNNING_TEMPLATES, { message: 'error.invalid' }),
  is_active: z.string().optional().transform((v) => v === '1' || v === 'on' || v === 'true'),
});
type StepFields = z.output<typeof stepForm>;

export type StepOutcome =
  | { ok: true; id: number }
  | { ok: false; code: 'invalid'; errors: Record<string, string> }
  | { ok: false; code: 'stale' | 'not_found' };

const toStep = (r: Record<string, unknown>): DunningStep => ({
  id: Number(r.id), offset_days: Number(r.offset_days), action: r.action as DunningAction,
  late_fee_amount: r.late_fee_amount === null ? null : Number(r.late_fee_amount), template: (r.template as string | null) ?? null,
  is_active: Boolean(r.is_active), version: Number(r.version),
});

/** Every step in day order (then action order as the pass runs them: by id). */
export async function listSteps(db: Knex | Knex.Transaction): Promise<DunningStep[]> {
  return ((await db('dunning_steps').orderBy([{ column: 'offset_days' }, { column: 'id' }])) as Array<Record<string, unknown>>).map(toStep);
}

export async function loadStep(db: Knex, id: number): Promise<DunningStep | null> {
  const row = await db('dunning_steps').where({ id }).first();
  return row ? toStep(row) : null;
}

/** The form's text values for a step. */
export function stepFormValues(s: Partial<DunningStep>): Record<string, string> {
  return {
    offset_days: s.offset_days === undefined ? '' : String(s.offset_days), action: s.action ?? 'reminder',
    late_fee_amount: s.late_fee_amount ? s.late_fee_amount.toLocaleString('id-ID') : '', template: s.template ?? '', is_active: s.is_active === false ? '' : '1',
  };
}

/** The checks against the rest of the schedule; field → locale key of the error. */
function scheduleErrors(f: StepFields, fee: number | null, others: DunningStep[]): Record<string, string> {
  const errors: Record<string, string> = {};
  if (f.action === 'late_fee' && (fee === null || !Number.isSafeInteger(fee) || fee <= 0)) errors.late_fee_amount = 'dunning.error.late_fee_amount';
  if (f.action !== 'reminder' && f.offset_days < 1) errors.offset_days = 'dunning.error.enforce_before_due';
  if (others.some((o) => o.offset_days === f.offset_days && o.action === f.action)) errors.offset_days = 'dunning.error.duplicate';
  if (f.is_active) {
    const active = others.filter((o) => o.is_active);
    if (f.action === 'suspend' && active.some((o) => o.action === 'suspend')) errors.action = 'dunning.error.second_suspend';
    if (f.action === 'soft_limit' && active.some((o) => o.action === 'soft_limit')) errors.action = 'dunning.error.second_soft_limit';
    const suspend = f.action === 'suspend' ? f.offset_days : active.find((o) => o.action === 'suspend')?.offset_days;
    const soft = f.action === 'soft_limit' ? f.offset_days : active.find((o) => o.action === 'soft_limit')?.offset_days;
    if (!errors.action && suspend !== undefined && soft !== undefined && soft >= suspend) errors.offset_days ??= 'dunning.error.soft_limit_after_suspend';
  }
  return errors;
}

const audited = (s: DunningStep | Record<string, unknown>): Record<string, unknown> => ({
  offset_days: s.offset_days, action: s.action, late_fee_amount: s.late_fee_amount ?? null, template: s.template ?? null, is_active: s.is_active,
});

/**
 * Creates (id null) or updates step `id` from the form `input`.
 * @param version the step's version the form was opened with (ignored for a new step).
 */
export async function saveStep(db: Knex, actor: AuditActor, id: number | null, version: number, input: Record<string, unknown>): Promise<StepOutcome> {
  const picked = Object.fromEntries(['offset_days', 'action', 'late_fee_amount', 'template', 'is_active'].map((k) => [k, typeof input[k] === 'string' ? input[k] : k === 'is_active' ? undefined : '']));
  const parsed = stepForm.safeParse(picked);
  if (!parsed.success) return { ok: false, code: 'invalid', errors: fieldErrors(parsed.error) };
  const f = parsed.data;
  const fee = f.action === 'late_fee' ? (f.late_fee_amount === '' ? null : parseRupiah(f.late_fee_amount)) : null;
  return db.transaction(async (trx) => {
    // One editor of the schedule at a time: the checks below read the other steps.
    await trx.raw('LOCK TABLE dunning_steps IN SHARE ROW EXCLUSIVE MODE');
    const all = await listSteps(trx);
    const before = id === null ? null : all.find((s) => s.id === id);
    if (id !== null && !before) return { ok: false, code: 'not_found' } as const;
    if (before && before.version !== version) return { ok: false, code: 'stale' } as const;
    const errors = scheduleErrors(f, fee, all.filter((s) => s.id !== id));
    if (Object.keys(errors).length) return { ok: false, code: 'invalid', errors } as const;
    const row = {
      offset_days: f.offset_days, action: f.action, late_fee_amount: fee,
      // A late fee sends no message (the pass sends none), so it keeps no template.
      template: f.action === 'late_fee' ? null : f.template || null, is_active: f.is_active,
    };
    if (!before) {
      const [created] = await trx('dunning_steps').insert(row).returning('*');
      await recordAudit(trx, actor, { action: 'dunning_step_created', objectType: 'dunning_step', objectId: Number(created.id), after: audited(toStep(created)) });
      return { ok: true, id: Number(created.id) } as const;
    }
    const [after] = await trx('dunning_steps').where({ id }).update({ ...row, version: before.version + 1 }).returning('*');
    await recordAudit(trx, actor, { action: 'dunning_step_updated', objectType: 'dunning_step', objectId: id, before: audited(before), after: audited(toStep(after)) });
    return { ok: true, id: id! } as const;
  });
}

/**
 * Deletes step `id` (its record of which invoices it acted on goes with it).
 * @param version the step's version the confirmation was shown for.
 */
export async function deleteStep(db: Knex, actor: AuditActor, id: number, version: number): Promise<{ ok: true } | { ok: false; code: 'stale' | 'not_found' }> {
  return db.transaction(async (trx) => {
    const before = await trx('dunning_steps').where({ id }).forUpdate().first();
    if (!before) return { ok: false, code: 'not_found' } as const;
    if (Number(before.version) !== version) return { ok: false, code: 'stale' } as const;
    await trx('dunning_steps').where({ id }).delete();
    await recordAudit(trx, actor, { action: 'dunning_step_deleted', objectType: 'dunning_step', objectId: id, before: audited(toStep(before)) });
    return { ok: true } as const;
  });
}
