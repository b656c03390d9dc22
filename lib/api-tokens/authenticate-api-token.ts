/**
 * Who a bearer token acts as (RFC 6750 §2.1 `Authorization: Bearer <token>`): the token must have
 * our shape, exist by its SHA-256, not be revoked, and belong to an active staff account. The
 * staff member's role is read on every request, so a role change or deactivation applies at once.
 * The last use (time, address) is written at most once a minute per token, so a busy client does
 * not write a row per request.
 */
import type { Clock } from '../clock.js';
import type { Knex } from '../db.js';
import { looksLikeToken, tokenHash } from './token-secret.js';

export interface TokenIdentity {
  tokenId: number;
  staffUserId: number;
  username: string;
  role: string;
  locale: 'id' | 'en';
}

const LAST_USE_RESOLUTION_MS = 60_000;

/** The identity of `text`, or null when it is not a live token of an active staff member. */
export async function authenticateApiToken(deps: { db: Knex; clock: Clock }, text: string, ip: string | null): Promise<TokenIdentity | null> {
  if (!looksLikeToken(text)) return null;
  const row = await deps.db('api_tokens as t').join('staff_users as s', 's.id', 't.staff_user_id')
    .where('t.token_hash', tokenHash(text)).whereNull('t.revoked_at').where('s.is_active', true)
    .first('t.id', 't.last_used_at', 's.id as staff_id', 's.username', 's.role', 's.locale');
  if (!row) return null;
  const now = deps.clock.now();
  const last = row.last_used_at as Date | null;
  if (!last || now.getTime() - last.getTime() >= LAST_USE_RESOLUTION_MS) {
    await deps.db('api_tokens').where({ id: row.id }).update({ last_used_at: now, last_used_ip: ip });
  }
  return { tokenId: Number(row.id), staffUserId: Number(row.staff_id), username: String(row.username), role: String(row.role), locale: row.locale === 'en' ? 'en' : 'id' };
}
