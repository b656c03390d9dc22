/**
 * Session history by month (issue 13, item 3; ARCHITECTURE.md, "Accounting partitions") against
 * the real PostgreSQL, through the accounting writer the radius role uses:
 * - rollover at a month boundary with sessions open across it: one history row in the month of
 *   its Stop (UTC months), the open ones in the open partition, counters and per-day usage (ISP
 *   time zone, Asia/Jakarta) exact, retransmits and late Interims after the Stop harmless;
 * - a month past ACCOUNTING_RETENTION_MONTHS is archived to a gzip file whose rows are the
 *   partition's rows, listed in accounting_archives, and dropped;
 * - a late record for a session of an archived month is not stored as a new row (a dead letter
 *   `archived_month`), while live sessions, even ones that started in that month, go on.
 * Times are fixed in 2031 so the test does not depend on today's date.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { Registry } from 'prom-client';
import { maintainAccountingPartitions } from '../../aaa/accounting/accounting-partitions.js';
import { sessionKey, type SessionRecord } from '../../aaa/accounting/accounting-record.js';
import { createAccountingWriter, type AccountingWriter } from '../../aaa/accounting/accounting-writer.js';
import { createRadiusMetrics } from '../../aaa/metrics/radius-metrics.js';
import { createLogger } from '../../lib/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createNas, createSubscription } from '../helpers/factories.js';
import { sessionRecord } from '../helpers/session-records.js';

const NAS_IP = '127.0.0.9';
let t: TestDatabase;
let writer: AccountingWriter;
let archiveDir: string;
let nasId: number;
let sub: { id: number; username: string };
const log = createLogger('silent');

before(async () => {
  t = await createTestDatabase();
  archiveDir = await mkdtemp(join(tmpdir(), 'acct-archive-'));
  nasId = (await createNas(t.db, { ipAddress: NAS_IP })).id;
  sub = await createSubscription(t.db);
  writer = createAccountingWriter({ db: t.db, log, metrics: createRadiusMetrics(new Registry()) });
  // The worker's job as it would run in mid-January 2031: January and two months ahead.
  await maintainAccountingPartitions(t.db, new Date('2031-01-15T00:00:00Z'), { retentionMonths: 1, archiveDir, log });
});
after(async () => {
  await writer?.close();
  await t?.drop();
  await rm(archiveDir, { recursive: true, force: true });
});

const at = (iso: string): number => new Date(iso).getTime();
const START = at('2031-01-31T16:50:00Z'); // 23:50 on 31 January in Jakarta

/** A record as the radius role makes it from an Accounting-Request (accounting-record.ts). */
function record(id: string, kind: SessionRecord['kind'], eventIso: string, input: number, output: number): SessionRecord {
  return sessionRecord({
    sub, nasId, nasIp: NAS_IP, id, kind, eventTime: at(eventIso), sessionStart: START, input, output,
    callingStationId: 'AA:BB:CC:00:00:01', framedIpAddress: '100.64.1.2',
  });
}

interface Stored { partition: string; stop_time: Date | null; input_octets: string; output_octets: string; terminate_cause: string | null }
const rowsOf = async (id: string): Promise<Stored[]> =>
  (await t.db.raw(`SELECT tableoid::regclass::text AS partition, stop_time, input_octets::text, output_octets::text, terminate_cause
                     FROM accounting_sessions WHERE acct_session_id = ?`, [id])).rows;
const usage = async (): Promise<Record<string, [number, number]>> => Object.fromEntries(
  (await t.db.raw(`SELECT to_char(day, 'YYYY-MM-DD') AS day, input_octets, output_octets FROM usage_daily WHERE subscription_id = ? ORDER BY day`, [sub.id]))
    .rows.map((r: { day: string; input_octets: string; output_octets: string }) => [r.day, [Number(r.input_octets), Number(r.output_octets)]]));

describe('month rollover with sessions open across it', () => {
  test('the Stop moves the one row into the month it stopped in; counters and daily usage stay exact', async () => {
    await writer.submit(record('roll-1', 'start', '2031-01-31T16:50:00Z', 0, 0));
    await writer.submit(record('open-1', 'start', '2031-01-31T16:50:00Z', 0, 0));
    assert.deepEqual((await rowsOf('roll-1')).map((r) => r.partition), ['accounting_sessions_open']);

    await writer.submit(record('roll-1', 'interim', '2031-01-31T16:55:00Z', 100, 200)); // 23:55 WIB, 31 Jan
    await writer.submit(record('roll-1', 'interim', '2031-01-31T17:10:00Z', 1_000, 2_000)); // 00:10 WIB, 1 Feb
    await writer.submit(record('open-1', 'interim', '2031-02-01T00:05:00Z', 7, 9)); // past midnight UTC
    await writer.submit(record('roll-1', 'interim', '2031-02-01T00:05:00Z', 5_000, 9_000));
    await writer.submit(record('roll-1', 'stop', '2031-02-01T00:30:00Z', 6_000, 10_000));

    const [row, ...more] = await rowsOf('roll-1');
    assert.equal(more.length, 0, 'exactly one history row');
    assert.equal(row!.partition, 'accounting_sessions_p203102', 'in the partition of its stop month');
    assert.deepEqual([row!.input_octets, row!.output_octets, row!.terminate_cause], ['6000', '10000', 'User-Request']);
    assert.deepEqual((await rowsOf('open-1')).map((r) => [r.partition, r.stop_time]), [['accounting_sessions_open', null]],
      'the session still online stays in the open partition');
    // usage_daily is per local day (Asia/Jakarta): growth of the cumulative counters, never their sum.
    assert.deepEqual(await usage(), { '2031-01-31': [100, 200], '2031-02-01': [5_907, 9_809] });
  });

  test('a retransmitted Stop, a late Interim and a late Start after the Stop add no row and roll nothing back', async () => {
    const usageBefore = await usage();
    assert.equal(await writer.submit(record('roll-1', 'stop', '2031-02-01T00:30:02Z', 6_000, 10_000)), 'stored');
    assert.equal(await writer.submit(record('roll-1', 'interim', '2031-02-01T00:20:00Z', 5_500, 9_500)), 'stored');
    assert.equal(await writer.submit(record('roll-1', 'start', '2031-01-31T16:50:00Z', 0, 0)), 'stored');
    const rows = await rowsOf('roll-1');
    assert.deepEqual(rows.map((r) => [r.partition, r.input_octets, r.output_octets, r.stop_time?.toISOString()]),
      [['accounting_sessions_p203102', '6000', '10000', '2031-02-01T00:30:00.000Z']]);
    assert.deepEqual(await usage(), usageBefore);
  });

  test('month boundaries are UTC: 03:00 on the 1st in Jakarta is still the previous month', async () => {
    await writer.submit(record('utc-1', 'stop', '2031-01-31T20:00:00Z', 10, 10));
    assert.deepEqual((await rowsOf('utc-1')).map((r) => r.partition), ['accounting_sessions_p203101']);
  });
});

