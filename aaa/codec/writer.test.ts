/**
 * PacketWriter tests: layout (Message-Authenticator first in responses, RFC 2865 §5.26 vendor
 * format), size limits, reuse after `reset`, signatures recomputed here from the RFC formulas, and
 * the `radius` package decoding what we encode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { verifyResponse } from './authenticators.js';
import { dictionary } from './dictionary.js';
import { Code, decodePacket, type Packet } from './packet.js';
import { decodeValue } from './values.js';
import { PacketWriter } from './writer.js';

const dict = dictionary();
const SECRET = Buffer.from('writer-secret');
const REQUEST_AUTH = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

const md5 = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('md5')).digest();
const hmacMd5 = (key: Buffer, data: Buffer) => createHmac('md5', key).update(data).digest();

function decodeOk(buf: Buffer): Packet {
  const r = decodePacket(buf);
  if (!r.ok) assert.fail(`expected the packet to decode, got ${r.reason}`);
  return r.packet;
}

function acceptWriter(): PacketWriter {
  return new PacketWriter(Code.AccessAccept, 42)
    .messageAuthenticator()
    .add(dict.attr('Mikrotik-Rate-Limit'), '2M/10M')
    .add(dict.attr('Session-Timeout'), 3600)
    .add(dict.attr('Class'), Buffer.from('sub-42'));
}

test('a response with Message-Authenticator has it first, and both signatures follow RFC 3579 §3.2 and RFC 2865 §3', () => {
  const out = acceptWriter().toResponse(REQUEST_AUTH, SECRET);
  assert.equal(out[0], Code.AccessAccept);
  assert.equal(out[1], 42);
  assert.equal(out.readUInt16BE(2), out.length);
  assert.deepEqual([out[20], out[21]], [80, 18], 'first attribute: Message-Authenticator, 18 octets');

  // MA = HMAC-MD5(secret, packet with the request's authenticator and the MA zeroed)
  const forMa = Buffer.from(out);
  REQUEST_AUTH.copy(forMa, 4);
  forMa.fill(0, 22, 38);
  assert.deepEqual(out.subarray(22, 38), hmacMd5(SECRET, forMa));
  // Response Authenticator = MD5(packet with the request's authenticator, final MA | secret)
  const forRa = Buffer.from(out);
  REQUEST_AUTH.copy(forRa, 4);
  assert.deepEqual(out.subarray(4, 20), md5(forRa, SECRET));

  const p = decodeOk(out);
  assert.equal(p.attributes[0]!.type, 80);
  assert.equal(p.messageAuthenticatorOffset, 22);
  assert.equal(verifyResponse(p, REQUEST_AUTH, SECRET, true), true);
});

test('a response is never sent with its Message-Authenticator after another attribute (BlastRADIUS)', () => {
  // The writer documents "Message-Authenticator goes first when requested, before any other
  // attribute". Requested late, it must still come first, or the writer must refuse.
  const w = new PacketWriter(Code.AccessAccept, 1).add(dict.attr('Reply-Message'), 'hi');
  let out: Buffer;
  try {
    w.messageAuthenticator();
    out = w.toResponse(REQUEST_AUTH, SECRET);
  } catch (e) {
    assert.ok(e instanceof Error);
    return;
  }
  const p = decodeOk(out);
  assert.equal(p.attributes[0]!.type, 80, `attribute order: ${p.attributes.map((a) => a.type).join(', ')}`);
});

test('requesting Message-Authenticator twice does not produce a packet with two of them', () => {
  const w = new PacketWriter(Code.AccessAccept, 1).messageAuthenticator();
  let out: Buffer;
  try {
    w.messageAuthenticator();
    out = w.toResponse(REQUEST_AUTH, SECRET);
  } catch (e) {
    assert.ok(e instanceof Error);
    return;
  }
  const r = decodePacket(out);
  assert.ok(r.ok, `our own decoder drops what our writer produced: ${r.ok ? '' : r.reason}`);
  assert.equal(r.packet.attributes.filter((a) => a.type === 80).length, 1);
});

test('a response without Message-Authenticator is signed with the Response Authenticator only', () => {
  const out = new PacketWriter(Code.AccountingResponse, 9).toResponse(REQUEST_AUTH, SECRET);
  assert.equal(out.length, 20);
  const forRa = Buffer.from(out);
  REQUEST_AUTH.copy(forRa, 4);
  assert.deepEqual(out.subarray(4, 20), md5(forRa, SECRET));
  assert.equal(verifyResponse(decodeOk(out), REQUEST_AUTH, SECRET, true), false, 'required but absent');
  assert.equal(verifyResponse(decodeOk(out), REQUEST_AUTH, SECRET), true);
});

test('attribute values: 253 octets fit, 254 throw RangeError; vendor values: 247 fit, 248 throw', () => {
  const w = new PacketWriter(Code.AccessAccept, 1);
  w.addRaw(18, Buffer.alloc(253, 0x41));
  assert.throws(() => w.addRaw(18, Buffer.alloc(254, 0x41)), RangeError);
  assert.throws(() => w.add(dict.attr('Reply-Message'), 'x'.repeat(254)), RangeError);
  w.addVendor(14988, 8, Buffer.alloc(247, 0x42));
  assert.throws(() => w.addVendor(14988, 8, Buffer.alloc(248, 0x42)), RangeError);
  assert.throws(() => w.add(dict.attr('Mikrotik-Rate-Limit'), 'x'.repeat(248)), RangeError);
  // the failed calls left nothing behind
  const p = decodeOk(w.toResponse(REQUEST_AUTH, SECRET));
  assert.deepEqual(
    p.attributes.map((a) => [a.type, a.vendorId, a.value.length]),
    [
      [18, 0, 253],
      [26, 14988, 247],
    ],
  );
  assert.equal(p.raw.length, 20 + 255 + 255);
});

test('a packet may reach 4096 octets but not exceed them (RangeError)', () => {
  const w = new PacketWriter(Code.AccessAccept, 1);
  for (let i = 0; i < 15; i++) w.addRaw(18, Buffer.alloc(253, i));
  w.addRaw(18, Buffer.alloc(4096 - 20 - 15 * 255 - 2, 0x7a));
  assert.throws(() => w.addRaw(18, Buffer.alloc(0)), RangeError);
  assert.throws(() => w.addVendor(14988, 8, Buffer.alloc(1)), RangeError);
  const out = w.toResponse(REQUEST_AUTH, SECRET);
  assert.equal(out.length, 4096);
  assert.equal(decodeOk(out).attributes.length, 16);
});

test('vendor attributes are encoded in the RFC 2865 §5.26 format, one per Vendor-Specific', () => {
  const w = new PacketWriter(Code.AccessAccept, 1)
    .add(dict.attr('Mikrotik-Rate-Limit'), '2M/10M')
    .add(dict.attr('Mikrotik-Total-Limit-Gigawords'), 5)
    .add(dict.attr('MS-CHAP2-Success'), Buffer.from('\x01S=0123', 'latin1'));
  const out = w.toResponse(REQUEST_AUTH, SECRET);
  const expected = Buffer.from(
    [
      // Type 26, Length 14, Vendor-Id 14988 (0x00003a8c), Vendor type 8, Vendor length 8, "2M/10M"
      '1a 0e 00003a8c 08 08 324d2f31304d',
      // Mikrotik-Total-Limit-Gigawords (18) = 5, an integer: 4 octets
      '1a 0c 00003a8c 12 06 00000005',
      // MS-CHAP2-Success: vendor 311 (0x00000137), type 26, ident 1 then "S=0123"
      '1a 0f 00000137 1a 09 01533d30313233',
    ]
      .join('')
      .replace(/\s+/g, ''),
    'hex',
  );
  assert.deepEqual(out.subarray(20), expected);
});

test('reset makes the writer reusable without leaking the previous packet', () => {
  const w = acceptWriter();
  const first = w.toResponse(REQUEST_AUTH, SECRET);

  const otherAuth = Buffer.alloc(16, 0x11);
  const second = w.reset(Code.AccessReject, 43).add(dict.attr('Reply-Message'), 'no').toResponse(otherAuth, SECRET);
  const fresh = new PacketWriter(Code.AccessReject, 43).add(dict.attr('Reply-Message'), 'no').toResponse(otherAuth, SECRET);
  assert.deepEqual(second, fresh, 'same octets as a brand-new writer');
  const p = decodeOk(second);
  assert.equal(p.messageAuthenticatorOffset, -1, 'no Message-Authenticator carried over');
  assert.deepEqual(
    p.attributes.map((a) => [a.type, a.value.toString()]),
    [[18, 'no']],
  );

  // a signed request after a response: the authenticator field starts from zeros again
  const acct = w.reset(Code.AccountingRequest, 44).add(dict.attr('Acct-Status-Type'), 'Start').toSignedRequest(SECRET);
  const freshAcct = new PacketWriter(Code.AccountingRequest, 44).add(dict.attr('Acct-Status-Type'), 'Start').toSignedRequest(SECRET);
  assert.deepEqual(acct, freshAcct);

  // each to* returns its own copy: later use of the writer does not change earlier packets
  assert.deepEqual(first, acceptWriter().toResponse(REQUEST_AUTH, SECRET));
});

test('toSignedRequest: Request Authenticator per RFC 2866 §3, Message-Authenticator over a zero authenticator', () => {
  const out = new PacketWriter(Code.AccountingRequest, 5)
    .add(dict.attr('User-Name'), 'budi')
    .add(dict.attr('Acct-Status-Type'), 'Stop')
    .messageAuthenticator()
    .toSignedRequest(SECRET);
  const maAt = 20 + 6 + 6 + 2;
  assert.deepEqual([out[maAt - 2], out[maAt - 1]], [80, 18]);
  const forMa = Buffer.from(out);
  forMa.fill(0, 4, 20);
  forMa.fill(0, maAt, maAt + 16);
  assert.deepEqual(out.subarray(maAt, maAt + 16), hmacMd5(SECRET, forMa));
  const forRa = Buffer.from(out);
  forRa.fill(0, 4, 20);
  assert.deepEqual(out.subarray(4, 20), md5(forRa, SECRET));
});

test('toAccessRequest keeps the caller\'s authenticator and signs the Message-Authenticator over it', () => {
  const auth = Buffer.from('f0e1d2c3b4a5968778695a4b3c2d1e0f', 'hex');
  const out = new PacketWriter()
    .reset(Code.AccessRequest, 6, auth)
    .messageAuthenticator()
    .add(dict.attr('User-Name'), 'budi')
    .toAccessRequest(SECRET);
  assert.deepEqual(out.subarray(4, 20), auth);
  const forMa = Buffer.from(out);
  forMa.fill(0, 22, 38);
  assert.deepEqual(out.subarray(22, 38), hmacMd5(SECRET, forMa));
});

test('add() encodes typed values and rejects malformed ones with RangeError', () => {
  const enc = (name: string, v: string | number) => {
    const out = new PacketWriter(Code.AccessAccept, 1).add(dict.attr(name), v).toResponse(REQUEST_AUTH, SECRET);
    return out.subarray(22);
  };
  assert.deepEqual(enc('Framed-IP-Address', '100.64.3.7'), Buffer.from([100, 64, 3, 7]));
  assert.deepEqual(enc('Acct-Status-Type', 'Interim-Update'), Buffer.from([0, 0, 0, 3]));
  assert.deepEqual(enc('Session-Timeout', 4294967295), Buffer.from([0xff, 0xff, 0xff, 0xff]));
  assert.deepEqual(enc('Class', '0x7375622d3432'), Buffer.from('sub-42'));

  const bad: Array<[string, string | number]> = [
    ['Framed-IP-Address', '100.64.3'],
    ['Framed-IP-Address', '100.64.3.256'],
    ['Framed-IP-Address', '100.64.3.7.1'],
    ['Framed-IP-Address', 'budi'],
    ['Session-Timeout', -1],
    ['Session-Timeout', 2 ** 32],
    ['Session-Timeout', 1.5],
    ['Session-Timeout', 'forever'],
    ['Acct-Status-Type', 'start'],
    ['Class', 'sub-42'],
    // Number('') and Number(' ') are 0: these must not slip through as 0 / 0.0.0.0
    ['Framed-IP-Address', '100.64.3.'],
    ['Framed-IP-Address', '...'],
    ['Session-Timeout', ''],
    ['Session-Timeout', ' '],
  ];
  const accepted: string[] = [];
  for (const [name, v] of bad) {
    try {
      const out = new PacketWriter(Code.AccessAccept, 1).add(dict.attr(name), v).toResponse(REQUEST_AUTH, SECRET);
      accepted.push(`${name} = ${JSON.stringify(v)} was encoded as 0x${out.subarray(22).toString('hex')}`);
    } catch (e) {
      assert.ok(e instanceof RangeError, `${name} = ${JSON.stringify(v)}: ${String(e)}`);
    }
  }
  assert.deepEqual(accepted, [], 'malformed values must throw RangeError');
});

// ---------------------------------------------------------------------------------------------
// The `radius` package decodes what we encode

interface OraclePacket {
  code: string;
  identifier: number;
  attributes: Record<string, unknown>;
}
interface RadiusOracle {
  add_dictionary(file: string): void;
  decode(args: { packet: Buffer; secret: Buffer | string }): OraclePacket;
  encode(args: {
    code: string;
    identifier?: number;
    attributes: unknown[];
    secret: Buffer | string;
    add_message_authenticator?: boolean;
  }): Buffer;
  verify_response(args: { request: Buffer; response: Buffer; secret: Buffer | string }): boolean;
}
const require = createRequire(import.meta.url);
const radius = require('radius') as RadiusOracle;
radius.add_dictionary(fileURLToPath(new URL('../dictionaries/dictionary.mikrotik', import.meta.url)));

/** What we encoded, seen through our own decoder, in the oracle's shape (VSAs grouped, octets as Buffers). */
function asOracleWould(p: Packet): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of p.attributes) {
    const def = dict.find(a.vendorId, a.vendorId ? a.vendorType : a.type)!;
    const v = def.dataType === 'octets' ? Buffer.from(a.value) : decodeValue(def, a.value);
    if (a.vendorId) ((out['Vendor-Specific'] ??= {}) as Record<string, unknown>)[def.name] = v;
    else out[def.name] = v;
  }
  return out;
}

