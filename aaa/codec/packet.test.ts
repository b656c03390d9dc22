/**
 * Decoder tests: golden packets (RFC 2865 §7 examples and radclient captures in testdata/*.txt,
 * hex in → attributes out → re-encoded octets equal), malformed input, and cross-checks against
 * the `radius` package as an independent decoder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  verifyRequestMessageAuthenticator,
  verifyResponse,
  verifySignedRequest,
} from './authenticators.js';
import { dictionary } from './dictionary.js';
import { Code, decodePacket, findAttribute, type DecodeResult, type DropReason, type Packet } from './packet.js';
import { hideUserPassword, revealUserPassword } from './user-password.js';
import { attributeName, decodeValue, describeAttributes } from './values.js';
import { PacketWriter } from './writer.js';

const dict = dictionary();

// ---------------------------------------------------------------------------------------------
// Golden vectors

const SIGNED = '(signed)';
interface GoldenAttr {
  name: string;
  /** JSON value from the file, or SIGNED for a Message-Authenticator. */
  value: string | number;
}
interface Golden {
  file: string;
  name: string;
  secret: Buffer;
  replyTo?: string;
  bytes: Buffer;
  attrs: GoldenAttr[];
  chapPassword?: string;
}

function loadGolden(file: string): Golden[] {
  const text = fs.readFileSync(fileURLToPath(new URL(`./testdata/${file}`, import.meta.url)), 'utf8');
  const out: Array<Golden & { hex: string[] }> = [];
  text.split('\n').forEach((line, i) => {
    const l = line.trim();
    if (!l || l.startsWith('#')) return;
    const where = `${file}:${i + 1}`;
    const sp = l.indexOf(' ');
    const key = sp < 0 ? l : l.slice(0, sp);
    const rest = sp < 0 ? '' : l.slice(sp + 1).trim();
    if (key === 'packet') {
      out.push({ file, name: rest, secret: Buffer.alloc(0), bytes: Buffer.alloc(0), attrs: [], hex: [] });
      return;
    }
    const cur = out.at(-1);
    if (!cur) throw new Error(`${where}: ${key} before any packet`);
    switch (key) {
      case 'secret':
        cur.secret = Buffer.from(rest, 'utf8');
        break;
      case 'reply-to':
        cur.replyTo = rest;
        break;
      case 'hex':
        cur.hex.push(rest);
        break;
      case 'chap-password':
        cur.chapPassword = rest;
        break;
      case 'attr': {
        const m = /^(\S+) = (.+)$/.exec(rest);
        if (!m) throw new Error(`${where}: bad attr line`);
        cur.attrs.push({ name: m[1]!, value: m[2] === SIGNED ? SIGNED : (JSON.parse(m[2]!) as string | number) });
        break;
      }
      default:
        throw new Error(`${where}: unknown keyword ${key}`);
    }
  });
  return out.map(({ hex, ...g }) => ({ ...g, bytes: Buffer.from(hex.join('').replace(/\s+/g, ''), 'hex') }));
}

const GOLDEN = [...loadGolden('rfc2865.txt'), ...loadGolden('radclient.txt')];
const byName = new Map(GOLDEN.map((g) => [g.name, g]));

const isAccessRequest = (code: number) => code === Code.AccessRequest || code === Code.StatusServer;
const isSignedRequest = (code: number) =>
  code === Code.AccountingRequest || code === Code.CoARequest || code === Code.DisconnectRequest;

function decodeOk(buf: Buffer): Packet {
  const r = decodePacket(buf);
  if (!r.ok) assert.fail(`expected the packet to decode, got ${r.reason}`);
  return r.packet;
}

/** The golden's attributes re-encoded through PacketWriter and signed as its code requires. */
function reencode(g: Golden): Buffer {
  const code = g.bytes[0]!;
  const authenticator = g.bytes.subarray(4, 20);
  const w = new PacketWriter();
  w.reset(code, g.bytes[1]!, isAccessRequest(code) ? authenticator : undefined);
  for (const a of g.attrs) {
    if (a.value === SIGNED) {
      w.messageAuthenticator();
      continue;
    }
    const def = dict.attr(a.name);
    if (def.encrypt === 1) w.addRaw(def.code, hideUserPassword(String(a.value), authenticator, g.secret));
    else w.add(def, a.value);
  }
  if (isAccessRequest(code)) return w.toAccessRequest(g.secret);
  if (isSignedRequest(code)) return w.toSignedRequest(g.secret);
  const request = byName.get(g.replyTo ?? '');
  assert.ok(request, `${g.name}: a response needs reply-to`);
  return w.toResponse(request.bytes.subarray(4, 20), g.secret);
}

