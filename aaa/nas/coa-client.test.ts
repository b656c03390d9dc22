import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test } from 'node:test';
import { startNasEmulator } from '../../test/helpers/nas-emulator.js';
import { createLogger } from '../../lib/logger.js';
import { dictionary } from '../codec/dictionary.js';
import { Code, decodePacket } from '../codec/packet.js';
import { PacketWriter } from '../codec/writer.js';
import { sessionIdentification } from './coa-attributes.js';
import { createCoaClient } from './coa-client.js';

const log = createLogger('silent');
const SECRET = 'coa-secret';
const ident = sessionIdentification({ username: 'budi', acctSessionId: '81a00003', framedIpAddress: '10.10.0.7', nasIpAddress: '127.0.0.1' });
const disconnect = { kind: 'disconnect' as const, attributes: ident };

test('a Disconnect-Request answered with Disconnect-ACK resolves ok, with the session identified', async () => {
  const nas = await startNasEmulator({ secret: SECRET });
  const coa = createCoaClient({ log, timeoutMs: 200 });
  try {
    const r = await coa.send({ host: '127.0.0.1', port: nas.port, secret: Buffer.from(SECRET) }, disconnect);
    assert.deepEqual(r, { ok: true, code: 'ACK' });
    assert.equal(nas.received.length, 1);
    const req = nas.received[0]!;
    assert.equal(req.code, Code.DisconnectRequest);
    assert.equal(req.attributes[0]?.[0], 'Message-Authenticator');
    assert.equal(nas.attr(req, 'User-Name'), 'budi');
    assert.equal(nas.attr(req, 'Acct-Session-Id'), '81a00003');
    assert.equal(nas.attr(req, 'Framed-IP-Address'), '10.10.0.7');
    assert.equal(nas.attr(req, 'NAS-IP-Address'), '127.0.0.1');
    assert.equal(nas.dropped, 0);
  } finally {
    await coa.close();
    await nas.close();
  }
});

test('a CoA-NAK comes back as nak with its Error-Cause decoded', async () => {
  const nas = await startNasEmulator({ secret: SECRET, behaviour: { coa: { reply: 'nak', errorCause: 503 } } });
  const coa = createCoaClient({ log, timeoutMs: 200 });
  try {
    const rateLimit = dictionary().attr('Mikrotik-Rate-Limit');
    const r = await coa.send(
      { host: '127.0.0.1', port: nas.port, secret: Buffer.from(SECRET) },
      { kind: 'coa', attributes: [...ident, [rateLimit, '1M/2M']] },
    );
    assert.deepEqual(r, { ok: false, reason: 'nak', errorCause: 503, errorCauseName: 'Session-Context-Not-Found' });
    assert.equal(nas.received[0]?.code, Code.CoARequest);
    assert.equal(nas.attr(nas.received[0]!, 'Mikrotik-Rate-Limit'), '1M/2M');
  } finally {
    await coa.close();
    await nas.close();
  }
});

test('an unanswered request is sent 1 + retries times, then resolves timeout', async () => {
  const nas = await startNasEmulator({ secret: SECRET, behaviour: { default: { reply: 'silent' } } });
  const coa = createCoaClient({ log, timeoutMs: 40, retries: 2 });
  try {
    const t0 = Date.now();
    const r = await coa.send({ host: '127.0.0.1', port: nas.port, secret: Buffer.from(SECRET) }, disconnect);
    assert.deepEqual(r, { ok: false, reason: 'timeout' });
    assert.ok(Date.now() - t0 >= 110, 'waited about 3 × timeoutMs');
    assert.equal(nas.received.length, 3);
    assert.equal(coa.counters.retransmissions, 2);
  } finally {
    await coa.close();
    await nas.close();
  }
});

test('a retransmission keeps the Identifier and the authenticator (RFC 5080 §2.2.1)', async () => {
  const nas = await startNasEmulator({ secret: SECRET, behaviour: { default: { reply: 'ack', silentFor: 2 } } });
  const coa = createCoaClient({ log, timeoutMs: 100, retries: 2 });
  try {
    const r = await coa.send({ host: '127.0.0.1', port: nas.port, secret: Buffer.from(SECRET) }, disconnect);
    assert.deepEqual(r, { ok: true, code: 'ACK' });
    assert.equal(nas.received.length, 3);
    const [first, ...again] = nas.received;
    for (const x of again) {
      assert.equal(x.identifier, first!.identifier);
      assert.equal(x.authenticator, first!.authenticator);
      assert.equal(x.from.port, first!.from.port);
    }
  } finally {
    await coa.close();
    await nas.close();
  }
});

