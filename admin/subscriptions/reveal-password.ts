/**
 * "Show password" on the subscription page: the subscriber's password opened from its sealed
 * form (lib/secret-box.ts) for a staff member who may edit subscriptions, to read out to a
 * customer or type into their router. Each reveal is audited (`subscription_password_viewed`),
 * without the password.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import type { SecretBox } from '../../lib/secret-box.js';

/** The cleartext password, or null when there is no such subscription. @throws Error when it was sealed with another key. */
export async function revealPassword(db: Knex, secrets: SecretBox, actor: AuditActor, subscriptionId: number): Promise<string | null> {
  const row = await db('subscriptions').where({ id: subscriptionId }).first('password_enc');
  if (!row) return null;
  const password = secrets.open(String(row.password_enc));
  await recordAudit(db, actor, { action: 'subscription_password_viewed', objectType: 'subscription', objectId: subscriptionId });
  return password;
}