for (const g of GOLDEN) {
  test(`golden ${g.file} ${g.name}: decodes to the listed attributes and re-encodes to the same octets`, () => {
    const p = decodeOk(g.bytes);
    assert.equal(p.code, g.bytes[0]);
    assert.equal(p.identifier, g.bytes[1]);
    assert.equal(p.raw.length, g.bytes.readUInt16BE(2));
    assert.deepEqual(p.authenticator, g.bytes.subarray(4, 20));

    const described = describeAttributes(p);
    assert.deepEqual(
      described.map(([name]) => name),
      g.attrs.map((a) => a.name),
    );
    g.attrs.forEach((a, i) => {
      const [, value] = described[i]!;
      const def = dict.attr(a.name);
      if (a.value === SIGNED) {
        assert.match(String(value), /^0x[0-9a-f]{32}$/, 'a Message-Authenticator holds 16 octets');
        assert.equal(p.messageAuthenticatorOffset, p.attributes[i]!.value.byteOffset - p.raw.byteOffset);
      } else if (def.encrypt === 1) {
        assert.equal(value, '[hidden]', 'a hidden attribute is never shown');
        const revealed = revealUserPassword(p.attributes[i]!.value, p.authenticator, g.secret);
        assert.equal(revealed?.toString('utf8'), a.value);
      } else {
        assert.equal(value, a.value, a.name);
      }
    });
    if (!g.attrs.some((a) => a.value === SIGNED)) assert.equal(p.messageAuthenticatorOffset, -1);

    assert.deepEqual(reencode(g), g.bytes);
  });

  test(`golden ${g.file} ${g.name}: authenticators verify with the right secret only`, () => {
    const p = decodeOk(g.bytes);
    const wrong = Buffer.from('not-the-secret');
    if (isAccessRequest(p.code)) {
      if (p.messageAuthenticatorOffset >= 0) {
        assert.equal(verifyRequestMessageAuthenticator(p, g.secret), true);
        assert.equal(verifyRequestMessageAuthenticator(p, wrong), false);
      } else {
        assert.equal(verifyRequestMessageAuthenticator(p, g.secret), false, 'no Message-Authenticator: nothing verifies');
      }
    } else if (isSignedRequest(p.code)) {
      assert.equal(verifySignedRequest(p, g.secret), true);
      assert.equal(verifySignedRequest(p, wrong), false);
    } else {
      const request = byName.get(g.replyTo!)!;
      assert.equal(verifyResponse(p, request.bytes.subarray(4, 20), g.secret), true);
      assert.equal(verifyResponse(p, request.bytes.subarray(4, 20), wrong), false);
      assert.equal(verifyResponse(p, Buffer.alloc(16, 0x5a), g.secret), false, 'bound to its request');
    }
    if (g.chapPassword !== undefined) {
      const chap = findAttribute(p, dict.attr('CHAP-Password').code)!.value;
      const challenge = findAttribute(p, dict.attr('CHAP-Challenge').code)?.value ?? p.authenticator;
      const expected = createHash('md5').update(chap.subarray(0, 1)).update(g.chapPassword).update(challenge).digest();
      assert.deepEqual(chap.subarray(1), expected, 'CHAP response = MD5(ident + password + challenge), RFC 1994');
    }
  });
}

test('golden: the RFC 2865 §7.1 User-Password reveals as "arctangent"', () => {
  const g = byName.get('rfc2865-7.1-request')!;
  const p = decodeOk(g.bytes);
  const hidden = findAttribute(p, 2)!.value;
  assert.equal(revealUserPassword(hidden, p.authenticator, Buffer.from('xyzzy5461'))?.toString(), 'arctangent');
  const accept = decodeOk(byName.get('rfc2865-7.1-accept')!.bytes);
  assert.equal(verifyResponse(accept, p.authenticator, Buffer.from('xyzzy5461')), true);
});

