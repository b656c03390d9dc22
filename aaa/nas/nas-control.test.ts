import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, beforeEach, test } from 'node:test';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.js';
import { createNas, createSubscription, TEST_SECRET_BOX } from '../../test/helpers/factories.js';
import { startFakeRouterOs, type FakeRouterOs } from '../../test/helpers/fake-routeros.js';
import { startNasEmulator, type Behaviour, type NasEmulator } from '../../test/helpers/nas-emulator.js';
import { Code } from '../codec/packet.js';
import type { NasControlResult } from '../../lib/jobs.js';
import type { Decision } from '../policy/decide.js';
import { classFor } from '../policy/reply-attributes.js';
import { createCoaClient, type CoaClient } from './coa-client.js';
import { createNasControlProcessor, type NasControlDeps } from './nas-control.js';
import { removeActiveSession } from './routeros-api.js';

/** The counts of a result (its per-session steps are checked where they matter). */
const counts = ({ outcomes: _, ...rest }: { outcomes: unknown }): Record<string, unknown> => rest;

const NAS_SECRET = 'nas-shared-secret';
const ROS_PASSWORD = 'ros-api-password';

const walledGarden: Decision = {
  kind: 'walled_garden',
  reason: 'suspended',
  profile: { rateLimit: '256k/256k', addressList: 'isolir', framedPool: 'isolir-pool' },
  message: 'Layanan diisolir',
};
const softLimited: Decision = { kind: 'accept', reason: 'soft_limited', profile: { rateLimit: '1M/2M' } };

let tdb: TestDatabase;
let coa: CoaClient;
let nas: NasEmulator | undefined;
let ros: FakeRouterOs | undefined;
const logLines: string[] = [];
const log = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, cb) => void (logLines.push(String(chunk)), cb()) }));

before(async () => {
  tdb = await createTestDatabase();
  coa = createCoaClient({ log, timeoutMs: 100, retries: 1 });
});
after(async () => {
  await nas?.close();
  await ros?.close();
  await coa.close();
  await tdb.drop();
});
beforeEach(async () => {
  await nas?.close();
  await ros?.close();
  nas = ros = undefined;
  logLines.length = 0;
  // One NAS at 127.0.0.1 per test (its address is unique): start from an empty table.
  await tdb.db('accounting_sessions').del();
  await tdb.db('nas').del();
});

async function setup(opts: { behaviour?: NasEmulator['behaviour']; vendor?: string; routeros?: boolean; routerosPassword?: string } = {}) {
  nas = await startNasEmulator({ secret: NAS_SECRET, behaviour: opts.behaviour });
  if (opts.routeros) ros = await startFakeRouterOs({ users: { billing: ROS_PASSWORD } });
  const nasRow = await createNas(tdb.db, {
    name: 'POP-Cibubur',
    secret: NAS_SECRET,
    coaPort: nas.port,
    vendor: opts.vendor ?? 'mikrotik',
    ...(ros ? { routerosUsername: 'billing', routerosPassword: opts.routerosPassword ?? ROS_PASSWORD, routerosApiPort: ros.port } : {}),
  });
  const sub = await createSubscription(tdb.db, { username: `budi-${randomUUID().slice(0, 6)}` });
  return { nasRow, sub, emu: nas };
}

async function openSession(
  sub: { id: number; planId: number; username: string },
  nasId: number,
  over: { walledGarden?: boolean; cls?: string | null; stopped?: boolean; acctSessionId?: string; framedIp?: string } = {},
): Promise<string> {
  const key = randomUUID();
  await tdb.db('accounting_sessions').insert({
    session_key: key,
    acct_session_id: over.acctSessionId ?? '81a00003',
    username: sub.username,
    subscription_id: sub.id,
    nas_id: nasId,
    nas_ip_address: '127.0.0.1',
    framed_ip_address: over.framedIp ?? '10.10.0.7',
    class: over.cls !== undefined ? over.cls : classFor(sub.id, sub.planId, over.walledGarden ?? false).toString('latin1'),
    start_time: new Date(),
    update_time: new Date(),
    stop_time: over.stopped ? new Date() : null,
  });
  return key;
}

function processor(decision: Decision | null, over: Partial<NasControlDeps> = {}) {
  return createNasControlProcessor({
    db: tdb.db,
    secrets: TEST_SECRET_BOX,
    coa,
    removeActiveSession,
    log,
    decide: () => decision,
    routerosTimeoutMs: 2000,
    ...over,
  });
}

const nak = (errorCause: number): Behaviour => ({ reply: 'nak', errorCause });

