/**
 * Revokes an API token (console or `npm run api-token -- revoke ID`): from the next request on it
 * is refused with 401. The row stays (audit trail); revoking twice is a no-op reported as such.
 * Audited as `api_token_revoked`.
 */
import { recordAudit, type AuditActor } from '../audit.js';
import type { Clock } from '../clock.js';
import type { Knex } from '../db.js';

export type RevokeTokenOutcome = { ok: true } | { ok: false; code: 'not_found' | 'already_revoked' };

export async function revokeApiToken(deps: { db: Knex; clock: Clock }, input: { tokenId: number; actor: AuditActor }): Promise<RevokeTokenOutcome> {
  return deps.db.transaction(async (trx) => {
    const row = await trx('api_tokens').where({ id: input.tokenId }).forUpdate().first('id', 'name', 'token_prefix', 'revoked_at');
    if (!row) return { ok: false, code: 'not_found' } as const;
    if (row.revoked_at) return { ok: false, code: 'already_revoked' } as const;
    await trx('api_tokens').where({ id: input.tokenId }).update({ revoked_at: deps.clock.now() });
    await recordAudit(trx, input.actor, { action: 'api_token_revoked', objectType: 'api_token', objectId: input.tokenId, before: { name: row.name, prefix: row.token_prefix } });
    return { ok: true } as const;
  });
}
