/**
 * What the radius role refuses and how: unknown NAS, wrong shared secret, missing or bad
 * Message-Authenticator (BlastRADIUS, CVE-2024-3596), Proxy-State without one, retransmissions
 * (RFC 5080), Status-Server (RFC 5997).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { dictionary } from '../../aaa/codec/dictionary.js';
import { Code, decodePacket } from '../../aaa/codec/packet.js';
import { hideUserPassword } from '../../aaa/codec/user-password.js';
import { PacketWriter } from '../../aaa/codec/writer.js';
import { createNas, createSubscription } from '../helpers/factories.js';
import { radclient } from '../helpers/radclient.js';
import { accountingInterim } from '../helpers/radius-load.js';
import { checkResponse } from '../helpers/radius-authenticators.js';
import { startRadiusStack, type RadiusStack } from '../helpers/radius-stack.js';
import { createUdpPeer } from '../helpers/udp-peer.js';

const SECRET = 'strict-secret-91';
const LEGACY_SECRET = 'legacy-secret-77';
const d = dictionary();
let stack: RadiusStack;
let port: number;
let user: { username: string; password: string };

before(async () => {
  stack = await startRadiusStack({
    before: async (c) => {
      await createNas(c.db, { ipAddress: '127.0.0.1', secret: SECRET });
      // An older RouterOS that cannot send Message-Authenticator: allowed to omit it.
      await createNas(c.db, { ipAddress: '127.0.0.3', secret: LEGACY_SECRET, requireMessageAuthenticator: false });
      user = await createSubscription(c.db, { password: 'pw-sec' });
    },
  });
  port = stack.radius.ports.authPort;
});

after(async () => {
  await stack.stop();
});

/** A PAP Access-Request built by hand. */
function papRequest(secret: string, opts: { ma?: boolean; proxyState?: string; identifier?: number; password?: string } = {}): { packet: Buffer; authenticator: Buffer } {
  const authenticator = randomBytes(16);
  const w = new PacketWriter().reset(Code.AccessRequest, opts.identifier ?? 42, authenticator);
  if (opts.ma !== false) w.messageAuthenticator();
  w.add(d.attr('User-Name'), user.username).add(d.attr('User-Password'), hideUserPassword(opts.password ?? user.password, authenticator, Buffer.from(secret)));
  if (opts.proxyState) w.add(d.attr('Proxy-State'), Buffer.from(opts.proxyState));
  return { packet: w.toAccessRequest(Buffer.from(secret)), authenticator };
}

// The replies are checked with test/helpers/radius-authenticators.ts (node:crypto, written from
// RFC 2865 §3 and RFC 3579 §3.2), not with aaa/codec, which signed them.
for (const [kind, password, code] of [['Access-Accept', undefined, Code.AccessAccept], ['Access-Reject', 'not-the-password', Code.AccessReject]] as const) {
  test(`an ${kind} carries Message-Authenticator first, and both authenticators verify with the shared secret`, async () => {
    const peer = await createUdpPeer();
    const { packet, authenticator } = papRequest(SECRET, { password });
    const raw = await peer.request(packet, port);
    peer.close();
    assert.ok(raw, 'answered');
    assert.equal(raw[0], code);
    assert.deepEqual(checkResponse(raw, authenticator, SECRET), { authenticator: true, messageAuthenticator: 'valid', messageAuthenticatorFirst: true });
    assert.deepEqual(checkResponse(raw, authenticator, 'another-secret'), { authenticator: false, messageAuthenticator: 'invalid', messageAuthenticatorFirst: true });
  });
}

test('a Status-Server answer carries a Message-Authenticator that verifies (RFC 5997 §3)', async () => {
  const peer = await createUdpPeer();
  const authenticator = randomBytes(16);
  const request = new PacketWriter().reset(Code.StatusServer, 77, authenticator).messageAuthenticator().toAccessRequest(Buffer.from(SECRET));
  const raw = await peer.request(request, port);
  peer.close();
  assert.ok(raw, 'answered');
  assert.equal(raw[0], Code.AccessAccept);
  assert.deepEqual(checkResponse(raw, authenticator, SECRET), { authenticator: true, messageAuthenticator: 'valid', messageAuthenticatorFirst: true });
});

test('an Access-Request with the wrong shared secret gets no reply and is counted', async () => {
  const before = await stack.metric('radius_dropped_total', { reason: 'bad_message_authenticator' });
  const r = await radclient({ port, secret: 'not-the-secret', type: 'auth', attributes: [`User-Name = "${user.username}"`, `User-Password = "${user.password}"`, 'Message-Authenticator = 0x00'] });
  assert.equal(r.code, null, r.stdout);
  assert.ok((await stack.metric('radius_dropped_total', { reason: 'bad_message_authenticator' })) > before, 'counted as a bad Message-Authenticator');
});

test('a NAS that requires Message-Authenticator: a request without one is dropped', async () => {
  const r = await radclient({ port, secret: SECRET, type: 'auth', attributes: [`User-Name = "${user.username}"`, `User-Password = "${user.password}"`] });
  assert.equal(r.code, null);
  assert.ok((await stack.metric('radius_dropped_total', { reason: 'missing_message_authenticator' })) >= 1);
});

