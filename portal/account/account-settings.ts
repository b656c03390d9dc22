/**
 * What customers change about their own account in the portal: their contact details (phone and
 * e-mail, validated with zod, refused when the record changed since the form was opened, the
 * version raised and the change audited as the customer's), and their portal password (the
 * current one asked for when there is one; every other portal session of theirs ends).
 */
import { z } from 'zod';
import { hashPassword, passwordProblem, verifyPassword } from '../../lib/password.js';
import { normalizePhone, storedPhone } from '../../lib/phone.js';
import type { Knex } from '../../lib/db.js';
import { fieldErrors } from '../../lib/field-errors.js';
import { recordCustomerAudit, type CustomerActor } from './customer-audit.js';

/** Field errors are locale keys (views/locales/portal/account). */
export const contactForm = z.object({
  phone: z.string().trim().max(30, 'portal.account.error.too_long')
    .refine((v) => normalizePhone(v) !== null, 'portal.account.error.phone').transform((v) => storedPhone(v) as string),
  email: z.union([z.literal(''), z.string().trim().max(200, 'portal.account.error.too_long').email('portal.account.error.email')])
    .transform((v) => (v === '' ? null : v)),
});

export type Outcome = { ok: true } | { ok: false; code: 'invalid'; errors: Record<string, string> } | { ok: false; code: 'stale' | 'not_found' };

const errorsOf = (error: z.ZodError): Record<string, string> => fieldErrors(error, { ours: /^portal\.account\.error\./, invalid: 'portal.account.error.invalid' });

/**
 * @param version the customers.version the form was opened with
 * The phone is stored in the one form the console's customer form stores (storedPhone); sign-in
 * and messages read it through normalizePhone / portal_phone_key.
 */
export async function updateContactDetails(db: Knex, actor: CustomerActor, version: number, input: { phone?: unknown; email?: unknown }): Promise<Outcome> {
  const parsed = contactForm.safeParse({ phone: String(input.phone ?? ''), email: String(input.email ?? '') });
  if (!parsed.success) return { ok: false, code: 'invalid', errors: errorsOf(parsed.error) };
  return db.transaction(async (trx) => {
    const before = await trx('customers').where({ id: actor.customerId }).forUpdate().first('phone', 'email', 'version');
    if (!before) return { ok: false, code: 'not_found' } as const;
    if (Number(before.version) !== version) return { ok: false, code: 'stale' } as const;
    if (before.phone === parsed.data.phone && (before.email ?? null) === parsed.data.email) return { ok: true } as const;
    await trx('customers').where({ id: actor.customerId }).update({ phone: parsed.data.phone, email: parsed.data.email, version: Number(before.version) + 1 });
    await recordCustomerAudit(trx, actor, {
      action: 'customer_contact_updated_by_customer', objectType: 'customer', objectId: actor.customerId,
      before: { phone: before.phone ?? null, email: before.email ?? null }, after: parsed.data,
    });
    return { ok: true } as const;
  });
}

export type PasswordOutcome = { ok: true; sessionVersion: number } | { ok: false; errors: Record<string, string> };

/**
 * Sets or changes the portal password. A customer who has one must give it; one who signed in
 * with a code and has none sets a first one. Raises portal_session_version: other sessions end.
 */
export async function setPortalPassword(
  db: Knex,
  actor: CustomerActor,
  input: { current: string; password: string; confirm: string },
  rounds: number,
  now: Date,
): Promise<PasswordOutcome> {
  const row = await db('customers').where({ id: actor.customerId }).first('portal_password_hash');
  const errors: Record<string, string> = {};
  if (row?.portal_password_hash && !(await verifyPassword(input.current, row.portal_password_hash))) errors.current = 'portal.account.error.current_password';
  const problem = passwordProblem(input.password);
  if (problem) errors.password = `portal.account.error.${problem}`;
  else if (input.password !== input.confirm) errors.confirm = 'portal.account.error.password_mismatch';
  if (!row) errors._ = 'portal.account.error.invalid';
  if (Object.keys(errors).length) return { ok: false, errors };
  const hash = await hashPassword(input.password, rounds);
  return db.transaction(async (trx) => {
    const [updated] = await trx('customers').where({ id: actor.customerId })
      .update({ portal_password_hash: hash, portal_password_changed_at: now, portal_session_version: trx.raw('portal_session_version + 1') })
      .returning('portal_session_version');
    await recordCustomerAudit(trx, actor, { action: row!.portal_password_hash ? 'portal_password_changed' : 'portal_password_set', objectType: 'customer', objectId: actor.customerId });
    return { ok: true, sessionVersion: Number(updated.portal_session_version) };
  });
}
