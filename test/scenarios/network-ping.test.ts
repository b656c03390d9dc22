/**
 * Ping rounds against the real network stack (issue 12, item 2): fping from the PATH probes two
 * devices, 127.0.0.1 (answers) and 203.0.113.1 (TEST-NET-3, RFC 5737: nobody answers). After three
 * rounds a minute apart the silent one is down since the third round (flap damping), the other up
 * since the first; device_state and the samples (rtt_ms, loss_pct, up) are written. The
 * `network` queue runs a ping round queued by name, and a missing fping is a clear error.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { QUEUES } from '../../lib/queue.js';
import { NETWORK_JOB_NAMES } from '../../network/jobs.js';
import { pingRound, runPingRound } from '../../network/ping/ping-round.js';
import { DEFAULT_FPING, FpingMissingError } from '../../network/ping/run-fping.js';
import { startNetworkJobs } from '../../server/network-jobs.js';
import { createTestContainer, type TestContainer } from '../helpers/container.js';

const T0 = new Date('2026-12-07T10:00:00Z');
const clock = settableClock(T0);
let c: TestContainer;
let up: number;
let silent: number;

before(async () => {
  c = await createTestContainer({ clock });
  [up, silent] = (await c.db('devices').insert([
    { kind: 'router', name: 'Core router', address: '127.0.0.1' },
    { kind: 'olt', name: 'OLT Cibubur', address: '203.0.113.1' },
  ]).returning('id')).map((r: { id: string }) => Number(r.id)) as [number, number];
  // Neither probed: no address, or ping turned off.
  await c.db('devices').insert([{ kind: 'odp', name: 'ODP 1' }, { kind: 'switch', name: 'Quiet switch', address: '127.0.0.2', probe_ping: false }]);
});
after(async () => { await c?.dispose(); });

const state = async (id: number) => c.db('device_state').where({ device_id: id }).first();

test('three rounds: the silent device goes down at the third, the loopback one is up since the first; samples written', async () => {
  const r1 = await pingRound(c);
  assert.equal(r1.targets, 2);
  assert.deepEqual(r1.changes, [{ deviceId: up, from: 'unknown', to: 'up', at: T0 }]);
  clock.advance(60_000);
  const r2 = await pingRound(c);
  assert.deepEqual(r2.changes, []);
  assert.equal((await state(silent)).state, 'unknown', 'two missed rounds are not enough');
  clock.advance(60_000);
  const r3 = await pingRound(c);
  const third = new Date(T0.getTime() + 120_000);
  assert.deepEqual(r3.changes, [{ deviceId: silent, from: 'unknown', to: 'down', at: third }]);

  const s = await state(silent);
  assert.equal(s.state, 'down');
  assert.equal(s.since.toISOString(), third.toISOString());
  assert.equal(s.consecutive_misses, 3);
  assert.equal(s.last_up_at, null);
  assert.equal(s.loss_pct, 100);
  const u = await state(up);
  assert.equal(u.state, 'up');
  assert.equal(u.since.toISOString(), T0.toISOString());
  assert.equal(u.last_up_at.toISOString(), third.toISOString());
  assert.equal(u.loss_pct, 0);
  assert.ok(u.rtt_ms > 0 && u.rtt_ms < DEFAULT_FPING.timeoutMs);

  const samples = await c.db('device_samples').select('device_id', 'metric').count('* as n').groupBy('device_id', 'metric').orderBy(['device_id', 'metric']);
  assert.deepEqual(samples.map((r) => [Number(r.device_id), r.metric, Number(r.n)]), [
    [up, 'loss_pct', 3], [up, 'rtt_ms', 3], [up, 'up', 3],
    [silent, 'loss_pct', 3], [silent, 'up', 3],
  ]);
  assert.deepEqual((await c.db('device_samples').where({ device_id: silent, metric: 'up' }).pluck('value')), [0, 0, 0]);
});

test('the network queue runs a ping round queued by name', async () => {
  const role = await startNetworkJobs(c, { schedule: false });
  try {
    clock.advance(60_000);
    const job = await c.queues.queue(QUEUES.network).add(NETWORK_JOB_NAMES.pingRound, {});
    for (let i = 0; i < 100 && !['completed', 'failed'].includes(await job.getState()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await job.getState(), 'completed');
    assert.equal((await state(up)).last_probe_at.toISOString(), clock.now().toISOString());
  } finally {
    await role.stop();
  }
});

test('the scheduled round hands its changes to the alerts: a device down raises one alert, a new device answering none', async () => {
  const [fresh, dead] = (await c.db('devices').insert([
    { kind: 'access_point', name: 'AP Fresh', address: '127.0.0.3' },
    { kind: 'switch', name: 'Switch Dead', address: '203.0.113.2' },
  ]).returning('id')).map((r: { id: string }) => Number(r.id)) as [number, number];
  for (let i = 0; i < 3; i++) {
    clock.advance(60_000);
    await runPingRound(c);
  }
  assert.equal((await state(fresh)).state, 'up');
  assert.equal((await state(dead)).state, 'down');
  const alerts = await c.db('staff_alerts').whereIn('kind', ['device_down', 'device_up']).select('kind', 'message');
  assert.deepEqual(alerts.map((a) => a.kind), ['device_down']);
  assert.match(alerts[0]?.message ?? '', /Switch Dead/);
});

test('without fping: a clear error naming the package, and the scheduled round is skipped', async () => {
  const fping = { ...DEFAULT_FPING, command: 'fping-not-installed' };
  await assert.rejects(pingRound(c, { fping }), (err: Error) => err instanceof FpingMissingError && /apt-get install fping/.test(err.message));
  assert.match(String((await runPingRound(c, { fping }) as { skipped: string }).skipped), /not installed/);
});
