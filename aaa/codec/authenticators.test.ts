/**
 * Authenticators and Message-Authenticator, checked against a peer we did not write: FreeRADIUS's
 * radclient (freeradius-utils) sends real requests to a socket here, we verify them, answer with
 * PacketWriter, and radclient (which checks Response Authenticator and Message-Authenticator)
 * must accept the answer. A few negative controls prove radclient would notice a bad signature.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import dgram from 'node:dgram';
import {
  verifyRequestMessageAuthenticator,
  verifyResponse,
  verifySignedRequest,
} from './authenticators.js';
import { dictionary } from './dictionary.js';
import { Code, decodePacket, findAttribute, type Packet } from './packet.js';
import { revealUserPassword } from './user-password.js';
import { describeAttributes } from './values.js';
import { PacketWriter } from './writer.js';

const dict = dictionary();
const SECRET = 'radclient-secret';
const SECRET_BUF = Buffer.from(SECRET);
const WRONG = Buffer.from('radclient-secreT');
const RADCLIENT = '/usr/bin/radclient';

interface Exchange {
  requests: Packet[];
  exitCode: number | null;
  output: string;
}

/**
 * Runs radclient against a UDP socket on 127.0.0.1: `packets` are radclient input (one array of
 * `Name = value` lines per packet); `answer` builds our reply to each decoded request (or none).
 */
async function radclient(
  kind: 'auth' | 'acct' | 'coa' | 'disconnect',
  packets: string[][],
  answer: (req: Packet) => Buffer | undefined,
): Promise<Exchange> {
  const socket = dgram.createSocket('udp4');
  const requests: Packet[] = [];
  const errors: string[] = [];
  socket.on('message', (msg, rinfo) => {
    const r = decodePacket(Buffer.from(msg));
    if (!r.ok) {
      errors.push(r.reason);
      return;
    }
    requests.push(r.packet);
    const reply = answer(r.packet);
    if (reply) socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  const child = spawn(RADCLIENT, ['-x', '-r', '1', '-t', '1', `127.0.0.1:${port}`, kind, SECRET], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
      child.stdin.end(packets.map((lines) => lines.join(', ')).join('\n\n') + '\n');
    });
    assert.deepEqual(errors, [], 'radclient sent a packet our decoder dropped');
    return { requests, exitCode, output };
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    socket.close();
  }
}

function assertAccepted(x: Exchange, reply: string, count = 1): void {
  const received = x.output.match(new RegExp(`^Received ${reply} Id \\d+`, 'gm')) ?? [];
  assert.equal(received.length, count, `radclient output:\n${x.output}`);
  assert.doesNotMatch(x.output, /No reply|verification failed|invalid/i, x.output);
  assert.equal(x.exitCode, 0, x.output);
}

function assertNotAccepted(x: Exchange, reply: string): void {
  assert.doesNotMatch(x.output, new RegExp(`^Received ${reply}`, 'm'), x.output);
  assert.notEqual(x.exitCode, 0, x.output);
}

test('radclient Access-Request: its Message-Authenticator verifies with the right secret only; our Access-Accept (MA first) is accepted', async () => {
  const x = await radclient(
    'auth',
    [['User-Name = "budi"', 'User-Password = "rahasia"', 'NAS-Identifier = "rb-core-1"', 'Message-Authenticator = 0x00']],
    (req) =>
      new PacketWriter(Code.AccessAccept, req.identifier)
        .messageAuthenticator()
        .add(dict.attr('Mikrotik-Rate-Limit'), '2M/10M')
        .add(dict.attr('Session-Timeout'), 3600)
        .toResponse(req.authenticator, SECRET_BUF),
  );
  assert.equal(x.requests.length, 1);
  const req = x.requests[0]!;
  assert.equal(req.code, Code.AccessRequest);
  assert.ok(req.messageAuthenticatorOffset > 0);
  assert.equal(verifyRequestMessageAuthenticator(req, SECRET_BUF), true);
  assert.equal(verifyRequestMessageAuthenticator(req, WRONG), false);
  assert.equal(revealUserPassword(findAttribute(req, 2)!.value, req.authenticator, SECRET_BUF)?.toString(), 'rahasia');
  assertAccepted(x, 'Access-Accept');
  assert.match(x.output, /Mikrotik-Rate-Limit = "2M\/10M"/);
  assert.match(x.output, /Session-Timeout = 3600/);
});

