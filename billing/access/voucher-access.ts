/**
 * The read model the radius role decides vouchers on (the voucher counterpart of
 * billing/subscriptions/access-state.ts, and the one module through which aaa/ reads vouchers):
 * live vouchers (unused, sold, active) with what they have used, their batches' limits, their
 * open sessions; and the one write the radius role makes, starting a voucher's validity at its
 * first Access-Accept.
 *
 * used_seconds / used_octets are kept by the database from accounting (migration
 * 20261122000600_voucher_enforcement.ts): the sum over the voucher's sessions of the latest
 * cumulative counters, so they include the last Interim-Update of a session still open.
 */
import type { Knex } from '../../lib/db.js';

export type VoucherStatus = 'unused' | 'sold' | 'active' | 'used' | 'expired';
export const VOUCHER_STATUSES: readonly VoucherStatus[] = ['unused', 'sold', 'active', 'used', 'expired'];
/** Statuses that can still log in (kept in the radius role's replica). */
export const LIVE_VOUCHER_STATUSES: readonly VoucherStatus[] = ['unused', 'sold', 'active'];

export interface VoucherAccess {
  id: number;
  /** The code: the login name and the password. */
  code: string;
  batchId: number;
  status: VoucherStatus;
  /** Epoch milliseconds of the first Access-Accept, or null (not used yet). */
  firstUsedAt: number | null;
  /** Epoch milliseconds the validity ends, or null (not started, or the batch has no validity). */
  expiresAt: number | null;
  /** Seconds online, all sessions together. */
  usedSeconds: number;
  /** Octets in + out, all sessions together. */
  usedOctets: number;
}

export interface VoucherBatchAccess {
  id: number;
  /** The plan whose rate limit (and pool, group, idle timeout) applies, or null. */
  planId: number | null;
  /** The batch's own Mikrotik-Rate-Limit; wins over the plan's. */
  rateLimit: string | null;
  /** Total seconds online across sessions, or null (no time limit). */
  timeLimitSeconds: number | null;
  /** Total octets across sessions, or null (no data limit). */
  dataLimitBytes: number | null;
  /** Seconds from the first use until the voucher expires, or null. */
  validitySeconds: number | null;
}

export interface VoucherSessionAccess {
  voucherId: number;
  sessionKey: string;
  nasIpAddress: string;
  callingStationId: string | null;
  framedIpAddress: string | null;
  /** Epoch milliseconds of the last accounting update. */
  updateTime: number;
}

const VOUCHER_COLUMNS = `
  v.id, v.code, v.batch_id AS "batchId", v.status,
  (extract(epoch FROM v.first_used_at) * 1000)::bigint AS "firstUsedAt",
  (extract(epoch FROM v.expires_at) * 1000)::bigint AS "expiresAt",
  v.used_seconds AS "usedSeconds",
  -- Capped at 2^53 − 1 (beyond any data limit): a larger sum of 64-bit counters would make the
  -- int8 parser throw and stop the radius replica load.
  least(v.used_octets, 9007199254740991) AS "usedOctets"`;

/**
 * Vouchers by id, whatever their status (a reload must learn that one was used up), or every
 * live voucher when `ids` is omitted.
 */
export async function loadVoucherAccess(db: Knex, ids?: number[]): Promise<VoucherAccess[]> {
  const { rows } = ids
    ? await db.raw(`SELECT ${VOUCHER_COLUMNS} FROM vouchers v WHERE v.id = ANY(?::bigint[])`, [ids])
    : await db.raw(`SELECT ${VOUCHER_COLUMNS} FROM vouchers v WHERE v.status = ANY(?::text[])`, [LIVE_VOUCHER_STATUSES as string[]]);
  return rows as VoucherAccess[];
}

/** The voucher with the first of these codes that exists, whatever its status, or null. */
export async function findVoucherByCode(db: Knex, codes: string[]): Promise<VoucherAccess | null> {
  const { rows } = await db.raw(
    `SELECT ${VOUCHER_COLUMNS} FROM vouchers v WHERE v.code = ANY(?::text[]) ORDER BY array_position(?::text[], v.code) LIMIT 1`,
    [codes, codes],
  );
  return (rows[0] as VoucherAccess | undefined) ?? null;
}

/** Batches by id (all when `ids` is omitted). */
export async function loadVoucherBatchAccess(db: Knex, ids?: number[]): Promise<VoucherBatchAccess[]> {
  const where = ids ? 'WHERE id = ANY(?::bigint[])' : '';
  const { rows } = await db.raw(
    `SELECT id, plan_id AS "planId", rate_limit AS "rateLimit", time_limit_seconds AS "timeLimitSeconds",
            data_limit_bytes AS "dataLimitBytes", validity_seconds AS "validitySeconds"
       FROM voucher_batches ${where}`,
    ids ? [ids] : [],
  );
  return rows as VoucherBatchAccess[];
}

/** Open sessions (stop_time IS NULL) of the given vouchers, or of every voucher. */
export async function loadVoucherOpenSessions(db: Knex, voucherIds?: number[]): Promise<VoucherSessionAccess[]> {
  const where = voucherIds ? 'AND voucher_id = ANY(?::bigint[])' : '';
  const { rows } = await db.raw(
    `SELECT voucher_id AS "voucherId", session_key::text AS "sessionKey", host(nas_ip_address) AS "nasIpAddress",
            calling_station_id AS "callingStationId", host(framed_ip_address) AS "framedIpAddress",
            (extract(epoch FROM update_time) * 1000)::bigint AS "updateTime"
       FROM accounting_sessions
      WHERE stop_time IS NULL AND voucher_id IS NOT NULL ${where}`,
    voucherIds ? [voucherIds] : [],
  );
  return rows as VoucherSessionAccess[];
}

/**
 * Starts the voucher's validity at `now` (its first Access-Accept): first_used_at, expires_at =
 * now + the batch's validity, status active. Idempotent and safe between radius processes: a
 * voucher already started keeps its first use, and the stored values are returned.
 * Returns null when the voucher no longer exists.
 */
export async function startVoucherUse(db: Knex, voucherId: number, now: Date): Promise<Pick<VoucherAccess, 'firstUsedAt' | 'expiresAt' | 'status'> | null> {
  const { rows } = await db.raw(
    `UPDATE vouchers v
        SET first_used_at = coalesce(v.first_used_at, ?::timestamptz),
            expires_at = coalesce(v.expires_at, ?::timestamptz + make_interval(secs => b.validity_seconds)),
            status = CASE WHEN v.status IN ('unused', 'sold') THEN 'active' ELSE v.status END
       FROM voucher_batches b
      WHERE v.id = ? AND b.id = v.batch_id
  RETURNING (extract(epoch FROM v.first_used_at) * 1000)::bigint AS "firstUsedAt",
            (extract(epoch FROM v.expires_at) * 1000)::bigint AS "expiresAt", v.status`,
    [now.toISOString(), now.toISOString(), voucherId],
  );
  return (rows[0] as Pick<VoucherAccess, 'firstUsedAt' | 'expiresAt' | 'status'> | undefined) ?? null;
}
