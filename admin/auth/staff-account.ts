/**
 * A staff member's own account: changing the password (which ends every other session by raising
 * session_version), signing out everywhere, and the console language. Audited.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../lib/password.js';

export type PasswordChange =
  | { ok: true; sessionVersion: number }
  | { ok: false; errors: Record<string, string> };

/** Field errors are locale keys: `error.current_password`, `error.password.too_short`, `error.password_mismatch`. */
export async function changeOwnPassword(
  db: Knex,
  actor: AuditActor,
  input: { current: string; password: string; confirm: string },
  rounds: number,
): Promise<PasswordChange> {
  const row = await db('staff_users').where({ id: actor.staffUserId }).first('password_hash');
  const errors: Record<string, string> = {};
  if (!row || !(await verifyPassword(input.current, row.password_hash))) errors.current = 'error.current_password';
  const problem = passwordProblem(input.password);
  if (problem) errors.password = `error.${problem}`;
  else if (input.password !== input.confirm) errors.confirm = 'error.password_mismatch';
  if (Object.keys(errors).length) return { ok: false, errors };
  const hash = await hashPassword(input.password, rounds);
  return db.transaction(async (trx) => {
    const [updated] = await trx('staff_users').where({ id: actor.staffUserId })
      .update({ password_hash: hash, must_change_password: false, failed_login_count: 0, locked_until: null, session_version: trx.raw('session_version + 1') })
      .returning('session_version');
    await recordAudit(trx, actor, { action: 'password_changed', objectType: 'staff_user', objectId: actor.staffUserId });
    return { ok: true, sessionVersion: Number(updated.session_version) } as const;
  });
}

/** Ends every session of this staff member (session_version + 1). */
export async function signOutEverywhere(db: Knex, actor: AuditActor): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('staff_users').where({ id: actor.staffUserId }).increment('session_version', 1);
    await recordAudit(trx, actor, { action: 'signed_out_everywhere', objectType: 'staff_user', objectId: actor.staffUserId });
  });
}

export async function setStaffLocale(db: Knex, staffUserId: number, locale: 'id' | 'en'): Promise<void> {
  await db('staff_users').where({ id: staffUserId }).update({ locale });
}
