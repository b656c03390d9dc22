/**
 * RadSec (RFC 6614) end to end: radclient → radsecproxy (UDP in, TLS out with a client
 * certificate issued by our CA, as a router with `/radius … protocol=radsec`) → our listener →
 * the same pipeline as UDP. Also what radsecproxy cannot show: a certificate from another CA and
 * a revoked one are refused, garbage on the stream closes the connection, Status-Server and
 * packets split or merged across TLS records are answered.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { Code, decodePacket } from '../../aaa/codec/packet.js';
import { PacketWriter } from '../../aaa/codec/writer.js';
import { clientBundle, issueClientCertificate, revokeClientCertificate } from '../../aaa/radsec/client-certificates.js';
import { caCertificatePem, issueServerCertificate, loadOrCreateCa } from '../../aaa/radsec/radsec-ca.js';
import { createRadsecListener } from '../../aaa/radsec/radsec-listener.js';
import { createRadsecMetrics } from '../../aaa/radsec/radsec-metrics.js';
import { createRadiusMetrics } from '../../aaa/metrics/radius-metrics.js';
import { Registry } from 'prom-client';
import { createCa, issueCertificate } from '../../aaa/radsec/x509-issue.js';
import { startRadiusRole, type RadiusRole } from '../../server/radius-role.js';
import { until } from '../helpers/browser.js';
import { createTestContainer, type TestContainer } from '../helpers/container.js';
import { createNas, createPlan, createSubscription } from '../helpers/factories.js';
import { radclient } from '../helpers/radclient.js';
import { startRadsecProxy, type RadsecProxy } from '../helpers/radsecproxy.js';

const actor = { staffUserId: null, username: 'test', ip: null };
let c: TestContainer;
let radius: RadiusRole;
let proxy: RadsecProxy;
let nasId: number;
let bundle: string;
let caPem: string;
let sub: { id: number; username: string; password: string };

const metric = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
  const m = (await c.metrics.getMetricsAsJSON()).find((x) => x.name === name);
  const v = m?.values.find((s) => Object.entries(labels).every(([k, val]) => String(s.labels[k]) === val));
  return v ? Number(v.value) : 0;
};

/** A raw TLS connection to the listener with `pem` (key + certificate), resolved once it closes or `ms` pass. */
function rawClient(pem: string, port = radius.radsecPort!): { socket: tls.TLSSocket; received: Buffer[]; closed: Promise<void> } {
  const socket = tls.connect({ host: '127.0.0.1', port, key: pem, cert: pem, ca: caPem, servername: 'localhost' });
  const received: Buffer[] = [];
  socket.on('data', (b: Buffer) => received.push(b));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received, closed };
}

/** Resolves when the server has closed `conn`; fails the test after `ms`. */
function closedWithin(conn: { closed: Promise<void> }, ms = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`connection still open after ${ms} ms`)), ms); });
  return Promise.race([conn.closed, late]).finally(() => clearTimeout(timer));
}

function statusServer(identifier: number): Buffer {
  return new PacketWriter().reset(Code.StatusServer, identifier, randomBytes(16)).messageAuthenticator().toAccessRequest(Buffer.from('radsec'));
}

before(async () => {
  c = await createTestContainer({ env: { RADSEC_ENABLED: 'true', RADSEC_SERVER_NAMES: 'localhost,127.0.0.1' } });
  // The router's registered address is not where its RadSec connection comes from: the certificate names it.
  nasId = (await createNas(c.db, { ipAddress: '10.99.0.1', name: 'Router RadSec' })).id;
  const plan = await createPlan(c.db, { rateLimit: '3M/7M' });
  sub = await createSubscription(c.db, { planId: plan.id });
  assert.deepEqual(await issueClientCertificate(c.db, c.secrets, actor, nasId, c.clock.now()), { ok: true, id: 1 });
  bundle = (await clientBundle(c.db, c.secrets, actor, nasId))!.pem;
  caPem = (await caCertificatePem(c.db))!;
  radius = await startRadiusRole(c, { host: '127.0.0.1', authPort: 0, acctPort: 0, radsecPort: 0, schedule: false });
  proxy = await startRadsecProxy({ radsecPort: radius.radsecPort!, bundlePem: bundle, caPem });
});

