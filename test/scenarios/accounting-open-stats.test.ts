/**
 * The open partition filling fast from empty (a new installation; the reconnect storm after a
 * NAS rebooted and every session closed): the accounting writer keeps PostgreSQL's statistics of
 * `accounting_sessions_open` current (aaa/accounting/open-partition-stats.ts), so the session
 * upsert keeps finding its rows by index instead of scanning the whole partition for every batch
 * until autovacuum's next ANALYZE. Autovacuum is switched off for the partition here, so what the
 * test sees is the writer's doing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type { SessionRecord } from '../../aaa/accounting/accounting-record.js';
import { UPSERT } from '../../aaa/accounting/accounting-statements.js';
import { createAccountingWriter } from '../../aaa/accounting/accounting-writer.js';
import { positional } from '../../lib/prepared-query.js';
import { createRadiusMetrics } from '../../aaa/metrics/radius-metrics.js';
import { createLogger } from '../../lib/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createNas, createSubscription } from '../helpers/factories.js';
import { sessionRecord } from '../helpers/session-records.js';

const NAS_IP = '127.0.0.12';
let t: TestDatabase;
let nasId: number;
let sub: { id: number; username: string };

before(async () => {
  t = await createTestDatabase();
  nasId = (await createNas(t.db, { ipAddress: NAS_IP })).id;
  sub = await createSubscription(t.db);
  await t.db.raw('ALTER TABLE accounting_sessions_open SET (autovacuum_enabled = false)');
  await t.db.raw('ANALYZE accounting_sessions_open'); // PostgreSQL now believes it empty
});
after(async () => {
  await t?.drop();
});

function start(i: number): SessionRecord {
  const now = Date.now();
  return sessionRecord({
    sub, nasId, nasIp: NAS_IP, id: `storm-${i}`, kind: 'start', eventTime: now, sessionStart: now, input: 0, output: 0, packets: 0,
    nasPort: `ether${i}`, callingStationId: 'AA:BB:CC:00:00:03', framedIpAddress: null,
  });
}

/** How the prepared upsert's generic plan (the one cached per connection) reads the open partition. */
async function openPartitionAccess(): Promise<string> {
  const { rows } = await t.db.raw<{ rows: Array<{ 'QUERY PLAN': string }> }>(`EXPLAIN (GENERIC_PLAN) ${positional(UPSERT)}`);
  const lines = rows.map((r) => r['QUERY PLAN']);
  const i = lines.findIndex((l) => /Scan.* on accounting_sessions_open s_1\b/.test(l));
  return lines[i]!.trim();
}

test('2,000 Starts into an empty open partition: its statistics follow, and the upsert looks sessions up by index', async () => {
  assert.match(await openPartitionAccess(), /Seq Scan/, 'the planner believes the empty partition: a scan costs nothing');
  const writer = createAccountingWriter({ db: t.db, log: createLogger('silent'), metrics: createRadiusMetrics(new Registry()) });
  const results = await Promise.all(Array.from({ length: 2000 }, (_, i) => writer.submit(start(i))));
  await writer.close(); // also waits for a running ANALYZE
  assert.ok(results.every((r) => r === 'stored'));

  const { rows: [stats] } = await t.db.raw(`SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = 'accounting_sessions_open'::regclass`);
  assert.ok(stats.reltuples >= 1000, `PostgreSQL's count of the open partition followed the inserts (${stats.reltuples})`);
  assert.match(await openPartitionAccess(), /Index Scan using accounting_sessions_open_key|Bitmap Heap Scan/,
    'the batch finds its sessions through the session-key index');
});