test('oracle: an Access-Accept we encode decodes identically with radius.decode, and radius.verify_response accepts it', () => {
  const request = radius.encode({
    code: 'Access-Request',
    identifier: 17,
    secret: SECRET,
    add_message_authenticator: true,
    attributes: [
      ['User-Name', 'budi'],
      ['User-Password', 'rahasia'],
    ],
  });
  const w = new PacketWriter(Code.AccessAccept, 17)
    .messageAuthenticator()
    .add(dict.attr('Framed-IP-Address'), '100.64.3.7')
    .add(dict.attr('Session-Timeout'), 86400)
    .add(dict.attr('Acct-Interim-Interval'), 300)
    .add(dict.attr('Class'), Buffer.from('sub-42'))
    .add(dict.attr('Reply-Message'), 'Selamat datang')
    .add(dict.attr('Mikrotik-Rate-Limit'), '2M/10M 4M/15M 1500k/8M 16/16 8 1M/5M')
    .add(dict.attr('Mikrotik-Address-List'), 'isolir');
  const response = w.toResponse(request.subarray(4, 20), SECRET);
  const o = radius.decode({ packet: response, secret: SECRET });
  assert.equal(o.code, 'Access-Accept');
  assert.equal(o.identifier, 17);
  assert.deepEqual(o.attributes, {
    'Message-Authenticator': response.subarray(22, 38),
    'Framed-IP-Address': '100.64.3.7',
    'Session-Timeout': 86400,
    'Acct-Interim-Interval': 300,
    Class: Buffer.from('sub-42'),
    'Reply-Message': 'Selamat datang',
    'Vendor-Specific': {
      'Mikrotik-Rate-Limit': '2M/10M 4M/15M 1500k/8M 16/16 8 1M/5M',
      'Mikrotik-Address-List': 'isolir',
    },
  });
  assert.deepEqual(o.attributes, asOracleWould(decodeOk(response)));
  assert.equal(radius.verify_response({ request, response, secret: SECRET }), true);
  assert.equal(radius.verify_response({ request, response, secret: 'wrong' }), false);
});

