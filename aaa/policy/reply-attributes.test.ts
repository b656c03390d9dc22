/**
 * Reply attributes as they go over the wire: written into a PacketWriter, signed with
 * toResponse, decoded again and listed in packet order (Message-Authenticator first when reserved
 * first, CVE-2024-3596).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyResponse } from '../codec/authenticators.js';
import { Code, decodePacket, type Packet } from '../codec/packet.js';
import { describeAttributes } from '../codec/values.js';
import { PacketWriter } from '../codec/writer.js';
import type { AccessProfile } from './decide.js';
import { classFor, parseClass, writeProfile, writeReplyMessage, type ReplyContext } from './reply-attributes.js';

const SECRET = Buffer.from('reply-secret');
const REQUEST_AUTH = Buffer.from('0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');
const GIB = 2 ** 30;
const CLASS = classFor(42, 3, false);
const CLASS_HEX = `0x${CLASS.toString('hex')}`;

function ctx(over: Partial<ReplyContext> = {}): ReplyContext {
  return { vendor: 'mikrotik', interimInterval: 300, classValue: CLASS, ...over };
}

function decodeOk(buf: Buffer): Packet {
  const r = decodePacket(buf);
  if (!r.ok) assert.fail(`expected the reply to decode, got ${r.reason}`);
  return r.packet;
}

/** Writes an Access-Accept with `fill`, signs it and returns the decoded packet. */
function reply(fill: (w: PacketWriter) => void, withMa = true): Packet {
  const w = new PacketWriter(Code.AccessAccept, 17);
  if (withMa) w.messageAuthenticator();
  fill(w);
  const p = decodeOk(w.toResponse(REQUEST_AUTH, SECRET));
  assert.equal(verifyResponse(p, REQUEST_AUTH, SECRET, withMa), true, 'signed as a response to the request');
  return p;
}

/** Attributes of a signed reply carrying `profile`, without the Message-Authenticator's (random) value. */
function attributes(profile: AccessProfile, c: ReplyContext = ctx()): Array<[string, string | number]> {
  const list = describeAttributes(reply((w) => writeProfile(w, profile, c)));
  assert.equal(list[0]![0], 'Message-Authenticator', 'Message-Authenticator first');
  return list.slice(1);
}

describe('writeProfile', () => {
  test('a full Mikrotik profile: standard attributes, then the Mikrotik ones, in order', () => {
    const got = attributes({
      rateLimit: '5M/10M',
      framedPool: 'pool-home',
      sessionTimeout: 86_400,
      idleTimeout: 600,
      addressList: 'isolir',
      group: 'home-10m',
      totalLimit: GIB,
    });
    assert.deepEqual(got, [
      ['Framed-Pool', 'pool-home'],
      ['Session-Timeout', 86_400],
      ['Idle-Timeout', 600],
      ['Acct-Interim-Interval', 300],
      ['Class', CLASS_HEX],
      ['Mikrotik-Rate-Limit', '5M/10M'],
      ['Mikrotik-Address-List', 'isolir'],
      ['Mikrotik-Group', 'home-10m'],
      ['Mikrotik-Total-Limit', GIB],
    ]);
  });

  test('the standard attributes are always sent: Acct-Interim-Interval and Class even for a bare profile', () => {
    assert.deepEqual(attributes({ rateLimit: '1M' }, ctx({ interimInterval: 600 })), [
      ['Acct-Interim-Interval', 600],
      ['Class', CLASS_HEX],
      ['Mikrotik-Rate-Limit', '1M'],
    ]);
  });

  test('another vendor gets the standard attributes only, no Mikrotik ones', () => {
    const got = attributes(
      { rateLimit: '5M/10M', framedIpAddress: '203.0.113.5', sessionTimeout: 3600, addressList: 'isolir', group: 'g', totalLimit: 10 * GIB },
      ctx({ vendor: 'cisco' }),
    );
    assert.deepEqual(got, [
      ['Framed-IP-Address', '203.0.113.5'],
      ['Session-Timeout', 3600],
      ['Acct-Interim-Interval', 300],
      ['Class', CLASS_HEX],
    ]);
  });

  test('Framed-IP-Address wins over Framed-Pool', () => {
    const got = attributes({ rateLimit: '1M', framedIpAddress: '203.0.113.5', framedPool: 'pool-home' });
    assert.deepEqual(got[0], ['Framed-IP-Address', '203.0.113.5']);
    assert.equal(got.some(([name]) => name === 'Framed-Pool'), false);
  });

  test('Mikrotik-Total-Limit above 4 GiB: the remainder plus Mikrotik-Total-Limit-Gigawords (10 GiB → 2 GiB + 2)', () => {
    const got = attributes({ rateLimit: '1M', totalLimit: 10 * GIB });
    assert.deepEqual(got.slice(-2), [
      ['Mikrotik-Total-Limit', 2 * GIB],
      ['Mikrotik-Total-Limit-Gigawords', 2],
    ]);
  });

  test('exactly 4 GiB: Total-Limit 0 with Gigawords 1 (gigawords × 2^32 + limit)', () => {
    const got = attributes({ rateLimit: '1M', totalLimit: 4 * GIB });
    assert.deepEqual(got.slice(-2), [
      ['Mikrotik-Total-Limit', 0],
      ['Mikrotik-Total-Limit-Gigawords', 1],
    ]);
  });

  test('below 4 GiB: Mikrotik-Total-Limit alone', () => {
    const got = attributes({ rateLimit: '1M', totalLimit: 4 * GIB - 1 });
    assert.deepEqual(got.slice(-1), [['Mikrotik-Total-Limit', 4 * GIB - 1]]);
    assert.equal(got.some(([name]) => name === 'Mikrotik-Total-Limit-Gigawords'), false);
  });

  test('a Session-Timeout of 0 is sent as 1 (never "no limit" by accident)', () => {
    assert.deepEqual(attributes({ rateLimit: '1M', sessionTimeout: 0 })[0], ['Session-Timeout', 1]);
  });

  test('without a reserved Message-Authenticator the reply has none and still verifies', () => {
    const list = describeAttributes(reply((w) => writeProfile(w, { rateLimit: '1M' }, ctx()), false));
    assert.deepEqual(list.map(([n]) => n), ['Acct-Interim-Interval', 'Class', 'Mikrotik-Rate-Limit']);
  });
});

