/**
 * What a voucher has left, for the hotspot status page: the time and data left across all its
 * sessions, when its validity ends, and its status as the radius role would see it now (an
 * active voucher past its expires_at is expired even before the minute's sweep marks it; one
 * with no time or data left is used).
 */
import type { Knex } from '../../lib/db.js';
import type { VoucherStatus } from '../access/voucher-access.js';

export interface VoucherBalance {
  code: string;
  status: VoucherStatus;
  timeLimitSeconds: number | null;
  /** Seconds left, or null (no time limit). */
  timeLeftSeconds: number | null;
  dataLimitBytes: number | null;
  /** Octets left, or null (no data limit). */
  dataLeftBytes: number | null;
  validitySeconds: number | null;
  firstUsedAt: Date | null;
  /** When the validity ends (null: not started yet, or no validity). */
  expiresAt: Date | null;
  usedSeconds: number;
  usedOctets: number;
}

/** The balance of the voucher with `code` (exact, already normalized), or null when there is none. */
export async function voucherBalance(db: Knex, code: string, now: Date): Promise<VoucherBalance | null> {
  const row = await db('vouchers as v')
    .join('voucher_batches as b', 'b.id', 'v.batch_id')
    .where('v.code', code)
    .first('v.code', 'v.status', 'v.first_used_at', 'v.expires_at', 'v.used_seconds', db.raw('least(v.used_octets, 9007199254740991) AS used_octets'),
      'b.time_limit_seconds', 'b.data_limit_bytes', 'b.validity_seconds');
  if (!row) return null;
  const timeLimit = row.time_limit_seconds === null ? null : Number(row.time_limit_seconds);
  const dataLimit = row.data_limit_bytes === null ? null : Number(row.data_limit_bytes);
  const usedSeconds = Number(row.used_seconds);
  const usedOctets = Number(row.used_octets);
  const timeLeft = timeLimit === null ? null : Math.max(0, timeLimit - usedSeconds);
  const dataLeft = dataLimit === null ? null : Math.max(0, dataLimit - usedOctets);
  const expiresAt = row.expires_at ? new Date(row.expires_at) : null;
  let status = row.status as VoucherStatus;
  if (status === 'active' || status === 'unused' || status === 'sold') {
    if (expiresAt && expiresAt.getTime() <= now.getTime()) status = 'expired';
    else if (timeLeft === 0 || dataLeft === 0) status = 'used';
  }
  return {
    code: row.code,
    status,
    timeLimitSeconds: timeLimit,
    timeLeftSeconds: timeLeft,
    dataLimitBytes: dataLimit,
    dataLeftBytes: dataLeft,
    validitySeconds: row.validity_seconds === null ? null : Number(row.validity_seconds),
    firstUsedAt: row.first_used_at ? new Date(row.first_used_at) : null,
    expiresAt,
    usedSeconds,
    usedOctets,
  };
}
