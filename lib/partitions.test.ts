/**
 * Time partitions against the real PostgreSQL: created ahead, dropped past retention, rows that
 * fell into the DEFAULT partition moved into the partition created for their range, idempotent.
 * Table-agnostic: a table of its own (not the sample tables), partitioned by day and by month.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { maintainPartitions, parsePartitionName, partitionName } from './partitions.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database.js';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
  await t.db.raw(`
    CREATE TABLE events_by_day (id int NOT NULL, at timestamptz NOT NULL, note text NOT NULL DEFAULT 'x') PARTITION BY RANGE (at);
    CREATE TABLE events_by_day_default PARTITION OF events_by_day DEFAULT;
    CREATE INDEX events_by_day_at ON events_by_day (at);
    CREATE TABLE events_by_month (id int NOT NULL, bucket timestamptz NOT NULL, PRIMARY KEY (id, bucket)) PARTITION BY RANGE (bucket);
  `);
});
after(async () => { await t?.drop(); });

const partitionsOf = async (table: string): Promise<string[]> =>
  (await t.db.raw(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = ?::regclass ORDER BY 1`, [table]))
    .rows.map((r: { relname: string }) => r.relname);

const tableOf = async (table: string, id: number): Promise<string> =>
  (await t.db.raw(`SELECT tableoid::regclass::text AS t FROM ${table} WHERE id = ?`, [id])).rows[0].t;

test('names and ranges: day and month partitions in UTC', () => {
  assert.equal(partitionName('device_samples', 'day', new Date('2026-12-07T00:00:00Z')), 'device_samples_p20261207');
  assert.equal(partitionName('device_samples_1h', 'month', new Date('2026-12-01T00:00:00Z')), 'device_samples_1h_p202612');
  assert.deepEqual(parsePartitionName('device_samples_1h', 'month', 'device_samples_1h_p202612'),
    { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') });
  assert.equal(parsePartitionName('device_samples', 'day', 'device_samples_default'), null);
  assert.equal(parsePartitionName('device_samples', 'day', 'device_samples_5m_p202612'), null, 'another table sharing the prefix is not ours');
});

test('day partitions: created ahead, rows in DEFAULT moved into their new partition, old ones dropped, idempotent', async () => {
  const policy = { table: 'events_by_day', column: 'at', interval: 'day' as const, ahead: 2, keepDays: 2 };
  // Rows written before any partition existed: today's (to be moved), and one a week old (past retention).
  await t.db('events_by_day').insert([
    { id: 1, at: new Date('2026-12-07T10:00:00Z') },
    { id: 2, at: new Date('2026-12-07T23:59:59Z') },
    { id: 3, at: new Date('2026-11-30T10:00:00Z') },
  ]);
  const first = await maintainPartitions(t.db, policy, new Date('2026-12-07T12:00:00Z'));
  assert.deepEqual(first.created, ['events_by_day_p20261207', 'events_by_day_p20261208', 'events_by_day_p20261209']);
  assert.equal(first.moved, 2);
  assert.equal(first.expiredFromDefault, 1, 'the week-old row in DEFAULT is past retention');
  assert.equal(await tableOf('events_by_day', 1), 'events_by_day_p20261207');
  assert.equal(await tableOf('events_by_day', 2), 'events_by_day_p20261207');
  assert.equal(Number((await t.db('events_by_day').count('* as n'))[0]?.n), 2);
  // The parent's index reaches the attached partition; new rows are routed to it.
  await t.db('events_by_day').insert({ id: 4, at: new Date('2026-12-08T01:00:00Z') });
  assert.equal(await tableOf('events_by_day', 4), 'events_by_day_p20261208');

  const again = await maintainPartitions(t.db, policy, new Date('2026-12-07T12:00:00Z'));
  assert.deepEqual(again, { created: [], dropped: [], moved: 0, expiredFromDefault: 0 });

  // Four days on: 7 and 8 December ended more than two days ago and go, with their rows.
  const later = await maintainPartitions(t.db, policy, new Date('2026-12-11T00:30:00Z'));
  assert.deepEqual(later.dropped, ['events_by_day_p20261207', 'events_by_day_p20261208']);
  assert.deepEqual(later.created, ['events_by_day_p20261211', 'events_by_day_p20261212', 'events_by_day_p20261213']);
  assert.deepEqual(await partitionsOf('events_by_day'), [
    'events_by_day_default', 'events_by_day_p20261209', 'events_by_day_p20261211', 'events_by_day_p20261212', 'events_by_day_p20261213',
  ]);
  assert.equal(Number((await t.db('events_by_day').count('* as n'))[0]?.n), 0);
});

test('month partitions of a table without DEFAULT, with a primary key; a year kept', async () => {
  const policy = { table: 'events_by_month', column: 'bucket', interval: 'month' as const, ahead: 1, keepDays: 365 };
  const run = await maintainPartitions(t.db, policy, new Date('2026-12-31T23:00:00Z'));
  assert.deepEqual(run.created, ['events_by_month_p202612', 'events_by_month_p202701']);
  await t.db('events_by_month').insert({ id: 1, bucket: new Date('2027-01-01T00:00:00Z') });
  assert.equal(await tableOf('events_by_month', 1), 'events_by_month_p202701');
  await assert.rejects(t.db('events_by_month').insert({ id: 1, bucket: new Date('2027-01-01T00:00:00Z') }), /duplicate key/);
  const nextYear = await maintainPartitions(t.db, policy, new Date('2028-01-02T00:00:00Z'));
  assert.deepEqual(nextYear.dropped, ['events_by_month_p202612'], 'December 2026 ended more than 365 days before; January 2027 did not');
});

test('archive: months past keepIntervals are detached, archived, then dropped; a failed archive is retried from the detached table', async () => {
  await t.db.raw(`CREATE TABLE events_archived (id int NOT NULL, at timestamptz) PARTITION BY RANGE (at);
                  CREATE TABLE events_archived_default PARTITION OF events_archived DEFAULT;`);
  const seen: Array<{ name: string; start: string; attached: boolean; rows: number }> = [];
  let fail = true;
  const policy = {
    table: 'events_archived', column: 'at', interval: 'month' as const, ahead: 0, keepDays: 0, keepIntervals: 1, lockTimeoutMs: 2000,
    archive: async (p: { name: string; start: Date }) => {
      const attached = (await partitionsOf('events_archived')).includes(p.name);
      seen.push({ name: p.name, start: p.start.toISOString(), attached, rows: Number((await t.db(p.name).count('* as n'))[0]?.n) });
      if (fail) throw new Error('disk full');
    },
  };
  await maintainPartitions(t.db, policy, new Date('2027-01-15T00:00:00Z'));
  await t.db('events_archived').insert([{ id: 1, at: new Date('2027-01-20T00:00:00Z') }, { id: 2, at: null }]);
  // March: keep March and February; January is past retention. The archive fails the first time.
  await assert.rejects(maintainPartitions(t.db, policy, new Date('2027-03-02T00:00:00Z')), /disk full/);
  assert.deepEqual(seen, [{ name: 'events_archived_p202701', start: '2027-01-01T00:00:00.000Z', attached: false, rows: 1 }], 'detached before archiving');
  assert.ok(!(await partitionsOf('events_archived')).includes('events_archived_p202701'));
  fail = false;
  const retried = await maintainPartitions(t.db, policy, new Date('2027-03-02T01:00:00Z'));
  assert.deepEqual(retried.dropped, ['events_archived_p202701'], 'the detached month is archived and dropped on the next run');
  assert.equal(seen.length, 2);
  assert.equal((await t.db.raw(`SELECT to_regclass('events_archived_p202701') AS r`)).rows[0].r, null);
  assert.equal(Number((await t.db('events_archived').count('* as n'))[0]?.n), 1, 'the NULL row in DEFAULT stays');
  const never = await maintainPartitions(t.db, { ...policy, keepIntervals: 0 }, new Date('2030-01-01T00:00:00Z'));
  assert.deepEqual(never.dropped, [], 'keepIntervals 0 keeps everything');
});

test('a table name that is not a plain identifier is refused', async () => {
  await assert.rejects(maintainPartitions(t.db, { table: 'x; DROP TABLE y', column: 'at', interval: 'day', ahead: 0, keepDays: 1 }, new Date()), /not a plain identifier/);
});