// ---------------------------------------------------------------------------------------------
// Malformed packets

/** A packet built by hand: header with Length = 20 + attributes (or `length` when given). */
function build(attrs: Buffer[], opts: { code?: number; length?: number; authenticator?: Buffer } = {}): Buffer {
  const body = Buffer.concat(attrs);
  const header = Buffer.alloc(20);
  header[0] = opts.code ?? Code.AccessRequest;
  header[1] = 7;
  header.writeUInt16BE(opts.length ?? 20 + body.length, 2);
  (opts.authenticator ?? Buffer.alloc(16, 0xab)).copy(header, 4);
  return Buffer.concat([header, body]);
}
const attr = (type: number, value: Buffer | string) => {
  const v = Buffer.isBuffer(value) ? value : Buffer.from(value);
  return Buffer.concat([Buffer.from([type, v.length + 2]), v]);
};
const USER = attr(1, 'budi');

function assertDrop(buf: Buffer, reason: DropReason): void {
  let r: DecodeResult | undefined;
  assert.doesNotThrow(() => {
    r = decodePacket(buf);
  });
  assert.deepEqual(r, { ok: false, reason });
}

test('malformed: empty buffer and 19 octets are too_short', () => {
  assertDrop(Buffer.alloc(0), 'too_short');
  assertDrop(Buffer.alloc(1, 1), 'too_short');
  assertDrop(build([]).subarray(0, 19), 'too_short');
});

test('malformed: a Length field under 20 is bad_length', () => {
  assertDrop(build([], { length: 19 }), 'bad_length');
  assertDrop(build([], { length: 0 }), 'bad_length');
  assertDrop(build([USER], { length: 4 }), 'bad_length');
});

test('malformed: a Length field over 4096 is too_long', () => {
  const big = Buffer.alloc(4097);
  big[0] = Code.AccessRequest;
  big.writeUInt16BE(4097, 2);
  assertDrop(big, 'too_long');
  const max = build([], { length: 0xffff });
  assertDrop(Buffer.concat([max, Buffer.alloc(0xffff - 20)]), 'too_long');
});

test('malformed: a Length field larger than the datagram is bad_length', () => {
  const p = build([USER]);
  assertDrop(p.subarray(0, p.length - 1), 'bad_length');
  assertDrop(build([USER], { length: 20 + USER.length + 1 }), 'bad_length');
});

test('malformed: attributes of length 0 or 1 are malformed_attribute', () => {
  assertDrop(build([USER, Buffer.from([18, 0])]), 'malformed_attribute');
  assertDrop(build([USER, Buffer.from([18, 1])]), 'malformed_attribute');
  assertDrop(build([Buffer.from([18, 0]), USER]), 'malformed_attribute');
  assertDrop(build([Buffer.from([18, 1, 0x41, 0x41])]), 'malformed_attribute');
});

test('malformed: an attribute running past Length is malformed_attribute, even when the datagram has the octets', () => {
  assertDrop(build([USER, Buffer.from([18, 10, 0x41, 0x42])]), 'malformed_attribute');
  // a lone type octet at the end: no room for its length octet
  assertDrop(build([USER, Buffer.from([18])]), 'malformed_attribute');
  // the datagram carries the rest of the attribute, but Length ends before it
  const full = build([USER, attr(18, 'hello')]);
  const cut = Buffer.from(full);
  cut.writeUInt16BE(full.length - 2, 2);
  assertDrop(cut, 'malformed_attribute');
});

test('malformed: a Message-Authenticator of length 17 or 19, or two of them, is bad_message_authenticator', () => {
  assertDrop(build([USER, attr(80, Buffer.alloc(15))]), 'bad_message_authenticator');
  assertDrop(build([USER, attr(80, Buffer.alloc(17))]), 'bad_message_authenticator');
  assertDrop(build([USER, attr(80, Buffer.alloc(0))]), 'bad_message_authenticator');
  assertDrop(build([attr(80, Buffer.alloc(16)), USER, attr(80, Buffer.alloc(16))]), 'bad_message_authenticator');
  const one = decodeOk(build([USER, attr(80, Buffer.alloc(16, 1))]));
  assert.equal(one.messageAuthenticatorOffset, 20 + USER.length + 2);
});

