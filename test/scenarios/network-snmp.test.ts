/**
 * SNMP polling (issue 12, item 3) against real SNMP agents over UDP: net-snmp's Agent serving
 * IF-MIB values the test controls (network/snmp/simulated-agent.ts), and Debian's snmpd for a
 * smoke test. Checked: interfaces upserted from ifTable/ifXTable, rates from 64-bit counters,
 * the 32-bit fallback across a wrap, a reboot's sample skipped, CPU/memory from
 * HOST-RESOURCES-MIB, an SNMPv3 authPriv poll, EPON optical levels, and interface down/up
 * handed to the alerts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { runSnmpPoll } from '../../network/snmp/poll-round.js';
import { startSimulatedAgent, type SimulatedAgent } from '../../network/snmp/simulated-agent.js';
import type { SnmpInterfaceChange } from '../../network/snmp/store-poll.js';
import { createTestContainer, type TestContainer } from '../helpers/container.js';

const T0 = new Date('2026-12-07T10:00:00Z');
const clock = settableClock(T0);
let c: TestContainer;
const agents: SimulatedAgent[] = [];

before(async () => {
  c = await createTestContainer({ clock });
});
after(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await c?.dispose();
});

async function agent(opts: Parameters<typeof startSimulatedAgent>[0]): Promise<SimulatedAgent> {
  const a = await startSimulatedAgent(opts);
  agents.push(a);
  return a;
}

/** A device row as N1's console saves it: secrets sealed with the secret box. */
async function device(fields: Record<string, unknown>, secrets: Record<string, string> = {}): Promise<number> {
  const sealed = Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, c.secrets.seal(v)]));
  const [row] = await c.db('devices').insert({ kind: 'router', probe_snmp: true, ...fields, ...sealed }).returning('id');
  return Number(row.id);
}

async function interfaces(deviceId: number): Promise<Array<Record<string, unknown>>> {
  return c.db('device_interfaces').where('device_id', deviceId).orderBy('if_index').select('id', 'if_index', 'name', 'alias', 'speed_bps', 'admin_status', 'oper_status');
}

/** Samples of `metric` for the device (and interface), as [ISO time, value]. */
async function samples(deviceId: number, metric: string, interfaceId = 0): Promise<Array<[string, number]>> {
  const rows: Array<{ at: Date; value: number }> = await c
    .db('device_samples')
    .where({ device_id: deviceId, metric, interface_id: interfaceId })
    .orderBy('at')
    .select('at', 'value');
  return rows.map((r) => [r.at.toISOString(), r.value]);
}

const at = (seconds: number): string => new Date(T0.getTime() + seconds * 1000).toISOString();

