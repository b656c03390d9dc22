import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { decodePacket, Code } from '../codec/packet.js';
import { dictionary } from '../codec/dictionary.js';
import { readOctets, readString } from '../codec/values.js';
import {
  authenticatorResponse,
  challengeHash,
  challengeResponse,
  hashNtPasswordHash,
  msChapV1Response,
  msChapV2Response,
  ntPasswordHash,
  verifyMsChapV1,
  verifyMsChapV2,
} from './mschap.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 2759 §9.2 (Hash Example).
const V2 = {
  username: 'User',
  password: 'clientPass',
  authenticatorChallenge: hex('5B5D7C7D7B3F2F3E3C2C602132262628'),
  peerChallenge: hex('21402324255E262A28295F2B3A337C7E'),
  challengeHash: hex('D02E4386BCE91226'),
  passwordHash: hex('44EBBA8D5312B8D611474411F56989AE'),
  ntResponse: hex('82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF'),
  passwordHashHash: hex('41C00C584BD2D91C4017A2A12FA59F3F'),
  authenticatorResponse: 'S=407A5589115FD0D6209F510FE9C04566932CDA56',
};

// RFC 2433 §B.2 (MS-CHAP v1 hash example).
const V1 = {
  password: 'MyPw',
  challenge: hex('102DB5DF085D3041'),
  passwordHash: hex('FC156AF7EDCD6C0EDDE3337D427F4EAC'),
  ntResponse: hex('4E9D3C8F9CFD385D5BF4D3246791956CA4C351AB409A3D61'),
};

/** The RFC 2759 §9.2 exchange as an MS-CHAP2-Response value (Ident 7). */
function rfcV2Response(ident = 7): Buffer {
  return Buffer.concat([Buffer.from([ident, 0]), V2.peerChallenge, Buffer.alloc(8), V2.ntResponse]);
}

void test('RFC 2759 §9.2 vectors: every intermediate value', () => {
  assert.deepEqual(ntPasswordHash(V2.password), V2.passwordHash);
  assert.deepEqual(hashNtPasswordHash(V2.passwordHash), V2.passwordHashHash);
  assert.deepEqual(challengeHash(V2.peerChallenge, V2.authenticatorChallenge, V2.username), V2.challengeHash);
  assert.deepEqual(challengeResponse(V2.challengeHash, V2.passwordHash), V2.ntResponse);
  assert.equal(
    authenticatorResponse(V2.passwordHash, V2.ntResponse, V2.peerChallenge, V2.authenticatorChallenge, V2.username),
    V2.authenticatorResponse,
  );
});

void test('RFC 2759 §9.2 vectors through the public API', () => {
  const response = msChapV2Response({ ...V2, ident: 7 });
  assert.deepEqual(response, rfcV2Response(7));

  const r = verifyMsChapV2({ ...V2, response });
  assert.equal(r.ok, true);
  assert.ok(r.ok);
  assert.equal(r.success.length, 43);
  assert.equal(r.success[0], 7, 'Ident echoed from the MS-CHAP2-Response');
  assert.equal(r.success.subarray(1).toString('latin1'), V2.authenticatorResponse);
});

void test('RFC 2433 §B.2 vectors: MS-CHAP v1 NT hash and NT-Response', () => {
  assert.deepEqual(ntPasswordHash(V1.password), V1.passwordHash);
  assert.deepEqual(challengeResponse(V1.challenge, V1.passwordHash), V1.ntResponse);
  const response = msChapV1Response({ password: V1.password, challenge: V1.challenge, ident: 3 });
  assert.deepEqual(response, Buffer.concat([Buffer.from([3, 1]), Buffer.alloc(24), V1.ntResponse]));
  assert.equal(verifyMsChapV1({ password: V1.password, challenge: V1.challenge, response }), true);
});

