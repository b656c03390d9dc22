/**
 * History that stays small (issue 12, item 4): raw samples roll up into 5-minute and hourly
 * buckets (min, mean, max, count), re-running a rollup changes nothing and picks up late samples,
 * graphs read the table that fits the range, and retention drops the raw day partitions while the
 * rollups stay.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { maintainSamplePartitions } from '../../network/history/maintain-partitions.js';
import { readSeries, resolutionFor } from '../../network/history/read-series.js';
import { recordSamples } from '../../network/history/record-samples.js';
import { rollupSamples } from '../../network/history/rollup.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const NOW = new Date('2026-12-07T10:12:00Z');
const at = (iso: string): Date => new Date(`2026-12-07T${iso}Z`);
let t: TestDatabase;
let device: number;

before(async () => {
  t = await createTestDatabase();
  device = Number((await t.db('devices').insert({ kind: 'router', name: 'Core', address: '127.0.0.1' }).returning('id'))[0].id);
  await maintainSamplePartitions(t.db, NOW);
});
after(async () => { await t?.drop(); });

const rows = async (table: string) =>
  (await t.db(table).orderBy(['metric', 'bucket']).select('metric', 'bucket', 'min', 'avg', 'max', 'samples'))
    .map((r) => ({ ...r, bucket: (r.bucket as Date).toISOString().slice(11, 16) }));

test('raw → 5 min → 1 h, idempotent when re-run, late samples picked up', async () => {
  assert.equal(await recordSamples(t.db, [
    { deviceId: device, metric: 'rtt_ms', at: at('10:00:10'), value: 2 },
    { deviceId: device, metric: 'rtt_ms', at: at('10:01:10'), value: 4 },
    { deviceId: device, metric: 'rtt_ms', at: at('10:04:59'), value: 9 },
    { deviceId: device, metric: 'rtt_ms', at: at('10:05:00'), value: 1 },
    { deviceId: device, metric: 'up', at: at('10:00:10'), value: 1 },
    { deviceId: device, metric: 'up', at: at('10:01:10'), value: NaN }, // skipped: nothing to draw
  ]), 5);
  const fiveMinute = [
    { metric: 'rtt_ms', bucket: '10:00', min: 2, avg: 5, max: 9, samples: 3 },
    { metric: 'rtt_ms', bucket: '10:05', min: 1, avg: 1, max: 1, samples: 1 },
    { metric: 'up', bucket: '10:00', min: 1, avg: 1, max: 1, samples: 1 },
  ];
  const hourly = [
    { metric: 'rtt_ms', bucket: '10:00', min: 1, avg: 4, max: 9, samples: 4 },
    { metric: 'up', bucket: '10:00', min: 1, avg: 1, max: 1, samples: 1 },
  ];
  await rollupSamples(t.db, NOW);
  assert.deepEqual(await rows('device_samples_5m'), fiveMinute);
  assert.deepEqual(await rows('device_samples_1h'), hourly);
  await rollupSamples(t.db, NOW);
  assert.deepEqual(await rows('device_samples_5m'), fiveMinute, 'a second run over the same buckets changes nothing');
  assert.deepEqual(await rows('device_samples_1h'), hourly);

  await recordSamples(t.db, [{ deviceId: device, metric: 'rtt_ms', at: at('10:06:00'), value: 5 }]);
  await rollupSamples(t.db, new Date(NOW.getTime() + 5 * 60_000));
  assert.deepEqual((await rows('device_samples_5m'))[1], { metric: 'rtt_ms', bucket: '10:05', min: 1, avg: 3, max: 5, samples: 2 });
  assert.deepEqual((await rows('device_samples_1h'))[0], { metric: 'rtt_ms', bucket: '10:00', min: 1, avg: 4.2, max: 9, samples: 5 });
});

test('graphs read raw up to 2 days, 5-minute rollups up to 30 days, hourly beyond', async () => {
  const day = 86_400_000;
  const ago = (ms: number) => new Date(NOW.getTime() - ms);
  assert.equal(resolutionFor(ago(6 * 3_600_000), NOW), 'raw');
  assert.equal(resolutionFor(ago(2 * day), NOW), 'raw');
  assert.equal(resolutionFor(ago(30 * day), NOW), '5m');
  assert.equal(resolutionFor(ago(365 * day), NOW), '1h');

  const raw = await readSeries(t.db, { deviceId: device, metrics: ['rtt_ms', 'loss_pct'], from: ago(6 * 3_600_000), to: NOW });
  assert.equal(raw.resolution, 'raw');
  assert.deepEqual(raw.series.rtt_ms?.map((p) => p.v), [2, 4, 9, 1, 5]);
  assert.deepEqual(raw.series.loss_pct, []);
  const month = await readSeries(t.db, { deviceId: device, metrics: ['rtt_ms'], from: ago(30 * day), to: NOW });
  assert.deepEqual(month.series.rtt_ms, [{ t: at('10:00:00').getTime(), v: 5, min: 2, max: 9 }, { t: at('10:05:00').getTime(), v: 3, min: 1, max: 5 }]);
  const year = await readSeries(t.db, { deviceId: device, metrics: ['rtt_ms'], from: ago(365 * day), to: NOW });
  assert.deepEqual(year.series.rtt_ms?.map((p) => [p.v, p.min, p.max]), [[4.2, 1, 9]]);
});

test('retention: three days on, the raw day partition is dropped; the rollups stay', async () => {
  const run = await maintainSamplePartitions(t.db, new Date(NOW.getTime() + 3 * 86_400_000));
  assert.deepEqual(run.device_samples?.dropped, ['device_samples_p20261207']);
  assert.deepEqual(run.device_samples_5m?.dropped, []);
  assert.equal(Number((await t.db('device_samples').count('* as n'))[0]?.n), 0);
  assert.equal((await rows('device_samples_5m')).length, 3);
  assert.equal((await rows('device_samples_1h')).length, 2);
});