test('malformed: no input makes decodePacket throw (truncations and seeded random corruption of every golden)', () => {
  const reasons = new Set<DropReason>(['too_short', 'too_long', 'bad_length', 'malformed_attribute', 'bad_message_authenticator']);
  let seed = 0x2865;
  const rand = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const check = (buf: Buffer) => {
    const r = decodePacket(buf);
    if (r.ok) {
      for (const a of r.packet.attributes) assert.ok(a.value.length <= r.packet.raw.length);
    } else {
      assert.ok(reasons.has(r.reason), r.reason);
    }
  };
  for (const g of GOLDEN) {
    for (let n = 0; n <= g.bytes.length; n++) check(g.bytes.subarray(0, n));
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(g.bytes);
      const flips = 1 + Math.floor(rand() * 4);
      for (let f = 0; f < flips; f++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      check(b);
    }
  }
});

test('trailing octets beyond Length are ignored: raw has exactly Length octets and signatures still verify', () => {
  const g = byName.get('rfc2865-7.1-accept')!;
  const req = byName.get('rfc2865-7.1-request')!;
  const padded = Buffer.concat([g.bytes, Buffer.from('trailing junk')]);
  const p = decodeOk(padded);
  assert.equal(p.raw.length, g.bytes.length);
  assert.deepEqual(p.raw, g.bytes);
  assert.deepEqual(describeAttributes(p), describeAttributes(decodeOk(g.bytes)));
  assert.equal(verifyResponse(p, req.bytes.subarray(4, 20), g.secret), true);

  const acct = byName.get('acct-interim-ma')!;
  const pa = decodeOk(Buffer.concat([acct.bytes, Buffer.alloc(7, 0xee)]));
  assert.equal(pa.raw.length, acct.bytes.length);
  assert.equal(verifySignedRequest(pa, acct.secret), true);
});

test('a minimal 20-octet packet decodes with no attributes', () => {
  const p = decodeOk(build([]));
  assert.equal(p.attributes.length, 0);
  assert.equal(p.messageAuthenticatorOffset, -1);
});

// ---------------------------------------------------------------------------------------------
// Vendor-Specific (RFC 2865 §5.26)

const MIKROTIK = Buffer.from([0, 0, 0x3a, 0x8c]); // 14988
const vsa = (payload: Buffer) => Buffer.concat([Buffer.from([26, payload.length + 2]), payload]);

test('Vendor-Specific with several sub-attributes is flattened, in order', () => {
  const payload = Buffer.concat([MIKROTIK, attr(8, '2M/10M'), attr(19, 'isolir')]);
  const p = decodeOk(build([USER, vsa(payload), attr(18, 'x')]));
  assert.deepEqual(
    p.attributes.map((a) => [a.type, a.vendorId, a.vendorType, a.value.toString()]),
    [
      [1, 0, 0, 'budi'],
      [26, 14988, 8, '2M/10M'],
      [26, 14988, 19, 'isolir'],
      [18, 0, 0, 'x'],
    ],
  );
  assert.deepEqual(describeAttributes(p).slice(1, 3), [
    ['Mikrotik-Rate-Limit', '2M/10M'],
    ['Mikrotik-Address-List', 'isolir'],
  ]);
});

test('Vendor-Specific whose sub-attributes do not fit exactly is kept whole as attribute 26', () => {
  const cases: Array<[string, Buffer]> = [
    ['sub-attribute longer than the VSA', Buffer.concat([MIKROTIK, Buffer.from([8, 9, 0x41, 0x42, 0x43, 0x44])])],
    ['sub-attribute of length 1', Buffer.concat([MIKROTIK, Buffer.from([8, 1, 0x41])])],
    ['sub-attribute of length 0', Buffer.concat([MIKROTIK, Buffer.from([8, 0, 0x41])])],
    ['one octet left over', Buffer.concat([MIKROTIK, Buffer.from([8, 3, 0x41, 0x42])])],
    ['a good sub-attribute, then a bad one', Buffer.concat([MIKROTIK, attr(8, 'AB'), Buffer.from([19, 7, 0x43, 0x44])])],
    ['vendor id 0', Buffer.concat([Buffer.alloc(4), attr(8, 'AB')])],
    ['vendor id only', MIKROTIK],
    ['shorter than a vendor id', Buffer.from([0, 0, 0x3a])],
  ];
  for (const [why, payload] of cases) {
    const p = decodeOk(build([USER, vsa(payload), attr(18, 'after')]));
    assert.equal(p.attributes.length, 3, why);
    const [before, kept, after] = p.attributes;
    assert.deepEqual([before!.type, after!.type, after!.value.toString()], [1, 18, 'after'], why);
    const { type, vendorId, vendorType, value } = kept!;
    assert.deepEqual({ type, vendorId, vendorType, value: Buffer.from(value) }, { type: 26, vendorId: 0, vendorType: 0, value: payload }, why);
    assert.equal(describeAttributes(p)[1]![0], 'Vendor-Specific', why);
  }
});