test('a response signed with another secret is ignored, so the request times out', async () => {
  const nas = await startNasEmulator({ secret: SECRET, responseSecret: 'not-the-secret' });
  const coa = createCoaClient({ log, timeoutMs: 40, retries: 1 });
  try {
    const r = await coa.send({ host: '127.0.0.1', port: nas.port, secret: Buffer.from(SECRET) }, disconnect);
    assert.deepEqual(r, { ok: false, reason: 'timeout' });
    assert.equal(nas.received.length, 2);
    assert.equal(coa.counters.ignored, 2);
  } finally {
    await coa.close();
    await nas.close();
  }
});

test('a request signed with the wrong secret is dropped by the emulator', async () => {
  const nas = await startNasEmulator({ secret: SECRET });
  const coa = createCoaClient({ log, timeoutMs: 40, retries: 0 });
  try {
    const r = await coa.send({ host: '127.0.0.1', port: nas.port, secret: Buffer.from('wrong') }, disconnect);
    assert.deepEqual(r, { ok: false, reason: 'timeout' });
    assert.equal(nas.received.length, 0);
    assert.equal(nas.dropped, 1);
  } finally {
    await coa.close();
    await nas.close();
  }
});

test('the wrong kind of answer (Disconnect-ACK to a CoA-Request) is ignored', async () => {
  // A peer that answers everything with a correctly signed Disconnect-ACK.
  const peer = dgram.createSocket('udp4');
  peer.on('message', (msg, rinfo) => {
    const d = decodePacket(msg);
    if (!d.ok) return;
    const reply = new PacketWriter(Code.DisconnectACK, d.packet.identifier).messageAuthenticator().toResponse(d.packet.authenticator, Buffer.from(SECRET));
    peer.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
  const coa = createCoaClient({ log, timeoutMs: 100, retries: 0 });
  try {
    const target = { host: '127.0.0.1', port: peer.address().port, secret: Buffer.from(SECRET) };
    const r = await coa.send(target, { kind: 'coa', attributes: ident });
    assert.deepEqual(r, { ok: false, reason: 'timeout' });
    assert.equal(coa.counters.ignored, 1);
    assert.deepEqual(await coa.send(target, disconnect), { ok: true, code: 'ACK' });
  } finally {
    await coa.close();
    await new Promise<void>((resolve) => peer.close(() => resolve()));
  }
});

test('concurrent requests to one NAS get distinct Identifiers, and more than 256 wait their turn', async () => {
  const nas = await startNasEmulator({ secret: SECRET });
  const coa = createCoaClient({ log, timeoutMs: 500 });
  try {
    const target = { host: '127.0.0.1', port: nas.port, secret: Buffer.from(SECRET) };
    const few = await Promise.all(Array.from({ length: 20 }, () => coa.send(target, disconnect)));
    assert.ok(few.every((r) => r.ok));
    assert.equal(new Set(nas.received.map((r) => r.identifier)).size, 20);

    const many = await Promise.all(Array.from({ length: 300 }, () => coa.send(target, disconnect)));
    assert.equal(many.filter((r) => r.ok).length, 300);
    assert.equal(nas.received.length, 320);
    assert.equal(coa.counters.retransmissions, 0);
  } finally {
    await coa.close();
    await nas.close();
  }
});

test('close() rejects what is still pending, and later sends', async () => {
  const nas = await startNasEmulator({ secret: SECRET, behaviour: { default: { reply: 'silent' } } });
  const coa = createCoaClient({ log, timeoutMs: 1000 });
  const target = { host: '127.0.0.1', port: nas.port, secret: Buffer.from(SECRET) };
  const pending = coa.send(target, disconnect);
  while (nas.received.length === 0) await new Promise((r) => setTimeout(r, 5));
  await coa.close();
  await assert.rejects(pending, /closed/);
  await assert.rejects(coa.send(target, disconnect), /closed/);
  await assert.rejects(createCoaClient({ log }).send({ ...target, host: '::1' }, disconnect), /IPv4/);
  await nas.close();
});
