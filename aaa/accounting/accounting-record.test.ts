/**
 * Accounting-Request → AccountingRecord: Accounting-Requests built as a MikroTik sends them
 * (PacketWriter + the dictionary), signed, decoded and parsed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifySignedRequest } from '../codec/authenticators.js';
import { dictionary } from '../codec/dictionary.js';
import { Code, decodePacket, type Packet } from '../codec/packet.js';
import type { AttributeValue } from '../codec/values.js';
import { PacketWriter } from '../codec/writer.js';
import { classFor, voucherClass } from '../policy/reply-attributes.js';
import {
  isNasRecord,
  MAX_SESSION_TIME_S,
  parseAccountingRequest,
  sessionKey,
  type AccountingRecord,
  type NasRecord,
  type ParseResult,
  type SessionRecord,
  unstorableReason,
} from './accounting-record.js';

const d = dictionary();
const SECRET = Buffer.from('acct-secret');
const NAS = { id: 5, ipAddress: '10.0.0.1' };
const RECEIVED = Date.parse('2026-03-10T05:00:00Z');
const GIB = 2 ** 30;
const TWO_32 = 2 ** 32;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Attrs = Array<[string, AttributeValue]>;

/** A PPPoE session's attributes, as RouterOS sends them in every Accounting-Request. */
function pppoe(status: string, extra: Attrs = []): Attrs {
  return [
    ['Acct-Status-Type', status],
    ['User-Name', 'budi'],
    ['Acct-Session-Id', '81a00001'],
    ['NAS-Identifier', 'rb-kantor'],
    ['NAS-IP-Address', '10.0.0.1'],
    ['NAS-Port', 15728641],
    ['NAS-Port-Id', 'ether2'],
    ['NAS-Port-Type', 'Ethernet'],
    ['Service-Type', 'Framed-User'],
    ['Calling-Station-Id', 'AA:BB:CC:DD:EE:01'],
    ['Called-Station-Id', 'pppoe-home'],
    ['Framed-IP-Address', '100.64.0.10'],
    ...extra,
  ];
}

function packet(attrs: Attrs, identifier = 1): Packet {
  const w = new PacketWriter(Code.AccountingRequest, identifier);
  for (const [name, value] of attrs) w.add(d.attr(name), value);
  const r = decodePacket(w.toSignedRequest(SECRET));
  if (!r.ok) assert.fail(`the request should decode: ${r.reason}`);
  assert.equal(verifySignedRequest(r.packet, SECRET), true);
  return r.packet;
}

function parse(attrs: Attrs, resolver: (username: string) => number | null = () => null, receivedAt = RECEIVED): ParseResult {
  return parseAccountingRequest(packet(attrs), NAS, receivedAt, resolver);
}

function sessionRecord(r: ParseResult): SessionRecord {
  if (!r.ok) assert.fail(`expected a record, got ${r.reason}`);
  if (isNasRecord(r.record)) assert.fail(`expected a session record, got ${r.record.kind}`);
  return r.record;
}

function nasRecord(r: ParseResult): NasRecord {
  if (!r.ok) assert.fail(`expected a record, got ${r.reason}`);
  if (!isNasRecord(r.record)) assert.fail(`expected a NAS record, got ${r.record.kind}`);
  return r.record;
}

