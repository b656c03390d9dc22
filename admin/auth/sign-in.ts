/**
 * Staff sign-in: username and password, with two brakes (OWASP Authentication Cheat Sheet),
 * each counting an attempt before its password is compared, so a burst of parallel guesses
 * cannot slip past a check that has not counted them yet:
 * - per client address: at most IP_ATTEMPTS attempts in IP_WINDOW_SECONDS
 *   (lib/http/attempt-limiter.ts); the address is refused until the window ends, so one address
 *   cannot walk through many usernames. A successful sign-in gives its attempt back (an office
 *   of staff behind one NAT is not held up by its own sign-ins).
 * - per account: STAFF_LOCKOUT_FAILURES wrong passwords in a row lock it for
 *   STAFF_LOCKOUT_MINUTES (staff_users.failed_login_count / locked_until). The attempt is counted
 *   in the row before the comparison (one UPDATE, so parallel attempts each get their own count);
 *   more attempts in flight than the limit lock the account at once; the right password clears
 *   the count only in a statement that re-checks the lock, so an attempt that raced a lock does
 *   not lift it. During a lock the right password is refused too.
 * Every refusal but the address brake gets the same answer ("wrong username or password, or the
 * account is locked"), and an unknown username costs the same bcrypt work (a hash at
 * PASSWORD_HASH_ROUNDS), so neither the answer nor its time tells which usernames exist.
 * A successful sign-in is audited (`signed_in`).
 */
import { recordAudit } from '../../lib/audit.js';
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import { createAttemptLimiter } from '../../lib/http/attempt-limiter.js';
import type { Redis } from '../../lib/redis.js';
import { dummyHash, verifyPassword } from '../../lib/password.js';
import { pickStaff, type StaffRow } from '../staff-row.js';

export const IP_ATTEMPTS = 30;
const IP_WINDOW_SECONDS = 15 * 60;

/** Why a sign-in was refused, for the server log only: the person sees `invalid` for all of them. */
export type RefusalReason = 'unknown' | 'inactive' | 'locked' | 'wrong_password';

export type SignInResult =
  | { ok: true; staff: StaffRow }
  | { ok: false; code: 'invalid'; reason: RefusalReason }
  | { ok: false; code: 'rate_limited' };

export interface SignInDeps {
  db: Knex;
  redis: Redis;
  clock: Clock;
  /** Redis key prefix. */
  prefix: string;
  lockoutFailures: number;
  lockoutMinutes: number;
  /** PASSWORD_HASH_ROUNDS: the cost of the hash an unknown username is compared against. */
  rounds: number;
}

export async function signIn(deps: SignInDeps, input: { username: string; password: string; ip: string }): Promise<SignInResult> {
  const perAddress = createAttemptLimiter({ redis: deps.redis, prefix: deps.prefix, name: 'staff-sign-in-ip', limit: IP_ATTEMPTS, windowSeconds: IP_WINDOW_SECONDS });
  if (!(await perAddress.hit(input.ip)).allowed) return { ok: false, code: 'rate_limited' };

  const now = deps.clock.now();
  const row = await deps.db('staff_users').where({ username: input.username.trim().toLowerCase() }).first();
  const claim = row?.is_active ? await claimAttempt(deps, Number(row.id), now) : null;
  // Compared in every case (an unknown name, a locked account), so the time tells nothing.
  const matches = await verifyPassword(input.password, row?.password_hash ?? (await dummyHash(deps.rounds)));
  const refused = (reason: RefusalReason): SignInResult => ({ ok: false, code: 'invalid', reason });
  if (!row) return refused('unknown');
  if (!claim) return refused('inactive');
  if (!claim.evaluated) return refused('locked');
  if (!matches) {
    await deps.db('staff_users').where({ id: row.id }).whereNull('locked_until').where('failed_login_count', '>=', deps.lockoutFailures)
      .update({ locked_until: deps.db.raw(`?::timestamptz + make_interval(mins => ?)`, [now, deps.lockoutMinutes]) });
    return refused('wrong_password');
  }
  const signedIn = await deps.db.transaction(async (trx) => {
    // The lock is checked again here: a parallel attempt may have locked the account since the claim.
    const [fresh] = await trx('staff_users').where({ id: row.id }).whereNull('locked_until')
      .update({ failed_login_count: 0, last_login_at: now }).returning('*');
    if (!fresh) return null;
    await recordAudit(trx, { staffUserId: Number(row.id), username: row.username, ip: input.ip }, { action: 'signed_in', objectType: 'staff_user', objectId: Number(row.id) });
    return fresh as Record<string, unknown>;
  });
  if (!signedIn) return refused('locked');
  await perAddress.release(input.ip);
  return { ok: true, staff: pickStaff(signedIn) };
}

/**
 * Counts one attempt on the account and says whether its password may be compared at all: not
 * while the account is locked, and not beyond the limit (a burst of more attempts than the limit
 * locks the account there and then). A lock that has run out starts a new count.
 */
async function claimAttempt(deps: SignInDeps, id: number, now: Date): Promise<{ evaluated: boolean }> {
  const { rows } = await deps.db.raw(
    `UPDATE staff_users
        SET failed_login_count = CASE WHEN locked_until > :now THEN failed_login_count
                                      WHEN locked_until <= :now THEN 1
                                      ELSE failed_login_count + 1 END,
            locked_until = CASE WHEN locked_until > :now THEN locked_until
                                WHEN locked_until <= :now THEN NULL
                                WHEN failed_login_count + 1 > :limit THEN CAST(:now AS timestamptz) + make_interval(mins => :minutes)
                                ELSE NULL END
      WHERE id = :id
      RETURNING locked_until`,
    { now, limit: deps.lockoutFailures, minutes: deps.lockoutMinutes, id },
  );
  return { evaluated: rows.length === 1 && rows[0].locked_until === null };
}