after(async () => {
  await proxy?.stop();
  await radius?.stop();
  await c?.dispose();
});

const viaProxy = (type: 'auth' | 'acct', attributes: string[]) =>
  radclient({ port: proxy.udpPort, secret: proxy.udpSecret, type, attributes, retries: 3, timeoutSeconds: 2 });

describe('radclient → radsecproxy → RadSec listener', () => {
  test('a login is accepted with the plan\'s rate limit', async () => {
    const r = await viaProxy('auth', [`User-Name = "${sub.username}"`, `User-Password = "${sub.password}"`, 'Message-Authenticator = 0x00']);
    assert.equal(r.code, 'Access-Accept', proxy.log());
    assert.deepEqual(r.attributes.find(([k]) => k === 'Mikrotik-Rate-Limit'), ['Mikrotik-Rate-Limit', '3M/7M']);
    assert.ok((await metric('radius_requests_total', { type: 'access', result: 'accept' })) >= 1);
    assert.equal(await metric('radius_radsec_connections'), 1);
  });

  test('a wrong password is rejected', async () => {
    const r = await viaProxy('auth', [`User-Name = "${sub.username}"`, 'User-Password = "not-the-password"', 'Message-Authenticator = 0x00']);
    assert.equal(r.code, 'Access-Reject', proxy.log());
  });

  test('Accounting Start and Stop are stored against the NAS the certificate names', async () => {
    const lines = (status: string, extra: string[] = []) => [
      `User-Name = "${sub.username}"`, 'Acct-Session-Id = "radsec-1"', `Acct-Status-Type = ${status}`, 'NAS-Port-Id = "ether2"',
      'Framed-IP-Address = 100.64.0.77', ...extra,
    ];
    assert.equal((await viaProxy('acct', lines('Start'))).code, 'Accounting-Response', proxy.log());
    const started = await c.db('accounting_sessions').where({ acct_session_id: 'radsec-1' }).first();
    assert.equal(Number(started.nas_id), nasId);
    assert.equal(Number(started.subscription_id), sub.id);
    assert.equal(started.stop_time, null);
    const stop = await viaProxy('acct', lines('Stop', ['Acct-Session-Time = 120', 'Acct-Input-Octets = 5000', 'Acct-Output-Octets = 9000', 'Acct-Terminate-Cause = User-Request']));
    assert.equal(stop.code, 'Accounting-Response');
    const stopped = await c.db('accounting_sessions').where({ acct_session_id: 'radsec-1' }).first();
    assert.notEqual(stopped.stop_time, null);
    assert.equal(String(stopped.output_octets), '9000');
  });
});

