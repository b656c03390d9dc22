/**
 * API tokens as the console and the CLI list them: newest first, with the staff account, the
 * shown prefix, the last use (time and address) and whether it is revoked. Never the hash.
 */
import type { Knex } from '../db.js';

export interface ApiTokenRow {
  id: number;
  name: string;
  prefix: string;
  staffUserId: number;
  staffUsername: string;
  staffRole: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** The client address of the last use (text), or null. */
  lastUsedIp: string | null;
  revokedAt: Date | null;
}

/** @param opts.staffUserId only the tokens of this staff account */
export async function listApiTokens(db: Knex, opts: { staffUserId?: number } = {}): Promise<ApiTokenRow[]> {
  const q = db('api_tokens as t').join('staff_users as s', 's.id', 't.staff_user_id')
    .select('t.id', 't.name', 't.token_prefix', 't.staff_user_id', 's.username', 's.role', 't.created_at', 't.last_used_at', 't.revoked_at', db.raw('host(t.last_used_ip) AS last_used_ip'))
    .orderBy('t.id', 'desc');
  if (opts.staffUserId !== undefined) q.where('t.staff_user_id', opts.staffUserId);
  const rows = (await q) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    id: Number(r.id), name: String(r.name), prefix: String(r.token_prefix), staffUserId: Number(r.staff_user_id),
    staffUsername: String(r.username), staffRole: String(r.role), createdAt: r.created_at as Date,
    lastUsedAt: (r.last_used_at as Date | null) ?? null, lastUsedIp: (r.last_used_ip as string | null) ?? null, revokedAt: (r.revoked_at as Date | null) ?? null,
  }));
}