describe('status types', () => {
  test('Start: every field of a MikroTik PPPoE session', () => {
    const r = sessionRecord(parse(pppoe('Start'), (u) => (u === 'budi' ? 42 : null)));
    assert.deepEqual(r, {
      kind: 'start',
      sessionKey: sessionKey('budi', '81a00001', '10.0.0.1', 'ether2'),
      acctSessionId: '81a00001',
      acctMultiSessionId: null,
      username: 'budi',
      subscriptionId: 42,
      voucherId: null,
      nasId: 5,
      nasIpAddress: '10.0.0.1',
      nasIdentifier: 'rb-kantor',
      nasPort: 'ether2',
      nasPortType: 'Ethernet',
      callingStationId: 'AA:BB:CC:DD:EE:01',
      calledStationId: 'pppoe-home',
      framedIpAddress: '100.64.0.10',
      serviceType: 'Framed-User',
      class: null,
      eventTime: RECEIVED,
      startTime: RECEIVED,
      startIsEstimate: false,
      sessionTime: 0,
      inputOctets: 0n,
      outputOctets: 0n,
      inputPackets: 0,
      outputPackets: 0,
      terminateCause: null,
    } satisfies AccountingRecord);
  });

  test('Interim-Update carries the cumulative counters', () => {
    const r = sessionRecord(parse(pppoe('Interim-Update', [
      ['Acct-Session-Time', 600],
      ['Acct-Input-Octets', 1_000_000],
      ['Acct-Output-Octets', 25_000_000],
      ['Acct-Input-Packets', 9000],
      ['Acct-Output-Packets', 21000],
    ])));
    assert.equal(r.kind, 'interim');
    assert.equal(r.startIsEstimate, true, 'only a Start states the start time');
    assert.equal(r.sessionTime, 600);
    assert.equal(r.inputOctets, 1_000_000n);
    assert.equal(r.outputOctets, 25_000_000n);
    assert.equal(r.inputPackets, 9000);
    assert.equal(r.outputPackets, 21000);
    assert.equal(r.terminateCause, null);
  });

  test('Stop carries the Acct-Terminate-Cause by name', () => {
    const r = sessionRecord(parse(pppoe('Stop', [['Acct-Session-Time', 3600], ['Acct-Terminate-Cause', 'User-Request']])));
    assert.equal(r.kind, 'stop');
    assert.equal(r.terminateCause, 'User-Request');
  });

  test('an Acct-Terminate-Cause outside Stop is ignored', () => {
    assert.equal(sessionRecord(parse(pppoe('Interim-Update', [['Acct-Terminate-Cause', 'User-Request']]))).terminateCause, null);
  });

  test('Accounting-On and Accounting-Off are NAS records (no session needed)', () => {
    const attrs: Attrs = [['NAS-IP-Address', '10.0.0.1'], ['NAS-Identifier', 'rb-kantor'], ['Acct-Delay-Time', 2]];
    assert.deepEqual(nasRecord(parse([['Acct-Status-Type', 'Accounting-On'], ...attrs])), {
      kind: 'nas_on',
      nasId: 5,
      nasIpAddress: '10.0.0.1',
      eventTime: RECEIVED - 2000,
    });
    assert.deepEqual(nasRecord(parse([['Acct-Status-Type', 'Accounting-Off'], ...attrs])), {
      kind: 'nas_off',
      nasId: 5,
      nasIpAddress: '10.0.0.1',
      eventTime: RECEIVED - 2000,
    });
  });
});

describe('refused requests', () => {
  test('without Acct-Session-Id', () => {
    const attrs = pppoe('Start').filter(([name]) => name !== 'Acct-Session-Id');
    assert.deepEqual(parse(attrs), { ok: false, reason: 'no_acct_session_id' });
  });

  test('with an Acct-Session-Id of NUL characters only', () => {
    const attrs = pppoe('Interim-Update').map(([n, v]): [string, AttributeValue] => (n === 'Acct-Session-Id' ? [n, '\0\0'] : [n, v]));
    assert.deepEqual(parse(attrs), { ok: false, reason: 'no_acct_session_id' });
  });

  test('without Acct-Status-Type', () => {
    const attrs = pppoe('Start').filter(([name]) => name !== 'Acct-Status-Type');
    assert.deepEqual(parse(attrs), { ok: false, reason: 'no_status_type' });
  });

  test('with a status type we do not store (Failed, 15)', () => {
    assert.deepEqual(parse(pppoe('Failed')), { ok: false, reason: 'unsupported_status_15' });
  });
});

describe('octet counters', () => {
  test('Gigawords: total = gigawords × 2^32 + octets (5 GiB up, 12 GiB + 1 down)', () => {
    const r = sessionRecord(parse(pppoe('Interim-Update', [
      ['Acct-Input-Octets', GIB],
      ['Acct-Input-Gigawords', 1],
      ['Acct-Output-Octets', 1],
      ['Acct-Output-Gigawords', 3],
    ])));
    assert.equal(r.inputOctets, BigInt(5 * GIB));
    assert.equal(r.outputOctets, BigInt(12 * GIB + 1));
  });

  test('Gigawords without octets, and values past 2^53 stay exact (bigint)', () => {
    const r = sessionRecord(parse(pppoe('Interim-Update', [
      ['Acct-Input-Gigawords', 2],
      ['Acct-Output-Octets', 5],
      ['Acct-Output-Gigawords', 2 ** 21],
    ])));
    assert.equal(r.inputOctets, BigInt(2 * TWO_32));
    assert.equal(r.outputOctets, 9_007_199_254_740_997n, '2^53 + 5: a JS number would round it to …996');
    assert.equal(unstorableReason(r), null);
  });

  test('a total above 2^63 − 1 (Gigawords 2^32 − 1) is exact and named unstorable', () => {
    const r = sessionRecord(parse(pppoe('Interim-Update', [['Acct-Input-Gigawords', 0xffffffff], ['Acct-Input-Octets', 1000]])));
    assert.equal(r.inputOctets, 0xffffffffn * 2n ** 32n + 1000n);
    assert.equal(unstorableReason(r), 'input_octets_out_of_range');
    const out = sessionRecord(parse(pppoe('Interim-Update', [['Acct-Output-Gigawords', 2 ** 31]])));
    assert.equal(unstorableReason(out), 'output_octets_out_of_range', '2^63 exactly');
    const max = sessionRecord(parse(pppoe('Interim-Update', [['Acct-Output-Gigawords', 2 ** 31 - 1], ['Acct-Output-Octets', 0xffffffff]])));
    assert.equal(max.outputOctets, 2n ** 63n - 1n);
    assert.equal(unstorableReason(max), null, '2^63 − 1 fits');
  });
});

