/**
 * Staff give a customer access to the self-service portal when no WhatsApp / SMS code can reach
 * them: a portal password set by staff (the password policy of staff accounts,
 * lib/password.ts `passwordProblem`: length and the common-password list; bcrypt with
 * PASSWORD_HASH_ROUNDS), or a one-time sign-in link for a printed letter
 * (billing/customers/sign-in-link.ts; sent by a channel instead: send-sign-in-link.ts). Either is audited as the staff member's, never with the
 * password or the link. A password set by staff ends the customer's portal sessions
 * (portal_session_version + 1), as the customer's own change does.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import type { SignInLinks } from '../../billing/customers/sign-in-link.js';
import { hashPassword, passwordProblem } from '../../lib/password.js';

export interface PortalAccountCustomer {
  id: number;
  name: string;
  customer_number: string;
  phone: string | null;
  email: string | null;
  /** The language of the customer's messages: `id` or `en`. */
  locale: string;
  has_password: boolean;
  portal_password_changed_at: Date | null;
}

export async function portalAccountCustomer(db: Knex, id: number): Promise<PortalAccountCustomer | null> {
  const row = await db('customers').where({ id })
    .first('id', 'name', 'customer_number', 'phone', 'email', 'locale', 'portal_password_changed_at', db.raw('portal_password_hash IS NOT NULL AS has_password'));
  return row ? { ...row, id: Number(row.id) } : null;
}

/** Field errors are locale keys (`error.password.*` of views/locales/admin, `portal_access.error.*`). */
export type SetPasswordOutcome = { ok: true } | { ok: false; code: 'not_found' } | { ok: false; code: 'invalid'; errors: Record<string, string> };

export async function setPortalPasswordByStaff(
  db: Knex, actor: AuditActor, customerId: number, input: { password: string; confirm: string }, rounds: number, now: Date,
): Promise<SetPasswordOutcome> {
  const problem = passwordProblem(input.password);
  if (problem) return { ok: false, code: 'invalid', errors: { password: `error.${problem}` } };
  if (input.password !== input.confirm) return { ok: false, code: 'invalid', errors: { confirm: 'portal_access.error.mismatch' } };
  const hash = await hashPassword(input.password, rounds);
  return db.transaction(async (trx) => {
    const [row] = await trx('customers').where({ id: customerId })
      .update({ portal_password_hash: hash, portal_password_changed_at: now, portal_session_version: trx.raw('portal_session_version + 1') })
      .returning('customer_number');
    if (!row) return { ok: false, code: 'not_found' } as const;
    await recordAudit(trx, actor, { action: 'portal_password_set_by_staff', objectType: 'customer', objectId: customerId, after: { customerNumber: row.customer_number } });
    return { ok: true } as const;
  });
}

/** A new one-time sign-in link token for the customer's letter (the previous one stops working), audited. */
export async function issueSignInLetter(db: Knex, links: SignInLinks, actor: AuditActor, customerId: number): Promise<string> {
  const token = await links.issue(customerId);
  await recordAudit(db, actor, { action: 'portal_sign_in_link_issued', objectType: 'customer', objectId: customerId, after: { via: 'letter' } });
  return token;
}