test('no open session: nothing is sent and the counts are zero', async () => {
  const { sub, nasRow, emu } = await setup();
  await openSession(sub, nasRow.id, { stopped: true });
  const r = await processor(walledGarden)({ subscriptionId: sub.id, reason: 'suspended' }, { isFinal: false });
  assert.deepEqual(counts(r), { sessions: 0, coa: 0, disconnected: 0, routeros: 0, failed: 0 });
  assert.equal(emu.received.length, 0);
});

test('a suspension disconnects a session that was accepted normally', async () => {
  const { sub, nasRow, emu } = await setup();
  await openSession(sub, nasRow.id, { walledGarden: false, acctSessionId: '81a0000f', framedIp: '10.10.0.9' });
  const r = await processor(walledGarden)({ subscriptionId: sub.id, reason: 'suspended' }, { isFinal: false });
  assert.deepEqual(counts(r), { sessions: 1, coa: 0, disconnected: 1, routeros: 0, failed: 0 });
  assert.equal(emu.dropped, 0, 'the NAS verified the authenticators');
  assert.equal(emu.received.length, 1);
  const req = emu.received[0]!;
  assert.equal(req.code, Code.DisconnectRequest);
  assert.equal(emu.attr(req, 'User-Name'), sub.username);
  assert.equal(emu.attr(req, 'Acct-Session-Id'), '81a0000f');
  assert.equal(emu.attr(req, 'Framed-IP-Address'), '10.10.0.9');
  assert.equal(emu.attr(req, 'Message-Authenticator') !== undefined, true);
  const info = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.action === 'disconnect');
  assert.equal(info?.username, sub.username);
  assert.equal(info?.result, 'ack');
});

test('a soft limit changes the speed in place with a CoA-Request carrying the new rate', async () => {
  const { sub, nasRow, emu } = await setup();
  await openSession(sub, nasRow.id, { walledGarden: false });
  const r = await processor(softLimited)({ subscriptionId: sub.id, reason: 'soft_limited' }, { isFinal: false });
  assert.deepEqual(counts(r), { sessions: 1, coa: 1, disconnected: 0, routeros: 0, failed: 0 });
  assert.equal(emu.received.length, 1);
  const req = emu.received[0]!;
  assert.equal(req.code, Code.CoARequest);
  assert.equal(emu.attr(req, 'Mikrotik-Rate-Limit'), '1M/2M');
  assert.equal(emu.attr(req, 'Mikrotik-Address-List'), undefined);
  assert.equal(emu.attr(req, 'User-Name'), sub.username);
});

test('a walled-garden session that stays in the walled garden gets a CoA with the address list', async () => {
  const { sub, nasRow, emu } = await setup();
  await openSession(sub, nasRow.id, { walledGarden: true });
  const r = await processor(walledGarden)({ subscriptionId: sub.id, reason: 'expired' }, { isFinal: false });
  assert.equal(r.coa, 1);
  assert.equal(emu.attr(emu.received[0]!, 'Mikrotik-Address-List'), 'isolir');
  assert.equal(emu.attr(emu.received[0]!, 'Mikrotik-Rate-Limit'), '256k/256k');
});

test('staff "disconnect", an unparsable Class, a reject, or another vendor: Disconnect, never CoA', async () => {
  const cases: Array<{ name: string; decision: Decision | null; cls?: string | null; vendor?: string; disconnect?: boolean }> = [
    { name: 'staff', decision: softLimited, disconnect: true },
    { name: 'no class', decision: softLimited, cls: null },
    { name: 'foreign class', decision: softLimited, cls: 'radius-class-of-someone-else' },
    { name: 'reject', decision: { kind: 'reject', reason: 'terminated', message: 'x' } },
    { name: 'unknown subscription', decision: null },
    { name: 'vendor', decision: softLimited, vendor: 'other' },
  ];
  for (const c of cases) {
    await tdb.db('accounting_sessions').del();
    await tdb.db('nas').del();
    await nas?.close();
    const { sub, nasRow, emu } = await setup({ vendor: c.vendor });
    await openSession(sub, nasRow.id, { cls: c.cls });
    const r = await processor(c.decision)({ subscriptionId: sub.id, reason: 'x', disconnect: c.disconnect }, { isFinal: false });
    assert.equal(r.disconnected, 1, c.name);
    assert.deepEqual(emu.received.map((x) => x.code), [Code.DisconnectRequest], c.name);
  }
});