void test('verifyMsChapV2 rejects a wrong password, user name or challenge', () => {
  const response = rfcV2Response();
  assert.deepEqual(verifyMsChapV2({ ...V2, password: 'clientpass', response }), { ok: false });
  assert.deepEqual(verifyMsChapV2({ ...V2, password: '', response }), { ok: false });
  assert.deepEqual(verifyMsChapV2({ ...V2, username: 'user', response }), { ok: false });
  assert.deepEqual(verifyMsChapV2({ ...V2, username: 'User@realm', response }), { ok: false });
  const otherChallenge = Buffer.from(V2.authenticatorChallenge);
  otherChallenge[15] = otherChallenge[15]! ^ 1;
  assert.deepEqual(verifyMsChapV2({ ...V2, authenticatorChallenge: otherChallenge, response }), { ok: false });
  const tampered = Buffer.from(response);
  tampered[49] = tampered[49]! ^ 0x80;
  assert.deepEqual(verifyMsChapV2({ ...V2, response: tampered }), { ok: false });
  const otherPeer = Buffer.from(response);
  otherPeer[2] = otherPeer[2]! ^ 1; // the Peer-Challenge feeds ChallengeHash
  assert.deepEqual(verifyMsChapV2({ ...V2, response: otherPeer }), { ok: false });
});

void test('verifyMsChapV2 rejects wrong sizes', () => {
  const response = rfcV2Response();
  for (const len of [0, 8, 15, 17, 32]) {
    assert.deepEqual(verifyMsChapV2({ ...V2, authenticatorChallenge: Buffer.alloc(len, 1), response }), { ok: false }, `challenge ${len}`);
  }
  for (const len of [0, 1, 24, 49, 51, 100]) {
    const r = Buffer.alloc(len);
    response.copy(r, 0, 0, Math.min(len, 50));
    assert.deepEqual(verifyMsChapV2({ ...V2, response: r }), { ok: false }, `response ${len}`);
  }
  // A 51-octet value whose first 50 octets are right must not pass either.
  assert.deepEqual(verifyMsChapV2({ ...V2, response: Buffer.concat([response, Buffer.alloc(1)]) }), { ok: false });
});

void test('verifyMsChapV2 round trip with msChapV2Response (random challenges, non-ASCII password)', () => {
  for (const password of ['secretpw', 'pässwört-€', '', 'x'.repeat(256)]) {
    const authenticatorChallenge = randomBytes(16);
    const peerChallenge = randomBytes(16);
    const ident = randomBytes(1)[0]!;
    const response = msChapV2Response({ username: 'bob', password, authenticatorChallenge, peerChallenge, ident });
    assert.equal(response.length, 50);
    assert.equal(response[0], ident);
    assert.deepEqual(response.subarray(2, 18), peerChallenge);
    assert.deepEqual(response.subarray(18, 26), Buffer.alloc(8), 'Reserved is zero');
    const r = verifyMsChapV2({ username: 'bob', password, authenticatorChallenge, response });
    assert.ok(r.ok, `password ${JSON.stringify(password)}`);
    assert.equal(r.success[0], ident);
    assert.match(r.success.subarray(1).toString('latin1'), /^S=[0-9A-F]{40}$/);
    const expected = authenticatorResponse(ntPasswordHash(password), response.subarray(26), peerChallenge, authenticatorChallenge, 'bob');
    assert.equal(r.success.subarray(1).toString('latin1'), expected);
    assert.deepEqual(verifyMsChapV2({ username: 'bob', password: `${password}!`, authenticatorChallenge, response }), { ok: false });
  }
});

void test('a DOMAIN\\ prefix on the user name is left out of ChallengeHash (RFC 2759 §8.2)', () => {
  // The peer computed its response as "User"; the NAS forwards "CORP\User".
  const r = verifyMsChapV2({ ...V2, username: 'CORP\\User', response: rfcV2Response() });
  assert.ok(r.ok);
  assert.equal(r.success.subarray(1).toString('latin1'), V2.authenticatorResponse);
  assert.deepEqual(challengeHash(V2.peerChallenge, V2.authenticatorChallenge, 'CORP\\User'), V2.challengeHash);
  // A client given the prefixed name strips it the same way.
  assert.deepEqual(msChapV2Response({ ...V2, username: 'CORP\\User', ident: 7 }), rfcV2Response(7));
  // Only the domain goes: another user in the same domain fails.
  assert.deepEqual(verifyMsChapV2({ ...V2, username: 'CORP\\Other', response: rfcV2Response() }), { ok: false });
});