test('oracle: Accounting-, CoA- and Disconnect-Requests we sign pass radius.decode\'s authenticator check', () => {
  const cases: Array<[number, string, PacketWriter]> = [
    [
      Code.AccountingRequest,
      'Accounting-Request',
      new PacketWriter(Code.AccountingRequest, 1)
        .add(dict.attr('User-Name'), 'budi')
        .add(dict.attr('Acct-Status-Type'), 'Start')
        .add(dict.attr('Acct-Session-Id'), '81a0000f')
        .add(dict.attr('Event-Timestamp'), 1717171717)
        .add(dict.attr('Acct-Output-Gigawords'), 5),
    ],
    [
      Code.CoARequest,
      'CoA-Request',
      new PacketWriter(Code.CoARequest, 2).add(dict.attr('User-Name'), 'budi').add(dict.attr('Mikrotik-Rate-Limit'), '1M/1M'),
    ],
    [
      Code.DisconnectRequest,
      'Disconnect-Request',
      new PacketWriter(Code.DisconnectRequest, 3).add(dict.attr('Acct-Session-Id'), '81a0000f'),
    ],
  ];
  for (const [, name, w] of cases) {
    const out = w.toSignedRequest(SECRET);
    const o = radius.decode({ packet: out, secret: SECRET });
    assert.equal(o.code, name);
    const ours = asOracleWould(decodeOk(out));
    if ('Event-Timestamp' in ours) ours['Event-Timestamp'] = new Date(Number(ours['Event-Timestamp']) * 1000);
    assert.deepEqual(o.attributes, ours, name);
    assert.throws(() => radius.decode({ packet: out, secret: 'wrong' }), /authenticator mismatch/, name);
  }
});
