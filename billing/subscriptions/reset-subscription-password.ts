/**
 * A staff member sets a new PPPoE / hotspot password for a subscription (the customer forgot it,
 * or it leaked). The password is generated as for a new subscription (lib/credentials.ts,
 * SUBSCRIBER_PASSWORD_LENGTH characters, ≈ 58 bits) and stored sealed (lib/secret-box.ts: CHAP and
 * MS-CHAP need the cleartext, RFC 1994 §4.1 / RFC 2759 §8). The cleartext is returned once, for
 * staff to hand over; it is never logged or audited.
 *
 * The radius role sees it at once (the UPDATE fires the aaa_index notification and the index
 * forgets the old password): the old password is rejected from the next Access-Request on. A
 * session already up stays up: PPP authenticated it once, and cutting it would leave the
 * customer's router offline until someone types the new password into it.
 * Audited (`subscription_password_reset`, without the password) in the same transaction.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import { randomCredential } from '../../lib/credentials.js';
import type { Knex } from '../../lib/db.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { SUBSCRIBER_PASSWORD_LENGTH } from './create-subscription.js';

export type ResetPasswordOutcome =
  | { ok: true; password: string; customerId: number }
  | { ok: false; code: 'not_found' | 'terminated' };

export async function resetSubscriptionPassword(
  deps: { db: Knex; secrets: SecretBox },
  input: { subscriptionId: number; actor: AuditActor },
): Promise<ResetPasswordOutcome> {
  const password = randomCredential(SUBSCRIBER_PASSWORD_LENGTH);
  return deps.db.transaction(async (trx) => {
    const sub = await trx('subscriptions').where({ id: input.subscriptionId }).forUpdate().first('id', 'customer_id', 'status');
    if (!sub) return { ok: false, code: 'not_found' } as const;
    if (sub.status === 'terminated') return { ok: false, code: 'terminated' } as const;
    await trx('subscriptions').where({ id: sub.id }).update({ password_enc: deps.secrets.seal(password), version: trx.raw('version + 1') });
    await recordAudit(trx, input.actor, { action: 'subscription_password_reset', objectType: 'subscription', objectId: Number(sub.id) });
    return { ok: true, password, customerId: Number(sub.customer_id) } as const;
  });
}
