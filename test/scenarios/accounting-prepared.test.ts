/**
 * The accounting writer's group commit runs the session upsert as a prepared statement
 * (lib/prepared-query.ts): PostgreSQL parses and plans it once per connection, not once
 * per batch (issue 13, item 2: accounting throughput). Against the real PostgreSQL, on a pool of
 * one connection so the test can read that connection's pg_prepared_statements; and a partition
 * created after the statement was prepared (the worker's monthly upkeep) is used by it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { maintainAccountingPartitions } from '../../aaa/accounting/accounting-partitions.js';
import type { SessionRecord } from '../../aaa/accounting/accounting-record.js';
import { createAccountingWriter, type AccountingWriter } from '../../aaa/accounting/accounting-writer.js';
import { createRadiusMetrics } from '../../aaa/metrics/radius-metrics.js';
import { createDb, type Knex } from '../../lib/db.js';
import { createLogger } from '../../lib/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createNas, createSubscription } from '../helpers/factories.js';
import { sessionRecord } from '../helpers/session-records.js';

const NAS_IP = '127.0.0.11';
const log = createLogger('silent');
let t: TestDatabase;
let one: Knex;
let writer: AccountingWriter;
let archiveDir: string;
let nasId: number;
let sub: { id: number; username: string };

before(async () => {
  t = await createTestDatabase();
  archiveDir = await mkdtemp(join(tmpdir(), 'acct-prepared-'));
  nasId = (await createNas(t.db, { ipAddress: NAS_IP })).id;
  sub = await createSubscription(t.db);
  one = createDb({ url: t.url, poolMax: 1, applicationName: 'test prepared' });
  writer = createAccountingWriter({ db: one, log, metrics: createRadiusMetrics(new Registry()) });
  await maintainAccountingPartitions(t.db, new Date('2031-01-15T00:00:00Z'), { retentionMonths: 12, archiveDir, log });
});
after(async () => {
  await writer?.close();
  await one?.destroy();
  await t?.drop();
  await rm(archiveDir, { recursive: true, force: true });
});

const at = (iso: string): number => new Date(iso).getTime();
const START = at('2031-01-20T10:00:00Z');

function record(id: string, kind: SessionRecord['kind'], eventIso: string, input: number): SessionRecord {
  return sessionRecord({
    sub, nasId, nasIp: NAS_IP, id, kind, eventTime: at(eventIso), sessionStart: START, input, output: input * 2,
    callingStationId: 'AA:BB:CC:00:00:02', framedIpAddress: '100.64.1.3',
  });
}

test('eight group commits are one prepared upsert executed eight times on the connection, each result stored', async () => {
  assert.equal(await writer.submit(record('p-1', 'start', '2031-01-20T10:00:00Z', 0)), 'stored');
  for (let i = 1; i < 8; i++) {
    assert.equal(await writer.submit(record('p-1', 'interim', `2031-01-20T10:0${i}:00Z`, i * 1000)), 'stored');
  }
  const { rows } = await one.raw(`SELECT name, generic_plans + custom_plans AS executions FROM pg_prepared_statements WHERE NOT from_sql`);
  assert.deepEqual(rows.map((r: { name: string; executions: string }) => [r.name, Number(r.executions)]), [['accounting_upsert', 8]],
    'parsed once, executed once per batch');
  const stored = await t.db('accounting_sessions').where({ acct_session_id: 'p-1' }).first();
  assert.equal(String(stored.input_octets), '7000');
});

test('a month partition created after the statement was prepared takes the Stop that falls in it', async () => {
  await maintainAccountingPartitions(t.db, new Date('2031-04-10T00:00:00Z'), { retentionMonths: 12, archiveDir, log });
  assert.equal(await writer.submit(record('p-1', 'stop', '2031-05-02T00:00:00Z', 9000)), 'stored');
  const { rows } = await t.db.raw(`SELECT tableoid::regclass::text AS partition, input_octets::text FROM accounting_sessions WHERE acct_session_id = 'p-1'`);
  assert.deepEqual(rows, [{ partition: 'accounting_sessions_p203105', input_octets: '9000' }]);
});
