/**
 * The MikroTik simulator (simulator/start-simulator.ts) against the radius role: five subscribers
 * log in over RADIUS (PAP and CHAP, with Message-Authenticator) and open accounting sessions; a
 * suspension reaches the simulated router as a Disconnect-Request through nas-control, which
 * drops the session and sends its Stop; CoA changes a live session's rate and an unknown session
 * gets a NAK with Error-Cause 503 (RFC 5176); the RouterOS API (read with the real node-routeros
 * client) and SNMP (read with net-snmp) show the same router.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { RouterOSAPI } from 'node-routeros';
import { dictionary } from '../../aaa/codec/dictionary.js';
import { sessionIdentification } from '../../aaa/nas/coa-attributes.js';
import { createCoaClient, type CoaClient } from '../../aaa/nas/coa-client.js';
import { enqueueNasControl } from '../../lib/jobs.js';
import { QUEUES } from '../../lib/queue.js';
import type { Simulator } from '../../simulator/start-simulator.js';
import { startRadiusStack, type RadiusStack } from '../helpers/radius-stack.js';
import { startSimulatorBeside } from '../helpers/simulator-beside.js';

const NAS_IP = '127.0.0.9';
const SECRET = 'sim-secret-2718';
const snmp = createRequire(import.meta.url)('net-snmp');
let stack: RadiusStack;
let sim: Simulator;
let coa: CoaClient;
const lines: string[] = [];

interface OpenSession { username: string; acct_session_id: string; framed_ip_address: string; stop_time: Date | null; terminate_cause: string | null }

async function sessions(): Promise<OpenSession[]> {
  return stack.c.db('accounting_sessions').where({ nas_ip_address: NAS_IP }).orderBy('username')
    .select('username', 'acct_session_id', 'framed_ip_address', 'stop_time', 'terminate_cause');
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 8000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; simulator said:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function snmpGet(port: number, address: string, oids: string[]): Promise<Array<{ oid: string; type: number; value: unknown }>> {
  const session = snmp.createSession(address, 'public', { port, version: snmp.Version2c, timeout: 1000, retries: 1 });
  return new Promise((resolve, reject) => session.get(oids, (err: Error | null, vbs: Array<{ oid: string; type: number; value: unknown }>) => {
    session.close();
    if (err) reject(err);
    else resolve(vbs);
  }));
}

before(async () => {
  stack = await startRadiusStack();
  sim = await startSimulatorBeside(stack, { nasIp: NAS_IP, secret: SECRET, subscribers: 5, devices: 2, lines });
  coa = createCoaClient({ log: stack.c.log, timeoutMs: 500, retries: 1 });
});

after(async () => {
  await coa?.close();
  await sim?.stop();
  await stack?.stop();
});

test('five subscribers log in (PAP and CHAP) and their accounting sessions are open', async () => {
  await sim.firstLogins;
  assert.equal(sim.router.stats.accepts, 5, lines.join('\n'));
  assert.ok(lines.some((l) => /login user1 \(PAP\): Access-Accept/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /login user2 \(CHAP\): Access-Accept/.test(l)), lines.join('\n'));
  const open = await eventually('5 open sessions', async () => {
    const rows = (await sessions()).filter((r) => r.stop_time === null);
    return rows.length === 5 && rows;
  });
  assert.deepEqual(open.map((r) => r.username), ['user1', 'user2', 'user3', 'user4', 'user5']);
  assert.equal(open[0]!.acct_session_id, sim.router.sessions.get('user1')!.acctSessionId);
  const nas = await stack.c.db('nas').where({ ip_address: NAS_IP }).first('coa_port', 'routeros_api_port');
  assert.equal(nas.coa_port, sim.endpoints.coaPort, 'the NAS row points at the simulator\'s CoA port');
  assert.equal(nas.routeros_api_port, sim.endpoints.api.port);
});

test('an Interim-Update carries counters above 2^32 as Gigawords: the server stores the 64-bit totals', async () => {
  const s = sim.router.sessions.get('user4')!;
  s.counters.rxOctets = 5n * 2n ** 32n + 123n;
  s.counters.txOctets = 2n ** 33n + 7n;
  assert.equal(await sim.router.account(s, 'Interim-Update'), true);
  const row = await eventually('interim stored', async () => {
    const r = await stack.c.db('accounting_sessions').where({ acct_session_id: s.acctSessionId }).first('input_octets', 'output_octets');
    return r && BigInt(r.input_octets) > 0n && r;
  });
  assert.equal(BigInt(row.input_octets), 5n * 2n ** 32n + 123n);
  assert.equal(BigInt(row.output_octets), 2n ** 33n + 7n);
});

test('CoA changes a live session\'s rate; a Disconnect for an unknown session is NAKed with 503', async () => {
  const target = { host: NAS_IP, port: sim.endpoints.coaPort, secret: Buffer.from(SECRET) };
  const s = sim.router.sessions.get('user1')!;
  const changed = await coa.send(target, {
    kind: 'coa',
    attributes: [...sessionIdentification({ username: 'user1', acctSessionId: s.acctSessionId, nasIpAddress: NAS_IP }), [dictionary().attr('Mikrotik-Rate-Limit'), '1M/2M']],
  });
  assert.deepEqual(changed, { ok: true, code: 'ACK' });
  assert.equal(sim.router.sessions.get('user1')!.rateLimit, '1M/2M');
  const unknown = await coa.send(target, { kind: 'disconnect', attributes: sessionIdentification({ username: 'nobody', acctSessionId: 'deadbeef' }) });
  assert.equal(unknown.ok, false);
  assert.equal(!unknown.ok && unknown.reason === 'nak' && unknown.errorCause, 503);
  assert.equal(sim.router.sessions.size, 5);
});

test('a suspension reaches the simulator as a Disconnect-Request: the session drops and its Stop closes it', async () => {
  const sub = await stack.c.db('subscriptions').where({ username: 'user3' }).first('id');
  await stack.c.db('subscriptions').where({ id: sub.id }).update({ status: 'suspended' });
  await enqueueNasControl(stack.c.queues.queue(QUEUES.nasControl), { subscriptionId: Number(sub.id), reason: 'suspended' }, 'sim-suspend-3');
  const closed = await eventually('user3 closed', async () => (await sessions()).find((r) => r.username === 'user3' && r.stop_time !== null));
  assert.equal(closed.terminate_cause, 'Admin-Reset');
  assert.equal(sim.router.sessions.has('user3'), false);
  assert.ok(lines.some((l) => l.startsWith('Disconnect-Request user3')), lines.join('\n'));
  assert.equal((await sessions()).filter((r) => r.stop_time === null).length, 4);
});

test('the RouterOS API lists the four remaining sessions and their live traffic', async () => {
  const api = new RouterOSAPI({ host: NAS_IP, port: sim.endpoints.api.port, user: 'admin', password: 'simulator', timeout: 5 });
  api.on('error', () => {});
  await api.connect();
  try {
    const active = (await api.write('/ppp/active/print')) as Array<Record<string, string>>;
    assert.deepEqual(active.map((r) => r.name).sort(), ['user1', 'user2', 'user4', 'user5']);
    const db = await sessions();
    for (const r of active) assert.equal(r['session-id'], db.find((x) => x.username === r.name)!.acct_session_id);
    const [traffic] = (await api.write('/interface/monitor-traffic', ['=interface=<pppoe-user2>', '=once='])) as Array<Record<string, string>>;
    assert.equal(traffic!.name, '<pppoe-user2>');
    assert.match(traffic!['rx-bits-per-second']!, /^\d+$/);
    const [resource] = (await api.write('/system/resource/print')) as Array<Record<string, string>>;
    assert.equal(resource!['board-name'], 'CCR2004-16G-2S+');
  } finally {
    await api.close();
  }
});

test('SNMP answers sysName and 64-bit interface counters for the router and its downstream devices', async () => {
  const [name, hcIn] = await snmpGet(sim.endpoints.snmp.port, NAS_IP, ['1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.31.1.1.1.6.2']);
  assert.equal(String(name!.value), sim.endpoints.identity);
  assert.equal(hcIn!.type, snmp.ObjectType.Counter64);
  assert.equal((hcIn!.value as Buffer).length, 8);
  const device = sim.endpoints.devices[0]!;
  const [deviceName] = await snmpGet(device.port, device.address, ['1.3.6.1.2.1.1.5.0']);
  assert.equal(String(deviceName!.value), device.name);
  const registered = await stack.c.db('devices').where({ address: device.address }).first('name', 'snmp_port');
  assert.deepEqual(registered, { name: device.name, snmp_port: device.port });
});

test('stopping the simulator logs everyone off: every session is closed', async () => {
  await sim.stop();
  const open = await eventually('all closed', async () => {
    const rows = await sessions();
    return rows.every((r) => r.stop_time !== null) && rows;
  });
  assert.equal(open.length, 5);
  sim = undefined as unknown as Simulator;
});