describe('retention: archive, then drop', () => {
  let archivedKeys: string[];

  test('a month past retention is written to a gzip file with all its rows, listed, and dropped', async () => {
    const inJanuary = (await t.db.raw(`SELECT session_key::text, input_octets::text FROM accounting_sessions_p203101 ORDER BY 1`)).rows;
    const inFebruary = (await t.db.raw(`SELECT session_key::text, input_octets::text FROM accounting_sessions_p203102 ORDER BY 1`)).rows;
    assert.ok(inJanuary.length && inFebruary.length);
    archivedKeys = inFebruary.map((r: { session_key: string }) => r.session_key);

    // April: keep April and March (retention 1 month); January and February go.
    const run = await maintainAccountingPartitions(t.db, new Date('2031-04-10T03:20:00Z'), { retentionMonths: 1, archiveDir, log });
    // (The months the migration created for today's date are older than 2031 and go too.)
    assert.deepEqual(run.dropped.filter((n) => n.includes('_p2031')).sort(), ['accounting_sessions_p203101', 'accounting_sessions_p203102']);
    assert.ok(run.created.includes('accounting_sessions_p203106'), 'two months ahead of April');

    assert.deepEqual((await readdir(archiveDir)).filter((f) => f.includes('_p2031')).sort(), ['accounting_sessions_p203101.csv.gz', 'accounting_sessions_p203102.csv.gz']);
    assert.ok((await readdir(archiveDir)).every((f) => f.endsWith('.csv.gz')), 'no .part file left');
    for (const [name, expected] of [['accounting_sessions_p203101', inJanuary], ['accounting_sessions_p203102', inFebruary]] as const) {
      const csv: Array<Record<string, string>> = parse(gunzipSync(await readFile(join(archiveDir, `${name}.csv.gz`))), { columns: true });
      assert.deepEqual(csv.map((r) => ({ session_key: r.session_key, input_octets: r.input_octets })).sort((a, b) => (a.session_key! < b.session_key! ? -1 : 1)), expected);
      assert.ok(csv.every((r) => r.stop_time && r.username === sub.username), 'whole rows, with a header');
      const listed = await t.db('accounting_archives').where({ partition: name }).first();
      assert.equal(Number(listed.rows), expected.length);
      assert.equal(listed.file, `${name}.csv.gz`);
    }
    const left = (await t.db.raw(`SELECT relname FROM pg_class WHERE relname IN ('accounting_sessions_p203101', 'accounting_sessions_p203102')`)).rows;
    assert.deepEqual(left, [], 'dropped, not only detached');
    assert.deepEqual((await rowsOf('open-1')).map((r) => r.partition), ['accounting_sessions_open'], 'open sessions are never archived');

    const again = await maintainAccountingPartitions(t.db, new Date('2031-04-10T03:25:00Z'), { retentionMonths: 1, archiveDir, log });
    assert.deepEqual([again.created, again.dropped], [[], []], 'idempotent');
  });

  test('a late record for a session of an archived month is a dead letter, not a new partial row; live sessions go on', async () => {
    const usageBefore = await usage();
    // A February Stop replayed in April (its Acct-Delay-Time puts the event in February).
    assert.equal(await writer.submit(record('roll-1', 'interim', '2031-02-01T00:25:00Z', 5_800, 9_900)), 'dead_letter');
    assert.deepEqual(await rowsOf('roll-1'), [], 'the archived session is not resurrected');
    assert.ok(archivedKeys.includes(sessionKey(sub.username, 'roll-1', NAS_IP, 'ether2')));
    const letter = await t.db('accounting_dead_letters').orderBy('id', 'desc').first();
    assert.equal(letter.reason, 'archived_month');
    assert.equal(letter.record.acctSessionId, 'roll-1');
    assert.deepEqual(await usage(), usageBefore, 'no usage counted twice');

    // The session open since January still reports, and a new one starts, in April.
    assert.equal(await writer.submit(record('open-1', 'interim', '2031-04-10T04:00:00Z', 70, 90)), 'stored');
    assert.equal(await writer.submit(record('new-1', 'start', '2031-04-10T04:00:00Z', 0, 0)), 'stored');
    assert.deepEqual((await rowsOf('open-1')).map((r) => [r.partition, r.input_octets]), [['accounting_sessions_open', '70']]);
    assert.equal((await rowsOf('new-1')).length, 1);
  });
});
