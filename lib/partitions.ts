/**
 * Time partitions of a PostgreSQL table partitioned by RANGE on a timestamp column (PostgreSQL
 * manual, "Table Partitioning" §5.12.2): partitions are created ahead of time, and retention is
 * done by dropping whole partitions (no DELETE, no VACUUM debt). Generic: device samples (issue 12)
 * and accounting (issue 13) use it with their own policy.
 *
 * Partitions are named `<table>_p<YYYYMMDD>` (interval `day`) or `<table>_p<YYYYMM>` (`month`) and
 * cover [start, end) in UTC. Partitions with other names (the DEFAULT partition, anything made by
 * hand) are left alone. Rows that fell into the DEFAULT partition for a range before its partition
 * existed are moved into the new partition when it is created, in the same transaction (PostgreSQL
 * refuses to attach a partition whose range has rows in DEFAULT). Rows in DEFAULT older than the
 * retention are deleted.
 */
import type { Knex } from 'knex';
import type { Logger } from './logger.js';

export type PartitionInterval = 'day' | 'month';

export interface PartitionPolicy {
  /** The partitioned (parent) table, a plain lower-case identifier in the search path. */
  table: string;
  /** Its partition key, a timestamptz (or timestamp) column. */
  column: string;
  interval: PartitionInterval;
  /** How many intervals after the current one to create (the current one is always created). */
  ahead: number;
  /** Partitions whose range ends on or before now − keepDays × 24 h are dropped. */
  keepDays: number;
}

export interface PartitionRun {
  created: string[];
  dropped: string[];
  /** Rows moved out of the DEFAULT partition into a created one. */
  moved: number;
  /** Rows older than the retention deleted from the DEFAULT partition. */
  expiredFromDefault: number;
}

const IDENT = /^[a-z_][a-z0-9_]{0,50}$/;
const DAY_MS = 86_400_000;

/** The start of the interval holding `at`, UTC. */
export function intervalStart(interval: PartitionInterval, at: Date): Date {
  return interval === 'day'
    ? new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()))
    : new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** The start of the interval `n` intervals after the one starting at `start` (n may be negative). */
export function addIntervals(interval: PartitionInterval, start: Date, n: number): Date {
  return interval === 'day'
    ? new Date(start.getTime() + n * DAY_MS)
    : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + n, 1));
}

/** `device_samples_p20261207` for a day, `device_samples_1h_p202612` for a month. */
export function partitionName(table: string, interval: PartitionInterval, start: Date): string {
  const ymd = start.toISOString().slice(0, 10).replaceAll('-', '');
  return `${table}_p${interval === 'day' ? ymd : ymd.slice(0, 6)}`;
}

/** The [start, end) of a partition from its name, or null for a name this module did not give. */
export function parsePartitionName(table: string, interval: PartitionInterval, name: string): { start: Date; end: Date } | null {
  const m = (interval === 'day' ? /^(\d{4})(\d{2})(\d{2})$/ : /^(\d{4})(\d{2})$/).exec(name.startsWith(`${table}_p`) ? name.slice(table.length + 2) : '');
  if (!m) return null;
  const start = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1));
  return { start, end: addIntervals(interval, start, 1) };
}

interface Child {
  name: string;
  isDefault: boolean;
}

async function children(db: Knex | Knex.Transaction, table: string): Promise<Child[]> {
  const { rows } = await db.raw<{ rows: Array<{ name: string; is_default: boolean }> }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' AS is_default
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = ?::regclass`,
    [table],
  );
  return rows.map((r) => ({ name: r.name, isDefault: r.is_default }));
}

/**
 * Creates the partition [start, end) of `policy.table`, moving the DEFAULT partition's rows of
 * that range into it first. One transaction: the DEFAULT partition is locked (ACCESS EXCLUSIVE) so
 * no row for the range lands there between the move and the ATTACH. Returns the rows moved.
 */
async function createPartition(db: Knex, policy: PartitionPolicy, name: string, start: Date, end: Date, defaultName: string | null): Promise<number> {
  return db.transaction(async (trx) => {
    await trx.raw('CREATE TABLE ?? (LIKE ?? INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', [name, policy.table]);
    let moved = 0;
    if (defaultName) {
      await trx.raw('LOCK TABLE ?? IN ACCESS EXCLUSIVE MODE', [defaultName]);
      const res = await trx.raw(
        'WITH moved AS (DELETE FROM ?? WHERE ?? >= ? AND ?? < ? RETURNING *) INSERT INTO ?? SELECT * FROM moved',
        [defaultName, policy.column, start, policy.column, end, name],
      );
      moved = res.rowCount ?? 0;
    }
    // DDL takes no bind parameters: the bounds are inlined, built from Date#toISOString (digits, '-', ':', '.', 'T', 'Z').
    await trx.raw(`ALTER TABLE ?? ATTACH PARTITION ?? FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}')`, [policy.table, name]);
    return moved;
  });
}

/**
 * Brings `policy.table`'s partitions in line with `now`: creates the current interval's partition
 * and `ahead` more, drops the partitions past retention, and deletes DEFAULT rows past retention.
 * Idempotent: a second run at the same `now` does nothing. Errors: a table that is not partitioned
 * (or an identifier that is not a plain lower-case name) throws.
 */
export async function maintainPartitions(db: Knex, policy: PartitionPolicy, now: Date, log?: Logger): Promise<PartitionRun> {
  if (!IDENT.test(policy.table) || !IDENT.test(policy.column)) throw new Error(`not a plain identifier: ${policy.table}.${policy.column}`);
  const run: PartitionRun = { created: [], dropped: [], moved: 0, expiredFromDefault: 0 };
  const existing = await children(db, policy.table);
  const names = new Set(existing.map((c) => c.name));
  const defaultName = existing.find((c) => c.isDefault)?.name ?? null;

  const current = intervalStart(policy.interval, now);
  for (let i = 0; i <= policy.ahead; i++) {
    const start = addIntervals(policy.interval, current, i);
    const name = partitionName(policy.table, policy.interval, start);
    if (names.has(name)) continue;
    const moved = await createPartition(db, policy, name, start, addIntervals(policy.interval, start, 1), defaultName);
    run.created.push(name);
    run.moved += moved;
    if (moved) log?.info({ table: policy.table, partition: name, moved }, 'rows moved from the default partition');
  }

  const cutoff = new Date(now.getTime() - policy.keepDays * DAY_MS);
  for (const child of existing) {
    const range = child.isDefault ? null : parsePartitionName(policy.table, policy.interval, child.name);
    if (!range || range.end.getTime() > cutoff.getTime()) continue;
    await db.raw('DROP TABLE ??', [child.name]);
    run.dropped.push(child.name);
  }
  if (defaultName) {
    const res = await db.raw('DELETE FROM ?? WHERE ?? < ?', [defaultName, policy.column, cutoff]);
    run.expiredFromDefault = res.rowCount ?? 0;
  }
  if (run.created.length || run.dropped.length) log?.info({ table: policy.table, ...run }, 'partitions maintained');
  return run;
}
