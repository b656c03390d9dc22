/**
 * Staff sign-in: username and password, with two brakes (OWASP Authentication Cheat Sheet):
 * - per account: STAFF_LOCKOUT_FAILURES wrong passwords in a row lock it for
 *   STAFF_LOCKOUT_MINUTES (staff_users.failed_login_count / locked_until); the right password
 *   during the lock is refused too;
 * - per client address: after IP_ATTEMPTS failed attempts in IP_WINDOW_SECONDS (lib/http/attempt-limiter.ts)
 *   the address is refused until the window ends, so one address cannot walk through many
 *   usernames; successful sign-ins do not count (an office of staff behind one NAT).
 * An unknown username costs the same bcrypt work as a known one, and gets the same answer.
 * A successful sign-in is audited (`signed_in`).
 */
import { recordAudit } from '../../lib/audit.js';
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import { createAttemptLimiter } from '../../lib/http/attempt-limiter.js';
import type { Redis } from '../../lib/redis.js';
import { verifyPassword } from './password.js';

const IP_ATTEMPTS = 30;
const IP_WINDOW_SECONDS = 15 * 60;
// A bcrypt hash of a random password, compared against when the username is unknown.
const DUMMY_HASH = '$2b$12$JHgKOE3UqS0bjWUYYZxHtO3G33avlDeLfRtUOVZDRGRJqzeIZE/ay';

export interface StaffRow {
  id: number;
  username: string;
  name: string;
  role: string;
  locale: 'id' | 'en';
  is_active: boolean;
  must_change_password: boolean;
  session_version: number;
}

export type SignInResult =
  | { ok: true; staff: StaffRow }
  | { ok: false; code: 'invalid' | 'locked' | 'rate_limited' };

export interface SignInDeps {
  db: Knex;
  redis: Redis;
  clock: Clock;
  /** Redis key prefix. */
  prefix: string;
  lockoutFailures: number;
  lockoutMinutes: number;
}

export async function signIn(deps: SignInDeps, input: { username: string; password: string; ip: string }): Promise<SignInResult> {
  const perAddress = createAttemptLimiter({ redis: deps.redis, prefix: deps.prefix, name: 'staff-sign-in-ip', limit: IP_ATTEMPTS, windowSeconds: IP_WINDOW_SECONDS });
  if (!(await perAddress.peek(input.ip)).allowed) return { ok: false, code: 'rate_limited' };
  const failed = async (code: 'invalid' | 'locked'): Promise<SignInResult> => {
    await perAddress.hit(input.ip);
    return { ok: false, code };
  };

  const now = deps.clock.now();
  const row = await deps.db('staff_users').where({ username: input.username.trim().toLowerCase() }).first();
  const matches = await verifyPassword(input.password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !row.is_active) return failed('invalid');
  if (row.locked_until && new Date(row.locked_until) > now) return failed('locked');
  if (!matches) {
    // One statement, so two wrong passwords at once both count.
    const { rows } = await deps.db.raw(
      `UPDATE staff_users
          SET failed_login_count = failed_login_count + 1,
              locked_until = CASE WHEN failed_login_count + 1 >= ? THEN ?::timestamptz + make_interval(mins => ?) ELSE locked_until END
        WHERE id = ? RETURNING locked_until`,
      [deps.lockoutFailures, now, deps.lockoutMinutes, row.id],
    );
    return failed(rows[0]?.locked_until && new Date(rows[0].locked_until) > now ? 'locked' : 'invalid');
  }
  await deps.db.transaction(async (trx) => {
    await trx('staff_users').where({ id: row.id }).update({ failed_login_count: 0, locked_until: null, last_login_at: now });
    await recordAudit(trx, { staffUserId: Number(row.id), username: row.username, ip: input.ip }, { action: 'signed_in', objectType: 'staff_user', objectId: Number(row.id) });
  });
  return { ok: true, staff: pickStaff(row) };
}

export function pickStaff(row: Record<string, unknown>): StaffRow {
  return {
    id: Number(row.id),
    username: String(row.username),
    name: String(row.name),
    role: String(row.role),
    locale: row.locale === 'en' ? 'en' : 'id',
    is_active: Boolean(row.is_active),
    must_change_password: Boolean(row.must_change_password),
    session_version: Number(row.session_version),
  };
}