void test('malformed input returns false without throwing', () => {
  const good = msChapV1Response({ password: 'secretpw', challenge: V1.challenge });
  assert.equal(verifyMsChapV1({ password: 'secretpw', challenge: V1.challenge, response: good }), true);

  const cases: Array<[string, Buffer, Buffer]> = [
    ['empty both', Buffer.alloc(0), Buffer.alloc(0)],
    ['empty response', V1.challenge, Buffer.alloc(0)],
    ['empty challenge', Buffer.alloc(0), good],
    ['49-octet response', V1.challenge, good.subarray(0, 49)],
    ['51-octet response', V1.challenge, Buffer.concat([good, Buffer.alloc(1)])],
    ['7-octet challenge', V1.challenge.subarray(0, 7), good],
    ['16-octet challenge', Buffer.concat([V1.challenge, V1.challenge]), good],
  ];
  for (const [name, challenge, response] of cases) {
    assert.equal(verifyMsChapV1({ password: 'secretpw', challenge, response }), false, name);
  }

  // Flags = 0 means "LM-Response only": rejected even when the NT-Response is right.
  const lmOnly = Buffer.from(good);
  lmOnly[1] = 0;
  assert.equal(verifyMsChapV1({ password: 'secretpw', challenge: V1.challenge, response: lmOnly }), false);

  // Not Buffers at all (a caller bug, but still no throw on the hot path).
  const junk = { password: 'secretpw', challenge: undefined, response: 'x'.repeat(50) } as unknown as Parameters<typeof verifyMsChapV1>[0];
  assert.equal(verifyMsChapV1(junk), false);
  const junk2 = { username: 'u', password: 'p', authenticatorChallenge: null, response: [] } as unknown as Parameters<typeof verifyMsChapV2>[0];
  assert.deepEqual(verifyMsChapV2(junk2), { ok: false });
  assert.deepEqual(verifyMsChapV2({ username: '', password: '', authenticatorChallenge: Buffer.alloc(0), response: Buffer.alloc(0) }), { ok: false });
  assert.deepEqual(verifyMsChapV2({ username: '', password: '', authenticatorChallenge: Buffer.alloc(16), response: Buffer.alloc(50) }), { ok: false });
});

void test('client helpers reject wrong sizes and Idents', () => {
  assert.throws(() => msChapV1Response({ password: 'p', challenge: Buffer.alloc(16) }), RangeError);
  assert.throws(() => msChapV1Response({ password: 'p', challenge: Buffer.alloc(8), ident: 256 }), RangeError);
  assert.throws(() => msChapV2Response({ ...V2, authenticatorChallenge: Buffer.alloc(8) }), RangeError);
  assert.throws(() => msChapV2Response({ ...V2, peerChallenge: Buffer.alloc(8) }), RangeError);
  assert.throws(() => msChapV2Response({ ...V2, ident: -1 }), RangeError);
});

void test('MS-CHAP v1 from a real peer: radclient with MS-CHAP-Password', async (t) => {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  const child = spawn('radclient', ['-x', '-r', '1', '-t', '1', `127.0.0.1:${port}`, 'auth', 'testing123'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  t.after(() => {
    child.kill(); // it waits for a reply that never comes
    socket.close();
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));

  const packet = new Promise<Buffer>((resolve, reject) => {
    socket.once('message', (msg) => resolve(msg));
    child.once('error', reject); // e.g. radclient not installed
    child.once('exit', (code) => reject(new Error(`radclient exited (${code}) before sending anything:\n${output}`)));
  });
  child.stdin.end('User-Name = "bob", MS-CHAP-Password = "secretpw"\n');
  const raw = await packet;

  const decoded = decodePacket(raw);
  assert.ok(decoded.ok, `decode failed: ${decoded.ok ? '' : decoded.reason}`);
  const p = decoded.packet;
  const dict = dictionary();
  assert.equal(p.code, Code.AccessRequest);
  assert.equal(readString(p, dict.attr('User-Name')), 'bob');
  const challenge = readOctets(p, dict.attr('MS-CHAP-Challenge'));
  const response = readOctets(p, dict.attr('MS-CHAP-Response'));
  assert.ok(challenge && response, `MS-CHAP attributes missing; radclient said:\n${output}`);
  assert.equal(challenge.length, 8);
  assert.equal(response.length, 50);
  assert.equal(response[1], 1, 'Flags = 1 (use the NT-Response)');

  assert.equal(verifyMsChapV1({ password: 'secretpw', challenge, response }), true);
  assert.equal(verifyMsChapV1({ password: 'secretpW', challenge, response }), false);
  assert.equal(verifyMsChapV1({ password: 'other', challenge, response }), false);
  // Our client side builds the same value radclient did (Ident, Flags, zero LM-Response, NT-Response).
  assert.deepEqual(msChapV1Response({ password: 'secretpw', challenge, ident: response[0]! }), response);
});
