/**
 * Creating and editing a customer from the console: the fields are validated (zod), the edit is
 * refused when the record changed since the form was opened (optimistic lock on `version`), and
 * the change is audited with its before and after in the same transaction.
 */
import { z } from 'zod';
import { storedPhone } from '../../lib/phone.js';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { fieldErrors } from '../../lib/field-errors.js';

/** The longest area name (customers_area_check). */
export const AREA_MAX = 60;

/** An area as stored: blanks trimmed and runs of blanks made one space; null for none. */
export function areaValue(value: unknown): string | null {
  const v = String(value ?? '').replace(/\s+/g, ' ').trim();
  return v === '' ? null : v;
}

const optional = (max: number) => z.string().trim().max(max).transform((v) => (v === '' ? null : v));

/** The form's fields; messages are locale keys shown beside the field. */
export const customerForm = z.object({
  name: z.string().trim().min(1, 'error.required').max(200, 'error.too_long'),
  // Any way a phone is written (spaces, dashes, dots, parentheses, +62/62/0), stored in one form.
  phone: z.string().max(40, 'error.too_long').transform((v, ctx) => {
    const stored = storedPhone(v);
    if (stored === undefined) ctx.addIssue({ code: 'custom', message: 'error.phone' });
    return stored ?? null;
  }),
  email: z.union([z.literal(''), z.string().trim().email('error.email').max(200, 'error.too_long')]).transform((v) => (v === '' ? null : v)),
  address: optional(500),
  identity_number: optional(32),
  locale: z.enum(['id', 'en']),
  notes: optional(2000),
  // The customer's area (migration 20261207000600): blanks trimmed and collapsed, at most 60
  // characters, '' for none; a form without the field leaves it as it is.
  area: z.string().max(500, 'error.too_long').optional().transform((v) => (v === undefined ? undefined : areaValue(v)))
    .refine((v) => !v || v.length <= AREA_MAX, 'error.too_long'),
});
export type CustomerFields = z.output<typeof customerForm>;

export type SaveOutcome =
  | { ok: true; id: number }
  | { ok: false; code: 'invalid'; errors: Record<string, string> }
  | { ok: false; code: 'stale' | 'not_found' };

const AUDITED = ['name', 'phone', 'email', 'address', 'identity_number', 'locale', 'notes', 'area'] as const;
const pick = (row: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(AUDITED.map((k) => [k, row[k] ?? null]));

/** The customer row for the edit form, or null. */
export async function loadCustomer(db: Knex, id: number): Promise<Record<string, unknown> | null> {
  return (await db('customers').where({ id }).first()) ?? null;
}

export async function createCustomer(db: Knex, actor: AuditActor, input: unknown): Promise<SaveOutcome> {
  const parsed = customerForm.safeParse(input);
  if (!parsed.success) return { ok: false, code: 'invalid', errors: fieldErrors(parsed.error) };
  return db.transaction(async (trx) => {
    const [row] = await trx('customers').insert(parsed.data).returning('*');
    await recordAudit(trx, actor, { action: 'customer_created', objectType: 'customer', objectId: Number(row.id), after: { customer_number: row.customer_number, ...pick(row) } });
    return { ok: true, id: Number(row.id) };
  });
}

/** @param version the `version` the form was opened with. */
export async function updateCustomer(db: Knex, actor: AuditActor, id: number, version: number, input: unknown): Promise<SaveOutcome> {
  const parsed = customerForm.safeParse(input);
  if (!parsed.success) return { ok: false, code: 'invalid', errors: fieldErrors(parsed.error) };
  return db.transaction(async (trx) => {
    const before = await trx('customers').where({ id }).forUpdate().first();
    if (!before) return { ok: false, code: 'not_found' } as const;
    if (Number(before.version) !== version) return { ok: false, code: 'stale' } as const;
    const [after] = await trx('customers').where({ id }).update({ ...parsed.data, version: Number(before.version) + 1 }).returning('*');
    await recordAudit(trx, actor, { action: 'customer_updated', objectType: 'customer', objectId: id, before: pick(before), after: pick(after) });
    return { ok: true, id };
  });
}