describe('times', () => {
  test('Acct-Delay-Time moves the event time back; start = event − Acct-Session-Time', () => {
    const r = sessionRecord(parse(pppoe('Interim-Update', [['Acct-Delay-Time', 30], ['Acct-Session-Time', 3600]])));
    assert.equal(r.eventTime, RECEIVED - 30_000);
    assert.equal(r.startTime, RECEIVED - 30_000 - 3_600_000);
    assert.equal(r.sessionTime, 3600);
  });

  test('without Acct-Delay-Time the event is the receive time', () => {
    const r = sessionRecord(parse(pppoe('Stop', [['Acct-Session-Time', 125]])));
    assert.equal(r.eventTime, RECEIVED);
    assert.equal(r.startTime, RECEIVED - 125_000);
  });

  test('an absurd Acct-Delay-Time is capped at one day', () => {
    const r = sessionRecord(parse(pppoe('Stop', [['Acct-Delay-Time', 10_000_000]])));
    assert.equal(r.eventTime, RECEIVED - 86_400_000);
  });

  test('an Acct-Session-Time above ten years (4294967295: a start in 1890) is ignored, with the reason', () => {
    const r = parse(pppoe('Interim-Update', [['Acct-Session-Time', 0xffffffff]]));
    const rec = sessionRecord(r);
    assert.equal(rec.sessionTime, 0);
    assert.equal(rec.startTime, RECEIVED, 'no start estimate from it');
    assert.deepEqual(r.ok && r.ignored, ['session_time_out_of_range']);
    const tenYears = parse(pppoe('Interim-Update', [['Acct-Session-Time', MAX_SESSION_TIME_S]]));
    assert.equal(sessionRecord(tenYears).sessionTime, MAX_SESSION_TIME_S);
    assert.deepEqual(tenYears.ok && tenYears.ignored, []);
  });

  test('Event-Timestamp from a router without NTP is not used', () => {
    const r = sessionRecord(parse(pppoe('Start', [['Event-Timestamp', Date.parse('2019-01-01T00:00:00Z') / 1000]])));
    assert.equal(r.eventTime, RECEIVED);
  });
});

describe('Class and the subscription', () => {
  test('a Class written by classFor gives the subscription id; the resolver is not asked', () => {
    let asked = 0;
    const r = sessionRecord(parse(pppoe('Start', [['Class', classFor(77, 3, false)]]), () => (asked++, 999)));
    assert.equal(r.subscriptionId, 77);
    assert.equal(r.class, 'isp1;s=77;p=3;d=a');
    assert.equal(asked, 0);
  });

  test('another Class falls back to the resolver by username', () => {
    const seen: string[] = [];
    const r = sessionRecord(parse(pppoe('Start', [['Class', Buffer.from('gold-profile')]]), (u) => (seen.push(u), 42)));
    assert.equal(r.subscriptionId, 42);
    assert.deepEqual(seen, ['budi']);
    assert.equal(r.class, 'gold-profile');
  });

  test('a voucher Class gives the voucher id and no subscription; neither resolver is asked', () => {
    let asked = 0;
    const r = parseAccountingRequest(packet(pppoe('Start', [['Class', voucherClass(31)]])), NAS, RECEIVED, () => (asked++, 999), () => (asked++, 998));
    const rec = sessionRecord(r);
    assert.equal(rec.voucherId, 31);
    assert.equal(rec.subscriptionId, null);
    assert.equal(rec.class, 'isp1;v=31');
    assert.equal(asked, 0);
  });

  test('without a Class, a username that is no subscription is looked up as a voucher code', () => {
    const seen: string[] = [];
    const rec = sessionRecord(parseAccountingRequest(packet(pppoe('Start')), NAS, RECEIVED, () => null, (u) => (seen.push(u), 12)));
    assert.equal(rec.voucherId, 12);
    assert.deepEqual(seen, ['budi']);
    const sub = sessionRecord(parseAccountingRequest(packet(pppoe('Start')), NAS, RECEIVED, () => 42, () => 12));
    assert.deepEqual([sub.subscriptionId, sub.voucherId], [42, null], 'a subscription wins over a voucher of the same name');
  });

  test('no Class and an unknown user: subscriptionId null', () => {
    assert.equal(sessionRecord(parse(pppoe('Start'))).subscriptionId, null);
  });

  test('a binary foreign Class is stored as 0x-hex', () => {
    const r = sessionRecord(parse(pppoe('Start', [['Class', Buffer.from([0x00, 0xff, 0x10, 0x41])]])));
    assert.equal(r.class, '0x00ff1041');
    assert.equal(r.subscriptionId, null);
  });
});