test('a NAS allowed to omit Message-Authenticator is answered without one, but not when it sends Proxy-State', async () => {
  const peer = await createUdpPeer('127.0.0.3');
  const plain = await peer.request(papRequest(LEGACY_SECRET, { ma: false }).packet, port);
  assert.ok(plain, 'answered');
  assert.equal(plain[0], Code.AccessAccept);
  const proxied = await peer.request(papRequest(LEGACY_SECRET, { ma: false, proxyState: 'ps-1', identifier: 43 }).packet, port, 500);
  peer.close();
  assert.equal(proxied, null, 'Proxy-State without Message-Authenticator is dropped (BlastRADIUS)');
  assert.equal(await stack.metric('radius_dropped_total', { reason: 'proxy_state_without_message_authenticator' }), 1);
});

test('Proxy-State is copied into the reply unchanged and in order', async () => {
  const peer = await createUdpPeer();
  const authenticator = randomBytes(16);
  const w = new PacketWriter().reset(Code.AccessRequest, 44, authenticator).messageAuthenticator()
    .add(d.attr('User-Name'), user.username)
    .add(d.attr('User-Password'), hideUserPassword(user.password, authenticator, Buffer.from(SECRET)))
    .add(d.attr('Proxy-State'), Buffer.from('first'))
    .add(d.attr('Proxy-State'), Buffer.from('second'));
  const raw = await peer.request(w.toAccessRequest(Buffer.from(SECRET)), port);
  peer.close();
  const decoded = decodePacket(raw!);
  assert.ok(decoded.ok);
  const states = decoded.packet.attributes.filter((a) => a.type === 33).map((a) => a.value.toString());
  assert.deepEqual(states, ['first', 'second']);
});

test('a packet from an address that is no NAS is dropped and counted', async () => {
  const peer = await createUdpPeer('127.0.0.2');
  const r = await peer.request(papRequest(SECRET).packet, port, 300);
  peer.close();
  assert.equal(r, null);
  assert.ok((await stack.metric('radius_dropped_total', { reason: 'unknown_nas' })) >= 1);
});

test('a retransmission gets the same reply and is decided once', async () => {
  const peer = await createUdpPeer();
  const { packet } = papRequest(SECRET, { identifier: 200 });
  const dupsBefore = await stack.metric('radius_duplicates_total');
  const acceptsBefore = await stack.metric('radius_requests_total', { type: 'access', result: 'accept' });
  const first = await peer.request(packet, port);
  const second = await peer.request(packet, port);
  peer.close();
  assert.ok(first && second);
  assert.ok(first.equals(second), 'byte-identical replies');
  assert.equal(await stack.metric('radius_duplicates_total'), dupsBefore + 1);
  assert.equal(await stack.metric('radius_requests_total', { type: 'access', result: 'accept' }), acceptsBefore + 1);
});

test('a copy of an answered Accounting-Request\'s header and authenticator over other attributes gets the reply already sent, and stores nothing', async () => {
  // Retransmissions are answered from the header (radius-server.ts); a forged copy can at most
  // repeat the reply the NAS already has.
  const peer = await createUdpPeer();
  // Not `user`: an open session of theirs would hold their one login (simultaneous use).
  const genuine = accountingInterim(77, 'dup-probe', 'genuine-1', SECRET);
  const forged = accountingInterim(77, 'dup-probe', 'forged-02', SECRET);
  genuine.copy(forged, 4, 4, 20);
  const dupsBefore = await stack.metric('radius_duplicates_total');
  const first = await peer.request(genuine, stack.radius.ports.acctPort);
  const second = await peer.request(forged, stack.radius.ports.acctPort);
  peer.close();
  assert.ok(first && second);
  assert.equal(first[0], Code.AccountingResponse);
  assert.ok(first.equals(second), 'the reply already sent, byte for byte');
  assert.equal(await stack.metric('radius_duplicates_total'), dupsBefore + 1);
  assert.equal((await stack.c.db('accounting_sessions').where({ acct_session_id: 'genuine-1' })).length, 1);
  assert.equal((await stack.c.db('accounting_sessions').where({ acct_session_id: 'forged-02' })).length, 0);
});

test('the same Identifier with a new authenticator is a new request, not a duplicate', async () => {
  const peer = await createUdpPeer();
  const a = await peer.request(papRequest(SECRET, { identifier: 201 }).packet, port);
  const b = await peer.request(papRequest(SECRET, { identifier: 201 }).packet, port);
  peer.close();
  assert.ok(a && b);
  assert.ok(!a.equals(b));
  assert.equal(b[0], Code.AccessAccept);
});

test('Status-Server with Message-Authenticator is answered (RFC 5997)', async () => {
  const r = await radclient({ port, secret: SECRET, type: 'status', attributes: ['Message-Authenticator = 0x00'] });
  assert.equal(r.code, 'Access-Accept', r.stdout + r.stderr);
});

test('Status-Server to the accounting port is answered with Accounting-Response (RFC 5997 §3)', async () => {
  const r = await radclient({ port: stack.radius.ports.acctPort, secret: SECRET, type: 'status', attributes: ['Message-Authenticator = 0x00'] });
  assert.equal(r.code, 'Accounting-Response', r.stdout + r.stderr);
});

test('an Accounting-Request signed with the wrong secret is dropped, not stored', async () => {
  const acct = stack.radius.ports.acctPort;
  const r = await radclient({ port: acct, secret: 'wrong', type: 'acct', attributes: [`User-Name = "${user.username}"`, 'Acct-Status-Type = Start', 'Acct-Session-Id = "forged-1"'] });
  assert.equal(r.code, null);
  assert.equal((await stack.c.db('accounting_sessions').where({ acct_session_id: 'forged-1' })).length, 0);
  assert.ok((await stack.metric('radius_dropped_total', { reason: 'bad_authenticator' })) >= 1);
});
