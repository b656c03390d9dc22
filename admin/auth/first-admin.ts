/**
 * The first staff account. On a start with no staff at all, an `admin` account is created with a
 * one-time password that is printed to the log once and must be changed at first sign-in: there
 * is never a default admin/admin. `npm run staff -- add ...` creates accounts from the shell.
 */
import type { Knex } from '../../lib/db.js';
import { randomCredential } from '../../lib/credentials.js';
import type { Logger } from '../../lib/logger.js';
import { hashPassword } from '../../lib/password.js';

/** Creates `admin` with a one-time password when staff_users is empty; resolves with the password, or null. */
export async function ensureFirstAdmin(db: Knex, rounds: number, log: Logger): Promise<string | null> {
  // bcrypt costs ~0.3 s: only when there may be no staff at all, not on every start.
  if (await db('staff_users').first('id')) return null;
  const password = randomCredential(16);
  const hash = await hashPassword(password, rounds);
  // Still one guarded statement: two processes starting at once create one admin.
  const { rows } = await db.raw(
    `INSERT INTO staff_users (username, name, password_hash, role, must_change_password)
     SELECT 'admin', 'Administrator', ?, 'admin', true
      WHERE NOT EXISTS (SELECT 1 FROM staff_users)
     ON CONFLICT DO NOTHING
     RETURNING id`,
    [hash],
  );
  if (!rows.length) return null;
  // The one time a password is logged, by design: the operator needs it to get in, and it must be changed at first sign-in.
  log.warn({ username: 'admin', oneTimePassword: password }, 'created the first staff account; sign in at /admin and choose a new password');
  return password;
}
