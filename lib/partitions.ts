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
 *
 * With `archive` (accounting, issue 13), a partition past retention is first DETACHed (readers no
 * longer see it), handed to `archive` (e.g. COPY … TO a gzip file, lib/partition-archive.ts), and
 * dropped only when that resolved; a partition detached by a run that failed half-way is found by
 * its name on the next run and archived then. `lockTimeoutMs` bounds how long CREATE/ATTACH,
 * DETACH and DROP wait for their locks (a long report must not hold every writer behind them in
 * the lock queue); a run that times out throws and the next run tries again.
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
  /**
   * Instead of keepDays: keep the current interval and this many before it (months for a monthly
   * table: 12 keeps the current month and the 12 before). 0 or less: never drop.
   */
  keepIntervals?: number;
  /** Called with each partition past retention after it is detached and before it is dropped. */
  archive?: (partition: ExpiredPartition) => Promise<void>;
  /** lock_timeout for the DDL, milliseconds (absent: wait as long as it takes). */
  lockTimeoutMs?: number;
}

/** A partition past retention, detached from its table. */
export interface ExpiredPartition {
  name: string;
  start: Date;
  end: Date;
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
    await setLockTimeout(trx, policy);
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

async function setLockTimeout(trx: Knex.Transaction, policy: PartitionPolicy): Promise<void> {
  if (policy.lockTimeoutMs) await trx.raw(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(policy.lockTimeoutMs))}`);
}

/** Tables named like this table's partitions that are not attached (a run that failed between DETACH and DROP). */
async function detachedLeftovers(db: Knex, policy: PartitionPolicy): Promise<string[]> {
  const { rows } = await db.raw<{ rows: Array<{ name: string }> }>(
    `SELECT c.relname AS name FROM pg_class c
      WHERE c.relkind = 'r' AND NOT c.relispartition AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = ?::regclass)
        AND starts_with(c.relname, ?)`,
    [policy.table, `${policy.table}_p`],
  );
  return rows.map((r) => r.name).filter((n) => parsePartitionName(policy.table, policy.interval, n));
}

/** Drops an expired partition; with `policy.archive`, detaches and archives it first. */
async function retire(db: Knex, policy: PartitionPolicy, partition: ExpiredPartition, attached: boolean): Promise<void> {
  if (attached && policy.archive) {
    await db.transaction(async (trx) => {
      await setLockTimeout(trx, policy);
      await trx.raw('ALTER TABLE ?? DETACH PARTITION ??', [policy.table, partition.name]);
    });
  }
  await policy.archive?.(partition);
  await db.transaction(async (trx) => {
    await setLockTimeout(trx, policy);
    await trx.raw('DROP TABLE ??', [partition.name]);
  });
}

/**
 * Brings `policy.table`'s partitions in line with `now`: creates the current interval's partition
 * and `ahead` more, drops (archiving first, when the policy says so) the partitions past
 * retention, and deletes DEFAULT rows past retention.
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

  if (policy.keepIntervals !== undefined && policy.keepIntervals <= 0) return logged(run, policy, log); // keep forever
  const cutoff = policy.keepIntervals === undefined ? new Date(now.getTime() - policy.keepDays * DAY_MS)
    : addIntervals(policy.interval, current, -policy.keepIntervals);
  const expired = existing.filter((c) => !c.isDefault).map((c) => ({ name: c.name, attached: true }));
  if (policy.archive) for (const name of await detachedLeftovers(db, policy)) expired.push({ name, attached: false });
  for (const { name, attached } of expired) {
    const range = parsePartitionName(policy.table, policy.interval, name);
    if (!range || range.end.getTime() > cutoff.getTime()) continue;
    await retire(db, policy, { name, ...range }, attached);
    run.dropped.push(name);
  }
  // Rows past retention in DEFAULT are deleted, except for a table whose history is archived:
  // they are left for a person to look at (the run's log names how many).
  if (defaultName && policy.archive) {
    const res = await db.raw('SELECT count(*)::int AS n FROM ?? WHERE ?? < ?', [defaultName, policy.column, cutoff]);
    if (res.rows[0].n) log?.warn({ table: defaultName, rows: res.rows[0].n, before: cutoff }, 'rows past retention in the default partition: not archived, left in place');
  } else if (defaultName) {
    const res = await db.raw('DELETE FROM ?? WHERE ?? < ?', [defaultName, policy.column, cutoff]);
    run.expiredFromDefault = res.rowCount ?? 0;
  }
  return logged(run, policy, log);
}

function logged(run: PartitionRun, policy: PartitionPolicy, log?: Logger): PartitionRun {
  if (run.created.length || run.dropped.length) log?.info({ table: policy.table, ...run }, 'partitions maintained');
  return run;
}
