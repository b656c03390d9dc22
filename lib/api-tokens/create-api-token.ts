/**
 * Creates an API token for a staff account (the console's API tokens screen and
 * `npm run api-token -- create`): the token acts with that staff member's role. The token text is
 * returned once and never stored (token-secret.ts); the creation is audited (`api_token_created`,
 * without the token) in the same transaction.
 */
import { recordAudit, type AuditActor } from '../audit.js';
import type { Knex } from '../db.js';
import { newTokenText, SHOWN_PREFIX_LENGTH, tokenHash } from './token-secret.js';

export type CreateTokenOutcome =
  | { ok: true; id: number; token: string; prefix: string }
  | { ok: false; code: 'staff_not_found' | 'staff_inactive' | 'name_invalid' };

/**
 * @param input.staffUserId the staff account the token belongs to (and whose role it carries)
 * @param input.name what the token is for, 1–100 characters after trimming
 * @param input.actor who creates it (a staff member, or the CLI)
 */
export async function createApiToken(db: Knex, input: { staffUserId: number; name: string; actor: AuditActor }): Promise<CreateTokenOutcome> {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) return { ok: false, code: 'name_invalid' };
  return db.transaction(async (trx) => {
    const staff = await trx('staff_users').where({ id: input.staffUserId }).first('id', 'username', 'is_active');
    if (!staff) return { ok: false, code: 'staff_not_found' } as const;
    if (!staff.is_active) return { ok: false, code: 'staff_inactive' } as const;
    const token = newTokenText();
    const prefix = token.slice(0, SHOWN_PREFIX_LENGTH);
    const [row] = await trx('api_tokens')
      .insert({ staff_user_id: input.staffUserId, name, token_hash: tokenHash(token), token_prefix: prefix, created_by: input.actor.staffUserId })
      .returning('id');
    const id = Number(row.id);
    await recordAudit(trx, input.actor, { action: 'api_token_created', objectType: 'api_token', objectId: id, after: { name, staff: staff.username, prefix } });
    return { ok: true, id, token, prefix } as const;
  });
}