describe('the TLS connection itself', () => {
  test('Status-Server is answered, whether packets arrive merged in one record or split across two', async () => {
    const conn = rawClient(bundle);
    await new Promise((resolve) => conn.socket.once('secureConnect', resolve));
    const [a, b, d] = [statusServer(11), statusServer(12), statusServer(13)];
    conn.socket.write(Buffer.concat([a, b, d.subarray(0, 9)]));
    await new Promise((r) => setTimeout(r, 50));
    conn.socket.write(d.subarray(9));
    await until('three replies', async () => Buffer.concat(conn.received).length >= 3 * 38);
    const all = Buffer.concat(conn.received);
    const replies = [0, 1, 2].map((i) => decodePacket(all.subarray(i * all.readUInt16BE(2), (i + 1) * all.readUInt16BE(2))));
    assert.deepEqual(replies.map((r) => (r.ok ? [r.packet.code, r.packet.identifier] : null)), [[Code.AccessAccept, 11], [Code.AccessAccept, 12], [Code.AccessAccept, 13]]);
    conn.socket.destroy();
  });

  test('a Length the stream cannot hold closes the connection (RFC 6614 §2.5)', async () => {
    const before = await metric('radius_radsec_connection_events_total', { event: 'closed_malformed' });
    const conn = rawClient(bundle);
    await new Promise((resolve) => conn.socket.once('secureConnect', resolve));
    const bad = statusServer(1);
    bad.writeUInt16BE(5000, 2);
    conn.socket.write(bad);
    await closedWithin(conn);
    assert.equal(Buffer.concat(conn.received).length, 0);
    assert.equal(await metric('radius_radsec_connection_events_total', { event: 'closed_malformed' }), before + 1);
  });

  test('a client certificate from another CA is refused in the handshake', async () => {
    const foreignCa = await createCa('Not ours', new Date(), 10);
    const foreign = await issueCertificate(foreignCa, { commonName: 'Router RadSec', purpose: 'client', now: new Date(), days: 10 });
    const before = await metric('radius_radsec_connection_events_total', { event: 'tls_refused' });
    const conn = rawClient(foreign.keyPem + foreign.certPem);
    conn.socket.on('secureConnect', () => conn.socket.write(statusServer(5)));
    await closedWithin(conn);
    assert.equal(Buffer.concat(conn.received).length, 0, 'no reply');
    await until('the refusal counted', async () => (await metric('radius_radsec_connection_events_total', { event: 'tls_refused' })) === before + 1);
  });

  test('after the console revokes the certificate, it no longer connects', async () => {
    assert.equal((await revokeClientCertificate(c.db, actor, nasId, c.clock.now())).ok, true);
    const before = await metric('radius_radsec_connection_events_total', { event: 'unknown_certificate' });
    const conn = rawClient(bundle);
    conn.socket.on('secureConnect', () => conn.socket.write(statusServer(6)));
    await closedWithin(conn);
    assert.equal(Buffer.concat(conn.received).length, 0, 'no reply');
    assert.equal(await metric('radius_radsec_connection_events_total', { event: 'unknown_certificate' }), before + 1);
    const audit = await c.db('audit_log').where({ object_type: 'nas', object_id: String(nasId) }).orderBy('id').pluck('action');
    assert.deepEqual(audit, ['radsec_certificate_issued', 'radsec_bundle_downloaded', 'radsec_certificate_revoked']);
  });
});

test('beyond the connection cap a connection is refused, and an idle one is closed', async () => {
  const now = c.clock.now();
  const ca = await loadOrCreateCa(c.db, c.secrets, now);
  const server = await issueServerCertificate(ca, ['localhost'], now);
  const registry = new Registry();
  const value = async (event: string): Promise<number> =>
    Number((await registry.getMetricsAsJSON()).find((m) => m.name === 'radius_radsec_connection_events_total')?.values.find((v) => v.labels.event === event)?.value ?? 0);
  const fresh = await issueClientCertificate(c.db, c.secrets, actor, nasId, now); // the earlier one was revoked above
  assert.equal(fresh.ok, true);
  const pem = (await clientBundle(c.db, c.secrets, actor, nasId))!.pem;
  const listener = createRadsecListener({
    replica: radius.replica, log: c.log, metrics: createRadiusMetrics(registry), radsecMetrics: createRadsecMetrics(registry),
    handleAccess: () => { throw new Error('not used'); }, handleAccounting: () => Promise.reject(new Error('not used')),
    identify: async () => nasId, recheck: async () => new Set(),
    tls: { caPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem },
    host: '127.0.0.1', port: 0, idleTimeoutMs: 400, maxConnections: 1,
  });
  const { port } = await listener.start();
  try {
    const first = rawClient(pem, port);
    await new Promise((resolve) => first.socket.once('secureConnect', resolve));
    await until('the first connection served', async () => listener.connections() === 1);
    const second = rawClient(pem, port);
    await closedWithin(second);
    assert.equal(await value('over_capacity'), 1);
    await closedWithin(first, 3000); // nothing sent for 400 ms
    assert.equal(await value('closed_idle'), 1);
    await until('the server saw the close', async () => listener.connections() === 0);
  } finally {
    await listener.stop();
  }
});
