/**
 * Staff accounts managed by an admin: creating one (a one-time password from lib/credentials.ts,
 * bcrypt-hashed with lib/password.ts, to be changed at first sign-in), changing a role,
 * deactivating / reactivating and resetting a password. Every change that takes rights away or
 * replaces the password raises `session_version`, which ends that person's sessions at their
 * next request (admin/context.ts compares it on every request). Two guards keep the console
 * manageable: nobody deactivates or demotes themselves, and the last active admin stays one
 * (the active admins are locked first, so two admins demoting each other at once cannot both
 * succeed). Every change is audited in its transaction; never a password or a hash.
 */
import { z } from 'zod';
import { randomCredential } from '../../lib/credentials.js';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { hashPassword } from '../../lib/password.js';
import { fieldErrors } from '../../lib/field-errors.js';
import { STAFF_ROLES, type StaffRole } from '../../lib/permissions.js';

/** Length of a one-time password: about 93 bits (lib/credentials.ts). */
const ONE_TIME_PASSWORD_LENGTH = 16;

export const STAFF_FIELDS = ['username', 'name', 'email', 'role', 'locale'] as const;
export type StaffFormValues = Record<(typeof STAFF_FIELDS)[number], string>;
export const EMPTY_STAFF: StaffFormValues = { username: '', name: '', email: '', role: 'cashier', locale: 'id' };

export const staffForm = z.object({
  // The staff_users CHECK: 3-40 of a-z 0-9 . _ -
  username: z.string().trim().toLowerCase().regex(/^[a-z0-9._-]{3,40}$/, 'error.staff.username'),
  name: z.string().trim().min(1, 'error.required').max(100, 'error.too_long'),
  email: z.union([z.literal(''), z.string().trim().email('error.email').max(200, 'error.too_long')]).transform((v) => (v === '' ? null : v)),
  role: z.enum(STAFF_ROLES as [StaffRole, ...StaffRole[]]),
  locale: z.enum(['id', 'en']),
});

/** The form's text values from a request body (absent fields are empty). */
export function formInput(body: Record<string, string>): StaffFormValues {
  return Object.fromEntries(STAFF_FIELDS.map((k) => [k, String(body[k] ?? '').slice(0, 500)])) as StaffFormValues;
}

export interface StaffListRow {
  id: number;
  username: string;
  name: string;
  email: string | null;
  role: StaffRole;
  is_active: boolean;
  must_change_password: boolean;
  locked_until: Date | null;
  last_login_at: Date | null;
  version: number;
}

/** Every staff account, active ones first, then by username. A small table: no pages. */
export async function listStaff(db: Knex): Promise<StaffListRow[]> {
  return db('staff_users')
    .select('id', 'username', 'name', 'email', 'role', 'is_active', 'must_change_password', 'locked_until', 'last_login_at', 'version')
    .orderBy([{ column: 'is_active', order: 'desc' }, { column: 'username', order: 'asc' }]);
}

export async function loadStaffMember(db: Knex, id: number): Promise<StaffListRow | null> {
  return (await db('staff_users').where({ id })
    .first('id', 'username', 'name', 'email', 'role', 'is_active', 'must_change_password', 'locked_until', 'last_login_at', 'version')) ?? null;
}

export type CreateStaffOutcome =
  | { ok: true; id: number; oneTimePassword: string }
  | { ok: false; code: 'invalid'; errors: Record<string, string> };

/** Creates an account with a one-time password, returned once (to show once) and stored only as a hash. */
export async function addStaff(db: Knex, actor: AuditActor, input: StaffFormValues, rounds: number): Promise<CreateStaffOutcome> {
  const parsed = staffForm.safeParse(input);
  if (!parsed.success) return { ok: false, code: 'invalid', errors: fieldErrors(parsed.error) };
  const v = parsed.data;
  const oneTimePassword = randomCredential(ONE_TIME_PASSWORD_LENGTH);
  const passwordHash = await hashPassword(oneTimePassword, rounds);
  try {
    return await db.transaction(async (trx) => {
      const [row] = await trx('staff_users')
        .insert({ username: v.username, name: v.name, email: v.email, role: v.role, locale: v.locale, password_hash: passwordHash, must_change_password: true })
        .returning(['id', 'username', 'name', 'email', 'role', 'locale', 'must_change_password']);
      const { id, ...after } = row;
      await recordAudit(trx, actor, { action: 'staff_created', objectType: 'staff_user', objectId: Number(id), after });
      return { ok: true, id: Number(id), oneTimePassword } as const;
    });
  } catch (err) {
    const e = err as { code?: string; constraint?: string };
    if (e.code === '23505' && e.constraint === 'staff_users_username') return { ok: false, code: 'invalid', errors: { username: 'error.staff.username_taken' } };
    throw err;
  }
}