test('SNMPv2c, 64-bit counters: interfaces upserted, CPU/memory/uptime recorded, rates from deltas, a link going down raises an alert', async () => {
  clock.set(T0);
  const a = await agent({
    community: 'mon-2c',
    sysName: 'core-1',
    sysDescr: 'RouterOS CCR2004',
    uptimeTicks: 100_000,
    cpuLoads: [10, 30],
    ram: { sizeKiB: 1_048_576, usedKiB: 262_144 },
    interfaces: [
      // Above 2^53 on purpose: a JS number would lose the low octets.
      { ifIndex: 1, name: 'ether1', alias: 'uplink', speedBps: 10e9, inOctets: 2n ** 60n, outOctets: 2n ** 60n + 5n },
      { ifIndex: 2, name: 'ether2', speedBps: 100e6, inOctets: 0n, outOctets: 0n },
    ],
  });
  const id = await device({ name: 'core-1', address: '127.0.0.1', snmp_port: a.port, snmp_version: '2c' }, { snmp_community_enc: 'mon-2c' });

  const first = await runSnmpPoll(c, { deviceIds: [id] });
  assert.deepEqual({ ...first, samples: undefined }, { devices: 1, polled: 1, failed: 0, samples: undefined, changes: 0 });
  const ifs = await interfaces(id);
  assert.deepEqual(
    ifs.map((r) => ({ ...r, id: undefined })),
    [
      { id: undefined, if_index: 1, name: 'ether1', alias: 'uplink', speed_bps: 10_000_000_000, admin_status: 'up', oper_status: 'up' },
      { id: undefined, if_index: 2, name: 'ether2', alias: '', speed_bps: 100_000_000, admin_status: 'up', oper_status: 'up' },
    ],
  );
  assert.deepEqual(await samples(id, 'uptime_s'), [[at(0), 1000]]);
  assert.deepEqual(await samples(id, 'cpu_pct'), [[at(0), 20]], 'mean hrProcessorLoad');
  assert.deepEqual(await samples(id, 'mem_pct'), [[at(0), 25]], 'hrStorageRam used / size');
  const status = await c.db('snmp_device_status').where('device_id', id).first();
  assert.equal(status.sys_name, 'core-1');
  assert.equal(status.sys_descr, 'RouterOS CCR2004');
  const ether1 = Number(ifs[0]!.id);
  const ether2 = Number(ifs[1]!.id);
  assert.deepEqual(await samples(id, 'if_in_bps', ether1), [], 'no rate from a single reading');

  // 60 s later: 7,500,000 octets in (1 Mbit/s) and 750,000 out (100 kbit/s); ether2 loses its link.
  clock.advance(60_000);
  a.setUptime(106_000);
  a.setCounters(1, 2n ** 60n + 7_500_000n, 2n ** 60n + 5n + 750_000n);
  a.setOperStatus(2, 2);
  const second = await runSnmpPoll(c, { deviceIds: [id] });
  assert.equal(second.changes, 1);
  assert.deepEqual(await samples(id, 'if_in_bps', ether1), [[at(60), 1_000_000]]);
  assert.deepEqual(await samples(id, 'if_out_bps', ether1), [[at(60), 100_000]]);
  assert.deepEqual(await samples(id, 'if_in_bps', ether2), [[at(60), 0]]);
  assert.equal((await interfaces(id))[1]!.oper_status, 'down');
  const alert = await c.db('staff_alerts').where('kind', 'interface_down').first();
  assert.ok(alert, 'handleInterfaceChanges raised interface_down');
  assert.match(alert.message, /core-1 ether2/);

  // And back up: the change handed over names the interface.
  clock.advance(60_000);
  a.setUptime(112_000);
  a.setOperStatus(2, 1);
  const seen: SnmpInterfaceChange[] = [];
  await runSnmpPoll(c, { deviceIds: [id], onInterfaceChanges: async (ch) => void seen.push(...ch) });
  assert.deepEqual(seen, [{ deviceId: id, interfaceId: ether2, ifIndex: 2, name: 'ether2', from: 'down', to: 'up', at: new Date(at(120)) }]);
});

test('SNMPv1, 32-bit counters only: a wrap past 2^32 gives the right rate, a reboot skips one sample', async () => {
  clock.set(T0);
  const start = 2n ** 32n - 1_000n;
  // Each device has its own address (devices_address is unique): agents listen on other loopback addresses.
  const a = await agent({ address: '127.0.0.2', community: 'mon-v1', hc: false, uptimeTicks: 500_000, interfaces: [{ ifIndex: 7, name: 'sfp1', speedBps: 1e9, inOctets: start, outOctets: 0n }] });
  const deviceId = await device({ name: 'edge-v1', address: '127.0.0.2', snmp_port: a.port, snmp_version: '1' }, { snmp_community_enc: 'mon-v1' });
  await runSnmpPoll(c, { deviceIds: [deviceId] });
  const [sfp1] = await interfaces(deviceId);
  const ifId = Number(sfp1!.id);
  assert.equal((await c.db('snmp_counters').where('interface_id', ifId).first()).bits, 32, 'ifInOctets fallback: SNMPv1 has no Counter64');

  // +7,500,000 octets in 60 s: the 32-bit counter passes 2^32 (served modulo 2^32 → 7,499,000).
  clock.advance(60_000);
  a.setUptime(506_000);
  a.setCounters(7, start + 7_500_000n, 750_000n);
  await runSnmpPoll(c, { deviceIds: [deviceId] });
  assert.deepEqual(await samples(deviceId, 'if_in_bps', ifId), [[at(60), 1_000_000]], 'wrap: Δ = cur + 2^32 − prev');

  // The device reboots: sysUpTime and counters restart. That sample is skipped, the next one counts.
  clock.advance(60_000);
  a.setUptime(3_000);
  a.setCounters(7, 1_000n, 1_000n);
  const rebooted = await runSnmpPoll(c, { deviceIds: [deviceId] });
  assert.equal(rebooted.polled, 1);
  clock.advance(60_000);
  a.setUptime(9_000);
  a.setCounters(7, 1_000n + 750_000n, 1_000n);
  await runSnmpPoll(c, { deviceIds: [deviceId] });
  assert.deepEqual(await samples(deviceId, 'if_in_bps', ifId), [
    [at(60), 1_000_000],
    [at(180), 100_000],
  ], 'nothing at 120 s (reboot), then 750,000 octets in 60 s');
  assert.deepEqual((await samples(deviceId, 'uptime_s')).map(([, v]) => v), [5000, 5060, 30, 90]);
});