test('negative control: radclient refuses an Access-Accept signed with the wrong secret', async () => {
  const x = await radclient(
    'auth',
    [['User-Name = "budi"', 'User-Password = "rahasia"', 'Message-Authenticator = 0x00']],
    (req) => new PacketWriter(Code.AccessAccept, req.identifier).messageAuthenticator().toResponse(req.authenticator, WRONG),
  );
  assert.equal(x.requests.length, 1);
  assertNotAccepted(x, 'Access-Accept');
});

test('radclient PAP passwords of 1 to 128 octets are revealed exactly', async () => {
  const passwords = [1, 15, 16, 17, 32, 33, 127, 128].map((n) =>
    Array.from({ length: n }, (_, i) => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.'[(i * 11 + n) % 65]).join(''),
  );
  const x = await radclient(
    'auth',
    passwords.map((p, i) => [`User-Name = "u${i}"`, `User-Password = "${p}"`]),
    (req) => new PacketWriter(Code.AccessReject, req.identifier).messageAuthenticator().toResponse(req.authenticator, SECRET_BUF),
  );
  assert.equal(x.requests.length, passwords.length);
  for (const req of x.requests) {
    const i = Number(findAttribute(req, 1)!.value.toString().slice(1));
    const hidden = findAttribute(req, 2)!.value;
    assert.equal(revealUserPassword(hidden, req.authenticator, SECRET_BUF)?.toString(), passwords[i], `password ${i}`);
  }
  // radclient expected an Accept, so it exits non-zero, but it did receive and verify each Reject
  assert.equal((x.output.match(/^Received Access-Reject/gm) ?? []).length, passwords.length, x.output);
  assert.doesNotMatch(x.output, /No reply|verification failed|invalid/i, x.output);
});

const ACCT_LINES = [
  'User-Name = "budi"',
  'Acct-Status-Type = Interim-Update',
  'Acct-Session-Id = "81a0000f"',
  'Acct-Input-Octets = 1234567890',
  'Acct-Input-Gigawords = 1',
  'NAS-Identifier = "rb-core-1"',
];

test('radclient Accounting-Request: the Request Authenticator verifies; our Accounting-Response is accepted', async () => {
  const x = await radclient('acct', [ACCT_LINES], (req) =>
    new PacketWriter(Code.AccountingResponse, req.identifier).toResponse(req.authenticator, SECRET_BUF),
  );
  const req = x.requests[0]!;
  assert.equal(req.code, Code.AccountingRequest);
  assert.equal(req.messageAuthenticatorOffset, -1);
  assert.equal(verifySignedRequest(req, SECRET_BUF), true);
  assert.equal(verifySignedRequest(req, WRONG), false);
  assert.deepEqual(describeAttributes(req).slice(1, 2), [['Acct-Status-Type', 'Interim-Update']]);
  assertAccepted(x, 'Accounting-Response');
});

test('negative control: radclient refuses an Accounting-Response signed with the wrong secret', async () => {
  const x = await radclient('acct', [ACCT_LINES], (req) =>
    new PacketWriter(Code.AccountingResponse, req.identifier).toResponse(req.authenticator, WRONG),
  );
  assertNotAccepted(x, 'Accounting-Response');
});

test('radclient Accounting-Request with Message-Authenticator: Request Authenticator and MA (over zeros) both verify', async () => {
  const x = await radclient('acct', [[...ACCT_LINES, 'Message-Authenticator = 0x00']], (req) =>
    new PacketWriter(Code.AccountingResponse, req.identifier).toResponse(req.authenticator, SECRET_BUF),
  );
  const req = x.requests[0]!;
  assert.ok(req.messageAuthenticatorOffset > 0);
  assert.equal(verifySignedRequest(req, SECRET_BUF), true);
  assert.equal(verifySignedRequest(req, WRONG), false);
  assertAccepted(x, 'Accounting-Response');

  // Only the Message-Authenticator wrong (Request Authenticator recomputed over the tampered packet): rejected.
  const tampered = Buffer.from(req.raw);
  tampered[req.messageAuthenticatorOffset]! ^= 0x01;
  const forRa = Buffer.from(tampered);
  forRa.fill(0, 4, 20);
  createHash('md5').update(forRa).update(SECRET_BUF).digest().copy(tampered, 4);
  const r = decodePacket(tampered);
  assert.ok(r.ok);
  assert.equal(verifySignedRequest(r.packet, SECRET_BUF), false);
});

test('radclient accepts our Accounting-Response (no Message-Authenticator) to a request that carried one', async () => {
  // FreeRADIUS computes an Accounting-Response's Message-Authenticator over 16 zero octets, unlike
  // every other response (RFC 3579 §3.2), so we send none there, and the writer refuses one.
  const x = await radclient('acct', [[...ACCT_LINES, 'Message-Authenticator = 0x00']], (req) =>
    new PacketWriter(Code.AccountingResponse, req.identifier).toResponse(req.authenticator, SECRET_BUF),
  );
  assert.equal(x.requests.length, 1);
  assert.ok(x.requests[0]!.messageAuthenticatorOffset >= 0, 'the request carried one');
  assertAccepted(x, 'Accounting-Response');
  assert.throws(
    () => new PacketWriter(Code.AccountingResponse, 1).messageAuthenticator().toResponse(Buffer.alloc(16), SECRET_BUF),
    /Accounting-Response/,
  );
});

for (const withMa of [false, true]) {
  test(`radclient CoA-Request${withMa ? ' with Message-Authenticator' : ''}: verifies; our CoA-ACK is accepted`, async () => {
    const lines = ['User-Name = "budi"', 'Acct-Session-Id = "81a0000f"', 'Mikrotik-Rate-Limit = "1M/1M"'];
    const x = await radclient('coa', [withMa ? [...lines, 'Message-Authenticator = 0x00'] : lines], (req) => {
      const w = new PacketWriter(Code.CoAACK, req.identifier);
      if (req.messageAuthenticatorOffset >= 0) w.messageAuthenticator();
      return w.toResponse(req.authenticator, SECRET_BUF);
    });
    const req = x.requests[0]!;
    assert.equal(req.code, Code.CoARequest);
    assert.equal(req.messageAuthenticatorOffset >= 0, withMa);
    assert.equal(verifySignedRequest(req, SECRET_BUF), true);
    assert.equal(verifySignedRequest(req, WRONG), false);
    assert.deepEqual(describeAttributes(req).at(-1 - Number(withMa)), ['Mikrotik-Rate-Limit', '1M/1M']);
    assertAccepted(x, 'CoA-ACK');
  });
}

test('radclient CoA-Request answered with CoA-NAK and Error-Cause: radclient receives and decodes it', async () => {
  const x = await radclient('coa', [['User-Name = "budi"', 'Mikrotik-Rate-Limit = "1M/1M"']], (req) =>
    new PacketWriter(Code.CoANAK, req.identifier)
      .add(dict.attr('Error-Cause'), 'Session-Context-Not-Found')
      .toResponse(req.authenticator, SECRET_BUF),
  );
  assert.equal(verifySignedRequest(x.requests[0]!, SECRET_BUF), true);
  assert.match(x.output, /^Received CoA-NAK Id \d+/m, x.output);
  assert.match(x.output, /Error-Cause = Session-Context-Not-Found/, x.output);
  assert.doesNotMatch(x.output, /No reply|verification failed|invalid/i, x.output);
});

test('radclient Disconnect-Request with Message-Authenticator: verifies; our Disconnect-ACK (MA first) is accepted', async () => {
  const x = await radclient(
    'disconnect',
    [['User-Name = "budi"', 'Acct-Session-Id = "81a0000f"', 'Framed-IP-Address = 100.64.3.7', 'Message-Authenticator = 0x00']],
    (req) => new PacketWriter(Code.DisconnectACK, req.identifier).messageAuthenticator().toResponse(req.authenticator, SECRET_BUF),
  );
  const req = x.requests[0]!;
  assert.equal(req.code, Code.DisconnectRequest);
  assert.equal(verifySignedRequest(req, SECRET_BUF), true);
  assert.equal(verifySignedRequest(req, WRONG), false);
  assertAccepted(x, 'Disconnect-ACK');
});

// ---------------------------------------------------------------------------------------------
// Unit checks with packets signed here from the RFC formulas

const REQ_AUTH = Buffer.from('a1b2c3d4e5f60718293a4b5c6d7e8f90', 'hex');
const attrBytes = (type: number, value: Buffer) => Buffer.concat([Buffer.from([type, value.length + 2]), value]);

/** A response signed here: MA (when `maIndex` is given, inserted at that attribute index) then RA. */
function signedResponse(code: number, attrs: Buffer[], maIndex?: number): Buffer {
  const list = [...attrs];
  if (maIndex !== undefined) list.splice(maIndex, 0, attrBytes(80, Buffer.alloc(16)));
  const body = Buffer.concat(list);
  const buf = Buffer.concat([Buffer.from([code, 9, 0, 0]), REQ_AUTH, body]);
  buf.writeUInt16BE(buf.length, 2);
  if (maIndex !== undefined) {
    const off = 20 + list.slice(0, maIndex).reduce((n, a) => n + a.length, 0) + 2;
    createHmac('md5', SECRET_BUF).update(buf).digest().copy(buf, off);
  }
  createHash('md5').update(buf).update(SECRET_BUF).digest().copy(buf, 4);
  return buf;
}
const ATTRS = [attrBytes(18, Buffer.from('Selamat datang')), attrBytes(27, Buffer.from([0, 0, 0x0e, 0x10]))];

function decoded(buf: Buffer): Packet {
  const r = decodePacket(buf);
  if (!r.ok) assert.fail(r.reason);
  return r.packet;
}

test('verifyResponse: Message-Authenticator first, middle or last all verify (never judged by position)', () => {
  for (const at of [0, 1, 2]) {
    const p = decoded(signedResponse(Code.AccessAccept, ATTRS, at));
    assert.equal(verifyResponse(p, REQ_AUTH, SECRET_BUF, true), true, `MA at ${at}`);
    assert.equal(verifyResponse(p, REQ_AUTH, WRONG, true), false, `MA at ${at}, wrong secret`);
  }
});

test('verifyResponse: a changed attribute, Response Authenticator or Message-Authenticator fails', () => {
  const good = signedResponse(Code.AccessAccept, ATTRS, 0);
  const flip = (at: number) => {
    const b = Buffer.from(good);
    b[at]! ^= 0x80;
    return decoded(b);
  };
  assert.equal(verifyResponse(flip(good.length - 1), REQ_AUTH, SECRET_BUF), false, 'attribute changed');
  assert.equal(verifyResponse(flip(7), REQ_AUTH, SECRET_BUF), false, 'Response Authenticator changed');
  // only the MA wrong: recompute the Response Authenticator over the tampered packet
  const b = Buffer.from(good);
  b[25]! ^= 0x01;
  const forRa = Buffer.from(b);
  REQ_AUTH.copy(forRa, 4);
  createHash('md5').update(forRa).update(SECRET_BUF).digest().copy(b, 4);
  assert.equal(verifyResponse(decoded(b), REQ_AUTH, SECRET_BUF), false, 'Message-Authenticator changed');
});

test('verifyResponse: requireMessageAuthenticator fails a response without one', () => {
  const p = decoded(signedResponse(Code.AccessAccept, ATTRS));
  assert.equal(verifyResponse(p, REQ_AUTH, SECRET_BUF), true);
  assert.equal(verifyResponse(p, REQ_AUTH, SECRET_BUF, true), false);
});

test('verifyRequestMessageAuthenticator: absent or altered fails', () => {
  const noMa = Buffer.concat([Buffer.from([1, 1, 0, 26]), REQ_AUTH, attrBytes(1, Buffer.from('budi'))]);
  assert.equal(verifyRequestMessageAuthenticator(decoded(noMa), SECRET_BUF), false);

  const withMa = Buffer.concat([Buffer.from([1, 1, 0, 44]), REQ_AUTH, attrBytes(80, Buffer.alloc(16)), attrBytes(1, Buffer.from('budi'))]);
  createHmac('md5', SECRET_BUF).update(withMa).digest().copy(withMa, 22);
  assert.equal(verifyRequestMessageAuthenticator(decoded(withMa), SECRET_BUF), true);
  const altered = Buffer.from(withMa);
  altered[altered.length - 1]! ^= 0x20;
  assert.equal(verifyRequestMessageAuthenticator(decoded(altered), SECRET_BUF), false);
  const otherAuth = Buffer.from(withMa);
  otherAuth[4]! ^= 0x01;
  assert.equal(verifyRequestMessageAuthenticator(decoded(otherAuth), SECRET_BUF), false, 'covers the authenticator');
});
