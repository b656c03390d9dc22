/**
 * The session history's months (ARCHITECTURE.md, "Accounting partitions"): accounting_sessions is
 * partitioned by RANGE on stop_time (migrations/…_accounting_partitions.ts), one partition per
 * UTC month plus the DEFAULT partition of open sessions. Run daily by the worker
 * (accounting-partitions-job.ts), idempotent:
 * - the current month's partition and AHEAD more are created (lib/partitions.ts), so a Stop never
 *   waits for DDL and the open partition is never scanned for a month that does not exist yet;
 * - a month whose end is more than ACCOUNTING_RETENTION_MONTHS before the current month is
 *   DETACHed, written to `<dir>/accounting_sessions_pYYYYMM.csv.gz` (COPY … CSV with a header,
 *   lib/partition-archive.ts), listed in accounting_archives (rows, bytes, SHA-256), then dropped.
 *   From then on the accounting writer stores no new row for a time before that month's end
 *   (accounting-statements.ts): a late record for it is kept as a dead letter instead.
 *
 * Month boundaries are UTC, not the ISP time zone: partitions are storage and must not move when
 * the `time_zone` setting changes; usage_daily (per local day) is untouched by any of this. With
 * Asia/Jakarta (UTC+7) a session stopped on the 1st before 07:00 local lands in the previous
 * UTC month's partition.
 */
import { join } from 'node:path';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import { copyTableToGzip } from '../../lib/partition-archive.js';
import { maintainPartitions, type ExpiredPartition, type PartitionPolicy, type PartitionRun } from '../../lib/partitions.js';

export const SESSIONS_TABLE = 'accounting_sessions';
/** Months created ahead of the current one (the migration creates as many). */
export const AHEAD = 2;
/** DDL waits at most this long for its lock, so a long report cannot queue every accounting write behind it. */
const LOCK_TIMEOUT_MS = 5_000;

export interface AccountingPartitionOptions {
  /** ACCOUNTING_RETENTION_MONTHS: months kept besides the current one; 0 keeps everything. */
  retentionMonths: number;
  /** Directory of the archive files (ACCOUNTING_ARCHIVE_DIR). */
  archiveDir: string;
  log?: Logger;
}

/** Writes a detached month to its gzip file and records it in accounting_archives (a rerun replaces both). */
async function archiveMonth(db: Knex, dir: string, p: ExpiredPartition, log?: Logger): Promise<void> {
  const file = `${p.name}.csv.gz`;
  const archive = await copyTableToGzip(db, p.name, join(dir, file));
  await db.raw(
    `INSERT INTO accounting_archives (partition, range_start, range_end, file, rows, bytes, sha256) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (partition) DO UPDATE SET file = excluded.file, rows = excluded.rows, bytes = excluded.bytes,
       sha256 = excluded.sha256, archived_at = now()`,
    [p.name, p.start, p.end, file, archive.rows, archive.bytes, archive.sha256],
  );
  log?.info({ partition: p.name, file, rows: archive.rows, bytes: archive.bytes }, 'accounting month archived');
}

/** The partition policy of the session history. */
export function accountingPolicy(db: Knex, opts: AccountingPartitionOptions): PartitionPolicy {
  return {
    table: SESSIONS_TABLE,
    column: 'stop_time',
    interval: 'month',
    ahead: AHEAD,
    keepDays: 0,
    keepIntervals: opts.retentionMonths,
    lockTimeoutMs: LOCK_TIMEOUT_MS,
    archive: (p) => archiveMonth(db, opts.archiveDir, p, opts.log),
  };
}

/**
 * Creates the months ahead, archives and drops the months past retention at `now`.
 * Errors: a lock not granted within 5 s, the archive directory not writable, the database's;
 * whatever was done stays done and the next run continues (a detached month is archived then).
 */
export async function maintainAccountingPartitions(db: Knex, now: Date, opts: AccountingPartitionOptions): Promise<PartitionRun> {
  return maintainPartitions(db, accountingPolicy(db, opts), now, opts.log);
}