test('unknown attributes and unknown vendors decode, named Attr-N / Vendor-V-Attr-N', () => {
  const unknownVendor = Buffer.concat([Buffer.from([0, 1, 0x86, 0x9f]), attr(5, Buffer.from([1, 2]))]); // 99999
  const unknownMikrotik = Buffer.concat([MIKROTIK, attr(200, 'zz')]);
  const p = decodeOk(build([attr(17, Buffer.from([0xde, 0xad])), USER, vsa(unknownVendor), vsa(unknownMikrotik), attr(21, '')]));
  assert.deepEqual(describeAttributes(p), [
    ['Attr-17', '0xdead'],
    ['User-Name', 'budi'],
    ['Vendor-99999-Attr-5', '0x0102'],
    ['Vendor-14988-Attr-200', '0x7a7a'],
    ['Attr-21', '0x'],
  ]);
  assert.equal(attributeName(p.attributes[2]!), 'Vendor-99999-Attr-5');
});

// ---------------------------------------------------------------------------------------------
// The `radius` package as an independent decoder and encoder

type OracleValue = string | number | Buffer | Date | OracleValue[] | { [name: string]: OracleValue };
interface OraclePacket {
  code: string;
  identifier: number;
  authenticator: Buffer;
  attributes: Record<string, OracleValue>;
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
}
const require = createRequire(import.meta.url);
const radius = require('radius') as RadiusOracle;
for (const v of ['mikrotik', 'microsoft', 'wispr']) {
  radius.add_dictionary(fileURLToPath(new URL(`../dictionaries/dictionary.${v}`, import.meta.url)));
}

function oracleView(o: OraclePacket): string[] {
  const out: string[] = [];
  const show = (v: OracleValue): string =>
    Buffer.isBuffer(v) ? `0x${v.toString('hex')}` : v instanceof Date ? String(v.getTime() / 1000) : String(v);
  const push = (name: string, v: OracleValue): void => {
    if (Array.isArray(v)) for (const x of v) push(name, x);
    else if (name === 'Vendor-Specific' && !Buffer.isBuffer(v) && typeof v === 'object' && !(v instanceof Date)) {
      for (const [n, x] of Object.entries(v)) push(n, x);
    } else out.push(`${name}=${show(v)}`);
  };
  for (const [name, v] of Object.entries(o.attributes)) push(name, v);
  return out.sort();
}

/** Our decoding as sorted name=value pairs (known attributes only; hidden ones revealed). */
function ourView(p: Packet, secret: Buffer): string[] {
  const out: string[] = [];
  for (const a of p.attributes) {
    const def = dict.find(a.vendorId, a.vendorId ? a.vendorType : a.type);
    if (!def) continue;
    const value = def.encrypt === 1 ? revealUserPassword(a.value, p.authenticator, secret)?.toString('utf8') : decodeValue(def, a.value);
    out.push(`${def.name}=${value}`);
  }
  return out.sort();
}

for (const g of GOLDEN) {
  // The oracle computes the Message-Authenticator of Accounting/CoA/Disconnect requests over the
  // real authenticator instead of zeros, so it rejects these valid packets (a known defect).
  const oracleRejects = isSignedRequest(g.bytes[0]!) && g.attrs.some((a) => a.value === SIGNED);
  test(`oracle: radius.decode agrees with our decoding of ${g.name}`, { skip: oracleRejects && 'oracle defect' }, () => {
    const o = radius.decode({ packet: Buffer.from(g.bytes), secret: g.secret });
    assert.deepEqual(ourView(decodeOk(g.bytes), g.secret), oracleView(o));
  });
}