describe('writeReplyMessage', () => {
  function replyMessage(message: string): Buffer {
    const p = reply((w) => writeReplyMessage(w, message));
    assert.deepEqual(p.attributes.map((a) => a.type), [80, 18], 'Message-Authenticator, then Reply-Message');
    return Buffer.from(p.attributes[1]!.value);
  }

  test('a short message is sent as is (UTF-8)', () => {
    assert.equal(replyMessage('Langganan diisolir, silakan bayar').toString('utf8'), 'Langganan diisolir, silakan bayar');
    assert.equal(replyMessage('Pembayaran diterima ✓').toString('utf8'), 'Pembayaran diterima ✓');
  });

  test('a long ASCII message is cut to the 253 octets an attribute holds', () => {
    const message = 'x'.repeat(300);
    const v = replyMessage(message);
    assert.equal(v.length, 253);
    assert.equal(v.toString('utf8'), message.slice(0, 253));
  });

  test('exactly 253 octets is not cut', () => {
    assert.equal(replyMessage('y'.repeat(253)).length, 253);
  });

  // Bug: the message is cut at octet 253 whatever is there, so a multi-byte UTF-8 character
  // straddling that octet is cut in half and the Reply-Message is no longer valid UTF-8
  // (RFC 2865 §5.18 / RFC 3629). The settings allow 200 characters, up to 800 octets.
  test('a long multi-byte message is cut on a character boundary (stays valid UTF-8)', () => {
    for (const message of ['é'.repeat(200), `${'a'.repeat(252)}é`, `${'a'.repeat(251)}✓✓`, '👍'.repeat(100)]) {
      const v = replyMessage(message);
      assert.ok(v.length <= 253, `${v.length} octets`);
      let text = '';
      assert.doesNotThrow(() => {
        text = new TextDecoder('utf-8', { fatal: true }).decode(v);
      }, `valid UTF-8 for ${JSON.stringify(message.slice(0, 3))}…`);
      assert.ok(message.startsWith(text), 'a prefix of the message');
      assert.ok(v.length > 249, 'no more than one character dropped');
    }
  });
});

describe('classFor / parseClass', () => {
  test('round trip for an accept and a walled-garden decision', () => {
    assert.deepEqual(parseClass(classFor(42, 3, false)), { subscriptionId: 42, planId: 3, walledGarden: false });
    assert.deepEqual(parseClass(classFor(9_007_199, 12, true)), { subscriptionId: 9_007_199, planId: 12, walledGarden: true });
  });

  test('the Class text has the documented shape', () => {
    assert.equal(classFor(42, 3, true).toString('latin1'), 'isp1;s=42;p=3;d=w');
    assert.equal(classFor(42, 3, false).toString('latin1'), 'isp1;s=42;p=3;d=a');
  });

  test('survives the wire: the Class attribute of a signed reply parses back', () => {
    const p = reply((w) => writeProfile(w, { rateLimit: '1M' }, ctx({ classValue: classFor(77, 5, true) })));
    const cls = p.attributes.find((a) => a.type === 25 && a.vendorId === 0);
    assert.deepEqual(parseClass(cls?.value), { subscriptionId: 77, planId: 5, walledGarden: true });
  });

  test('refuses an absent, foreign or malformed Class', () => {
    const refused = [
      'isp2;s=1;p=2;d=a',
      'isp1;s=1;p=2;d=x',
      'isp1;s=;p=2;d=a',
      'isp1;s=-1;p=2;d=a',
      'isp1;s=1;p=2',
      'isp1;s=1;p=2;d=a;extra',
      ' isp1;s=1;p=2;d=a',
      'isp1;s=1;p=2;d=a\n',
      'ISP1;S=1;P=2;D=A',
      'radius-profile-gold',
      '',
    ];
    assert.equal(parseClass(undefined), null);
    for (const text of refused) assert.equal(parseClass(Buffer.from(text, 'latin1')), null, JSON.stringify(text));
    assert.equal(parseClass(Buffer.from([0x00, 0xff, 0x10, 0x80])), null, 'binary');
  });

  test('refuses a value longer than 64 octets even when it matches the pattern', () => {
    const long = Buffer.from(`isp1;s=${'1'.repeat(60)};p=2;d=a`, 'latin1');
    assert.ok(long.length > 64);
    assert.equal(parseClass(long), null);
  });
});