test('a NAKed CoA falls back to a Disconnect-Request', async () => {
  const { sub, nasRow, emu } = await setup({ behaviour: { default: { reply: 'ack' }, coa: nak(401) } });
  await openSession(sub, nasRow.id);
  const r = await processor(softLimited)({ subscriptionId: sub.id, reason: 'soft_limited' }, { isFinal: false });
  assert.deepEqual(counts(r), { sessions: 1, coa: 0, disconnected: 1, routeros: 0, failed: 0 });
  assert.deepEqual(emu.received.map((x) => x.code), [Code.CoARequest, Code.DisconnectRequest]);
});

test('a Disconnect-NAK with Session-Context-Not-Found (503) counts as done', async () => {
  const { sub, nasRow } = await setup({ behaviour: { default: nak(503) } });
  await openSession(sub, nasRow.id);
  const r = await processor(walledGarden)({ subscriptionId: sub.id, reason: 'suspended' }, { isFinal: true });
  assert.deepEqual(counts(r), { sessions: 1, coa: 0, disconnected: 1, routeros: 0, failed: 0 });
});

test('only the given session when the job names one', async () => {
  const { sub, nasRow, emu } = await setup();
  await openSession(sub, nasRow.id, { acctSessionId: 'aaaa0001' });
  const key = await openSession(sub, nasRow.id, { acctSessionId: 'aaaa0002' });
  const r = await processor(softLimited)({ subscriptionId: sub.id, reason: 'staff_disconnect', disconnect: true, sessionKey: key }, { isFinal: false });
  assert.equal(r.sessions, 1);
  assert.deepEqual(emu.received.map((x) => emu.attr(x, 'Acct-Session-Id')), ['aaaa0002']);
});

test('when the NAS NAKs everything, the RouterOS API removes the session', async () => {
  const { sub, nasRow, emu } = await setup({ behaviour: { default: nak(404) }, routeros: true });
  ros!.menus['/ppp/active'].push({ '.id': '*A1', name: sub.username, address: '10.10.0.7' }, { '.id': '*A2', name: 'siti' });
  await openSession(sub, nasRow.id);
  const r = await processor(softLimited)({ subscriptionId: sub.id, reason: 'soft_limited' }, { isFinal: false });
  assert.deepEqual(counts(r), { sessions: 1, coa: 0, disconnected: 0, routeros: 1, failed: 0 });
  assert.deepEqual(emu.received.map((x) => x.code), [Code.CoARequest, Code.DisconnectRequest]);
  assert.deepEqual(ros!.menus['/ppp/active'].map((i) => i.name), ['siti']);
  const all = logLines.join('\n');
  assert.ok(!all.includes(NAS_SECRET) && !all.includes(ROS_PASSWORD), 'no secret in the logs');
});

test('when everything fails on the final attempt: a staff alert, then an error', async () => {
  const { sub, nasRow } = await setup({ behaviour: { default: { reply: 'silent' } }, routeros: true, routerosPassword: 'stale-password' });
  await openSession(sub, nasRow.id);
  const job = { subscriptionId: sub.id, reason: 'suspended' };

  const reported: NasControlResult[] = [];
  await assert.rejects(processor(walledGarden)(job, { isFinal: false, report: async (r) => void reported.push(r) }), /1 of 1 session/);
  assert.equal((await tdb.db('staff_alerts').count({ n: '*' }))[0]!.n, 0, 'no alert before the final attempt');
  const [first] = reported;
  assert.equal(first?.failed, 1, 'the failed attempt is reported for the console');
  assert.deepEqual(first!.outcomes.map((o) => [o.username, o.done, o.tried.map((t) => t.action)]), [[sub.username, null, ['disconnect', 'routeros']]]);
  assert.equal(first!.outcomes[0]!.tried[0]!.result, 'timeout');
  assert.match(first!.outcomes[0]!.tried[1]!.result, /^error: /);

  await assert.rejects(processor(walledGarden)(job, { isFinal: true }), /could not be changed or ended/);
  const alerts = await tdb.db('staff_alerts').select('kind', 'message', 'details');
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0].kind, 'nas_control_failed');
  assert.match(alerts[0].message, new RegExp(`${sub.username}.*POP-Cibubur`));
  assert.deepEqual(
    alerts[0].details.tried.map((t: { action: string }) => t.action),
    ['disconnect', 'routeros'],
  );
  assert.equal(alerts[0].details.tried[0].result, 'timeout');
  assert.equal(alerts[0].details.nasId, nasRow.id);
  assert.ok(!JSON.stringify(alerts).includes('stale-password'));
  assert.ok(logLines.some((l) => l.includes('"level":50') && l.includes('staff alerted')));
});