test('SNMPv3 authPriv (SHA + AES, RFC 3414 / RFC 3826) polls; an OLT gets its EPON optical levels; a wrong key is recorded as an error', async () => {
  clock.set(T0);
  const a = await agent({
    address: '127.0.0.3',
    v3Users: [{ name: 'monitor', authKey: 'auth-secret-1', privKey: 'priv-secret-1' }],
    sysName: 'olt-1',
    interfaces: [{ ifIndex: 3, name: 'pon1', speedBps: 1e9, inOctets: 0n, outOctets: 0n, rxDbm: -21.3, txDbm: 2.5 }],
  });
  const v3 = { address: '127.0.0.3', snmp_port: a.port, snmp_version: '3', snmp_v3_user: 'monitor', snmp_v3_auth_protocol: 'sha', snmp_v3_priv_protocol: 'aes' };
  const id = await device({ kind: 'olt', name: 'olt-1', ...v3 }, { snmp_v3_auth_key_enc: 'auth-secret-1', snmp_v3_priv_key_enc: 'priv-secret-1' });
  const r = await runSnmpPoll(c, { deviceIds: [id] });
  assert.equal(r.polled, 1);
  assert.equal((await c.db('snmp_device_status').where('device_id', id).first()).sys_name, 'olt-1');
  const [pon] = await interfaces(id);
  assert.equal(pon!.name, 'pon1');
  assert.deepEqual(await samples(id, 'optical_rx_dbm', Number(pon!.id)), [[at(0), -21.3]]);
  assert.deepEqual(await samples(id, 'optical_tx_dbm', Number(pon!.id)), [[at(0), 2.5]]);

  // The key changed on the device but not here: the poll fails, the error is kept, the last good poll stays.
  clock.advance(60_000);
  await c.db('devices').where('id', id).update({ snmp_v3_auth_key_enc: c.secrets.seal('not-the-key') });
  const failed = await runSnmpPoll(c, { deviceIds: [id] });
  assert.deepEqual([failed.polled, failed.failed], [0, 1]);
  const status = await c.db('snmp_device_status').where('device_id', id).first();
  assert.ok(status.error, 'the failure is kept for the device page');
  assert.equal(status.error_at.toISOString(), at(60));
  assert.equal(status.polled_at.toISOString(), at(0));
});

const hasSnmpd = spawnSync('sh', ['-c', 'command -v snmpd'], { encoding: 'utf8' }).stdout.trim() || spawnSync('sh', ['-c', 'test -x /usr/sbin/snmpd && echo /usr/sbin/snmpd'], { encoding: 'utf8' }).stdout.trim();

test('smoke test against Debian snmpd (.ci/run installs it): system group and IF-MIB with 64-bit counters', { skip: !hasSnmpd && 'snmpd is not installed' }, async () => {
  clock.set(T0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snmpd-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  fs.writeFileSync(path.join(dir, 'snmpd.conf'), 'rocommunity smoke-test 127.0.0.0/8\nsysName snmpd-smoke\n');
  const snmpd: ChildProcess = spawn(hasSnmpd, ['-f', '-Lf', path.join(dir, 'log'), '-C', '-c', path.join(dir, 'snmpd.conf'), '-p', path.join(dir, 'pid'), `udp:127.0.0.5:${port}`], {
    env: { ...process.env, MIBS: '', MIBDIRS: dir, SNMP_PERSISTENT_DIR: dir },
    stdio: 'ignore',
  });
  try {
    const id = await device({ kind: 'server', name: 'snmpd', address: '127.0.0.5', snmp_port: port, snmp_version: '2c' }, { snmp_community_enc: 'smoke-test' });
    let r = { polled: 0 };
    for (let i = 0; i < 20 && r.polled === 0; i++) {
      await new Promise((res) => setTimeout(res, 250));
      r = await runSnmpPoll(c, { deviceIds: [id] });
    }
    assert.equal(r.polled, 1, 'snmpd answered');
    assert.equal((await c.db('snmp_device_status').where('device_id', id).first()).sys_name, 'snmpd-smoke');
    const ifs = await interfaces(id);
    const lo = ifs.find((i) => i.name === 'lo');
    assert.ok(lo, `loopback among ${ifs.map((i) => i.name).join(', ')}`);
    assert.equal((await c.db('snmp_counters').where('interface_id', Number(lo.id)).first()).bits, 64);
  } finally {
    // snmpd writes its persistent state into `dir` as it stops: remove the directory only once it has exited.
    const exited = snmpd.exitCode !== null ? Promise.resolve() : new Promise<void>((res) => snmpd.once('exit', () => res()));
    snmpd.kill('SIGTERM');
    await Promise.race([exited, new Promise((res) => setTimeout(res, 5000))]);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
});