export type StaffChangeOutcome =
  | { ok: true }
  | { ok: false; code: 'not_found' | 'stale' | 'self' | 'last_admin' | 'invalid' };

/**
 * Runs `change` on the staff member `id` within a transaction that has locked the active admins
 * (then the member), so the last-admin count cannot change underneath it.
 */
async function withStaffLocked<T>(db: Knex, id: number, change: (trx: Knex.Transaction, member: Record<string, unknown>, activeAdmins: number) => Promise<T>): Promise<T | { ok: false; code: 'not_found' }> {
  return db.transaction(async (trx) => {
    const admins = await trx('staff_users').where({ role: 'admin', is_active: true }).forUpdate().orderBy('id').select('id');
    const member = await trx('staff_users').where({ id }).forUpdate().first('id', 'username', 'role', 'is_active', 'version');
    if (!member) return { ok: false, code: 'not_found' } as const;
    return change(trx, member, admins.length);
  });
}

/** True when the member is an active admin and the console would be left without one. */
const lastAdmin = (member: Record<string, unknown>, activeAdmins: number): boolean => member.role === 'admin' && Boolean(member.is_active) && activeAdmins <= 1;

/** Changes the role of the member opened at `version`; their sessions end (they sign in again with the new rights). */
export async function changeStaffRole(db: Knex, actor: AuditActor, id: number, version: number, role: string): Promise<StaffChangeOutcome> {
  if (!(STAFF_ROLES as readonly string[]).includes(role)) return { ok: false, code: 'invalid' };
  return withStaffLocked(db, id, async (trx, member, activeAdmins) => {
    if (Number(member.version) !== version) return { ok: false, code: 'stale' } as const;
    if (member.role === role) return { ok: true } as const;
    if (id === actor.staffUserId) return { ok: false, code: 'self' } as const;
    if (lastAdmin(member, activeAdmins)) return { ok: false, code: 'last_admin' } as const;
    await trx('staff_users').where({ id }).update({ role, version: trx.raw('version + 1'), session_version: trx.raw('session_version + 1') });
    await recordAudit(trx, actor, { action: 'staff_role_changed', objectType: 'staff_user', objectId: id, before: { role: member.role }, after: { role } });
    return { ok: true } as const;
  });
}

/** Deactivates (their sessions end at once; they cannot sign in) or reactivates (with the lockout cleared) a member. */
export async function setStaffActive(db: Knex, actor: AuditActor, id: number, active: boolean): Promise<StaffChangeOutcome> {
  return withStaffLocked(db, id, async (trx, member, activeAdmins) => {
    if (Boolean(member.is_active) === active) return { ok: true } as const;
    if (!active && id === actor.staffUserId) return { ok: false, code: 'self' } as const;
    if (!active && lastAdmin(member, activeAdmins)) return { ok: false, code: 'last_admin' } as const;
    await trx('staff_users').where({ id }).update({
      is_active: active, version: trx.raw('version + 1'), session_version: trx.raw('session_version + 1'),
      ...(active ? { failed_login_count: 0, locked_until: null } : {}),
    });
    await recordAudit(trx, actor, { action: active ? 'staff_reactivated' : 'staff_deactivated', objectType: 'staff_user', objectId: id, before: { is_active: !active }, after: { is_active: active } });
    return { ok: true } as const;
  });
}

export type ResetPasswordOutcome = { ok: true; oneTimePassword: string } | { ok: false; code: 'not_found' | 'self' };

/**
 * Replaces a member's password with a one-time password (returned once, to show once), to be
 * changed at their next sign-in; their sessions end and a lockout is lifted. Your own password
 * is changed on the password page, which asks for the current one.
 */
export async function resetStaffPassword(db: Knex, actor: AuditActor, id: number, rounds: number): Promise<ResetPasswordOutcome> {
  if (id === actor.staffUserId) return { ok: false, code: 'self' };
  const oneTimePassword = randomCredential(ONE_TIME_PASSWORD_LENGTH);
  const passwordHash = await hashPassword(oneTimePassword, rounds);
  return db.transaction(async (trx) => {
    const updated = await trx('staff_users').where({ id }).update({
      password_hash: passwordHash, must_change_password: true, failed_login_count: 0, locked_until: null,
      session_version: trx.raw('session_version + 1'),
    });
    if (!updated) return { ok: false, code: 'not_found' } as const;
    await recordAudit(trx, actor, { action: 'staff_password_reset', objectType: 'staff_user', objectId: id, after: { must_change_password: true } });
    return { ok: true, oneTimePassword } as const;
  });
}