test('oracle: an Access-Request the radius package encodes decodes identically with ours', () => {
  const secret = Buffer.from('oracle-secret');
  const buf = radius.encode({
    code: 'Access-Request',
    identifier: 99,
    secret,
    add_message_authenticator: true,
    attributes: [
      ['User-Name', '4C:5E:0C:12:34:56'],
      ['User-Password', 'voucher-73921'],
      ['NAS-IP-Address', '10.10.0.1'],
      ['NAS-Port', 2149580801],
      ['NAS-Port-Type', 'Wireless-802.11'],
      ['Framed-IP-Address', '10.5.50.23'],
      ['Vendor-Specific', 'Mikrotik', [['Mikrotik-Host-IP', '10.5.50.23'], ['Mikrotik-Realm', 'hotspot1']]],
      ['Vendor-Specific', 'WISPr', [['WISPr-Location-Name', 'Warung Kopi']]],
    ],
  });
  const p = decodeOk(buf);
  assert.equal(p.code, Code.AccessRequest);
  assert.equal(p.identifier, 99);
  assert.deepEqual(
    ourView(p, secret),
    [
      'User-Name=4C:5E:0C:12:34:56',
      'User-Password=voucher-73921',
      'NAS-IP-Address=10.10.0.1',
      'NAS-Port=2149580801',
      'NAS-Port-Type=Wireless-802.11',
      'Framed-IP-Address=10.5.50.23',
      'Mikrotik-Host-IP=10.5.50.23',
      'Mikrotik-Realm=hotspot1',
      'WISPr-Location-Name=Warung Kopi',
    ]
      .concat(`Message-Authenticator=0x${findAttribute(p, 80)!.value.toString('hex')}`)
      .sort(),
  );
  assert.equal(verifyRequestMessageAuthenticator(p, secret), true, 'the oracle put it last: position does not matter');
  assert.deepEqual(ourView(p, secret), oracleView(radius.decode({ packet: buf, secret })));
});

test('oracle: Accounting-Request and CoA-Request the radius package signs verify and decode identically with ours', () => {
  const secret = Buffer.from('oracle-secret');
  const acct = radius.encode({
    code: 'Accounting-Request',
    identifier: 3,
    secret,
    attributes: [
      ['User-Name', 'budi'],
      ['Acct-Status-Type', 'Interim-Update'],
      ['Acct-Session-Id', '81a0000f'],
      ['Acct-Input-Octets', 4294967295],
      ['Acct-Input-Gigawords', 2],
      ['Acct-Terminate-Cause', 'Lost-Carrier'],
      ['Class', Buffer.from('sub-42')],
    ],
  });
  const pa = decodeOk(acct);
  assert.equal(verifySignedRequest(pa, secret), true);
  assert.equal(verifySignedRequest(pa, Buffer.from('other')), false);
  assert.deepEqual(ourView(pa, secret), [
    'Acct-Input-Gigawords=2',
    'Acct-Input-Octets=4294967295',
    'Acct-Session-Id=81a0000f',
    'Acct-Status-Type=Interim-Update',
    'Acct-Terminate-Cause=Lost-Carrier',
    'Class=0x7375622d3432',
    'User-Name=budi',
  ]);

  const coa = radius.encode({
    code: 'CoA-Request',
    identifier: 4,
    secret,
    attributes: [
      ['User-Name', 'budi'],
      ['Framed-IP-Address', '100.64.3.7'],
      ['Vendor-Specific', 'Mikrotik', [['Mikrotik-Rate-Limit', '1M/1M'], ['Mikrotik-Address-List', 'isolir']]],
    ],
  });
  const pc = decodeOk(coa);
  assert.equal(pc.code, Code.CoARequest);
  assert.equal(verifySignedRequest(pc, secret), true);
  assert.deepEqual(ourView(pc, secret), [
    'Framed-IP-Address=100.64.3.7',
    'Mikrotik-Address-List=isolir',
    'Mikrotik-Rate-Limit=1M/1M',
    'User-Name=budi',
  ]);
});