describe('strings', () => {
  test('NUL characters are removed from every stored string', () => {
    const r = sessionRecord(parse([
      ['Acct-Status-Type', 'Start'],
      ['User-Name', 'bu\0di'],
      ['Acct-Session-Id', '81a0\x000001'],
      ['Acct-Multi-Session-Id', 'multi\0'],
      ['NAS-Identifier', '\0rb-kantor'],
      ['NAS-Port-Id', 'ether\x002'],
      ['Calling-Station-Id', 'AA:BB:CC:DD:EE:01\0'],
      ['Called-Station-Id', 'pppoe\0-home'],
    ]));
    assert.equal(r.username, 'budi');
    assert.equal(r.acctSessionId, '81a00001');
    assert.equal(r.acctMultiSessionId, 'multi');
    assert.equal(r.nasIdentifier, 'rb-kantor');
    assert.equal(r.nasPort, 'ether2');
    assert.equal(r.callingStationId, 'AA:BB:CC:DD:EE:01');
    assert.equal(r.calledStationId, 'pppoe-home');
    assert.equal(r.sessionKey, sessionKey('budi', '81a00001', '10.0.0.1', 'ether2'));
  });

  test('a request without User-Name or ports still parses (username empty, nasPort null)', () => {
    const r = sessionRecord(parse([['Acct-Status-Type', 'Start'], ['Acct-Session-Id', 'x1']]));
    assert.equal(r.username, '');
    assert.equal(r.nasPort, null);
    assert.equal(r.sessionKey, sessionKey('', 'x1', '10.0.0.1', ''));
  });

  test('NAS-Port is used when there is no NAS-Port-Id; unknown enum values are kept as numbers', () => {
    const r = sessionRecord(parse([
      ['Acct-Status-Type', 'Start'],
      ['Acct-Session-Id', 'x1'],
      ['NAS-Port', 7],
      ['NAS-Port-Type', 250],
    ]));
    assert.equal(r.nasPort, '7');
    assert.equal(r.nasPortType, '250');
  });
});

describe('session key', () => {
  test('a UUID, stable for the same inputs, and the same for every packet of the session', () => {
    const k = sessionKey('budi', '81a00001', '10.0.0.1', 'ether2');
    assert.match(k, UUID);
    assert.equal(sessionKey('budi', '81a00001', '10.0.0.1', 'ether2'), k);
    const start = sessionRecord(parse(pppoe('Start')));
    const interim = sessionRecord(parse(pppoe('Interim-Update', [['Acct-Session-Time', 300]])));
    const stop = sessionRecord(parse(pppoe('Stop', [['Acct-Session-Time', 600]])));
    assert.equal(start.sessionKey, k);
    assert.equal(interim.sessionKey, k);
    assert.equal(stop.sessionKey, k);
  });

  test('different for another NAS port, NAS, session id or user', () => {
    const k = sessionKey('budi', '81a00001', '10.0.0.1', 'ether2');
    const others = [
      sessionKey('budi', '81a00001', '10.0.0.1', 'ether3'),
      sessionKey('budi', '81a00001', '10.0.0.2', 'ether2'),
      sessionKey('budi', '81a00002', '10.0.0.1', 'ether2'),
      sessionKey('budi2', '81a00001', '10.0.0.1', 'ether2'),
    ];
    assert.equal(new Set([k, ...others]).size, 5);
  });

  test('fields are separated: moving characters between fields changes the key', () => {
    assert.notEqual(sessionKey('ab', 'c', '10.0.0.1', '1'), sessionKey('a', 'bc', '10.0.0.1', '1'));
  });

  test('the same session on another NAS port (parsed) has another key', () => {
    const a = sessionRecord(parse(pppoe('Start')));
    const b = sessionRecord(parse(pppoe('Start').map(([n, v]): [string, AttributeValue] => (n === 'NAS-Port-Id' ? [n, 'ether3'] : [n, v]))));
    assert.notEqual(a.sessionKey, b.sessionKey);
    assert.match(b.sessionKey, UUID);
  });
});
