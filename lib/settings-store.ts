/**
 * Reading and writing one row of the `settings` table (ISP-wide settings as JSON, one row per
 * area: `billing`, `aaa`, `payment_gateways`, `notification_channels`, ...) with its `version`,
 * so an edit made from a form opened at version N is refused once someone else saved since
 * (optimistic lock, as customers.version). Every write fires the settings trigger, whose NOTIFY
 * the radius role's index listens to (migrations/20261121001200_aaa_notify.ts).
 */
import type { Knex } from './db.js';

export interface StoredSetting {
  /** The stored JSON, or null when the row does not exist (the area's defaults apply). */
  value: unknown;
  /** 0 when the row does not exist yet. */
  version: number;
  updatedAt: Date | null;
}

/** The row `key` with its version (0 and a null value when absent). */
export async function readSetting(db: Knex | Knex.Transaction, key: string): Promise<StoredSetting> {
  const row = await db('settings').where({ key }).first('value', 'version', 'updated_at');
  return row ? { value: row.value, version: Number(row.version), updatedAt: row.updated_at } : { value: null, version: 0, updatedAt: null };
}

export type WriteOutcome = { ok: true; version: number; before: unknown } | { ok: false; code: 'stale' };

/**
 * Replaces the row `key` with `value` when its version is still `expectedVersion` (0: the row
 * must not exist yet), inside `trx`; the row is locked until `trx` ends, so two saves of the same
 * version cannot both succeed. Returns the new version and the value it replaced.
 */
export async function writeSetting(trx: Knex.Transaction, key: string, value: unknown, expectedVersion: number): Promise<WriteOutcome> {
  const current = await trx('settings').where({ key }).forUpdate().first('value', 'version');
  const version = current ? Number(current.version) : 0;
  if (version !== expectedVersion) return { ok: false, code: 'stale' };
  const json = JSON.stringify(value);
  if (current) {
    await trx('settings').where({ key }).update({ value: trx.raw('?::jsonb', [json]), version: version + 1 });
  } else {
    // Two first saves at once: the second one's INSERT fails on the key, and it is stale.
    const inserted = await trx.raw(`INSERT INTO settings (key, value, version) VALUES (?, ?::jsonb, 1) ON CONFLICT (key) DO NOTHING RETURNING key`, [key, json]);
    if (!(inserted.rows as unknown[]).length) return { ok: false, code: 'stale' };
  }
  return { ok: true, version: version + 1, before: current?.value ?? null };
}

/** `version` and `updated_at` of several rows (a cheap "has anything changed" probe for caches). */
export async function settingVersions(db: Knex, keys: readonly string[]): Promise<string> {
  const rows = (await db('settings').whereIn('key', keys as string[]).orderBy('key').select('key', 'version', 'updated_at')) as Array<{ key: string; version: number; updated_at: Date }>;
  return rows.map((r) => `${r.key}:${r.version}:${new Date(r.updated_at).getTime()}`).join('|');
}
