/**
 * IPv6 in the Access-Accept (ipv6-addressing.ts, reply-attributes.ts): the decision picks static
 * prefixes over pools, only for PPPoE and never in the walled garden; the writer puts them on the
 * wire in RFC 3162 / RFC 4818 form, the delegated pool as Mikrotik-Delegated-IPv6-Pool for a
 * MikroTik NAS and as Delegated-IPv6-Prefix-Pool (RFC 6911 §3.4) for others.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlanAccess, SubscriptionAccess } from '../../billing/access/subscription-access.js';
import { Code, decodePacket } from '../codec/packet.js';
import { describeAttributes } from '../codec/values.js';
import { PacketWriter } from '../codec/writer.js';
import { parseAaaSettings } from '../settings/aaa-settings.js';
import { decide, type AccessProfile } from './decide.js';
import { classFor, writeProfile } from './reply-attributes.js';

const SETTINGS = parseAaaSettings({
  walledGarden: { addressList: 'isolir', rateLimit: '256k/256k', framedPool: null, sessionTimeout: 900 },
}).settings;

const SUB: SubscriptionAccess = {
  id: 42, customerId: 7, planId: 3, username: 'budi', passwordEnc: 'v1:unused', serviceType: 'pppoe', status: 'active',
  billingType: 'postpaid', anchorDay: 1, startDate: '2026-01-01', paidUntil: null, staticIp: null, framedPool: null, macAddress: null,
};
const PLAN: PlanAccess = {
  id: 3, name: 'Home', rateLimit: '5M/10M', quotaBytes: null, fupRateLimit: null, softLimitRateLimit: null, framedPool: 'pool-home',
  mikrotikGroup: null, sessionTimeout: null, idleTimeout: null, simultaneousUse: 1, billingCycle: 'monthly', cycleDays: null,
  framedIpv6Pool: 'v6-wan', delegatedIpv6Pool: 'v6-pd',
};

function profileOf(sub: Partial<SubscriptionAccess>, plan: Partial<PlanAccess> = {}): AccessProfile {
  const d = decide({
    subscription: { ...SUB, ...sub }, plan: { ...PLAN, ...plan }, settings: SETTINGS, now: Date.parse('2026-03-10T05:00:00Z'),
    openSessions: [], usedOctets: 0n, nasIpAddress: '10.0.0.1', callingStationId: undefined,
  });
  assert.notEqual(d.kind, 'reject');
  return (d as { profile: AccessProfile }).profile;
}

/** The reply's attributes as the NAS decodes them, Class and Acct-Interim-Interval left out. */
function onWire(profile: AccessProfile, vendor = 'mikrotik'): Array<[string, string | number]> {
  const w = new PacketWriter(Code.AccessAccept, 1);
  writeProfile(w, profile, { vendor, interimInterval: 300, classValue: classFor(42, 3, false) });
  const r = decodePacket(w.toResponse(Buffer.alloc(16), Buffer.from('s')));
  assert.ok(r.ok);
  return describeAttributes(r.packet).filter(([n]) => n !== 'Class' && n !== 'Acct-Interim-Interval');
}

test('a PPPoE plan with pools: Framed-IPv6-Pool and Mikrotik-Delegated-IPv6-Pool', () => {
  assert.deepEqual(onWire(profileOf({})), [
    ['Framed-Pool', 'pool-home'],
    ['Framed-IPv6-Pool', 'v6-wan'],
    ['Mikrotik-Rate-Limit', '5M/10M'],
    ['Mikrotik-Delegated-IPv6-Pool', 'v6-pd'],
  ]);
});

test('a non-MikroTik NAS gets the delegated pool as Delegated-IPv6-Prefix-Pool (RFC 6911)', () => {
  assert.deepEqual(onWire(profileOf({}), 'other'), [
    ['Framed-Pool', 'pool-home'],
    ['Framed-IPv6-Pool', 'v6-wan'],
    ['Delegated-IPv6-Prefix-Pool', 'v6-pd'],
  ]);
});

test('static prefixes win over the plan pools', () => {
  assert.deepEqual(onWire(profileOf({ framedIpv6Prefix: '2001:db8:0:7::/64', delegatedIpv6Prefix: '2001:db8:700::/56' })), [
    ['Framed-Pool', 'pool-home'],
    ['Framed-IPv6-Prefix', '2001:db8:0:7::/64'],
    ['Delegated-IPv6-Prefix', '2001:db8:700::/56'],
    ['Mikrotik-Rate-Limit', '5M/10M'],
  ]);
  // Only a delegated prefix: the framed side still comes from the pool.
  assert.deepEqual(onWire(profileOf({ delegatedIpv6Prefix: '2001:db8:700::/56' })).map(([n]) => n), [
    'Framed-Pool', 'Framed-IPv6-Pool', 'Delegated-IPv6-Prefix', 'Mikrotik-Rate-Limit',
  ]);
});

test('hotspot and plans without IPv6 get no IPv6 attribute', () => {
  const hotspot = profileOf({ serviceType: 'hotspot', delegatedIpv6Prefix: '2001:db8:700::/56' });
  assert.deepEqual(onWire(hotspot), [['Framed-Pool', 'pool-home'], ['Mikrotik-Rate-Limit', '5M/10M']]);
  assert.deepEqual(onWire(profileOf({}, { framedIpv6Pool: null, delegatedIpv6Pool: null })), [['Framed-Pool', 'pool-home'], ['Mikrotik-Rate-Limit', '5M/10M']]);
});

test('the walled garden is IPv4-only, whatever the subscription has', () => {
  const wg = profileOf({ status: 'suspended', framedIpv6Prefix: '2001:db8:0:7::/64', delegatedIpv6Prefix: '2001:db8:700::/56' });
  assert.deepEqual(onWire(wg).filter(([n]) => /IPv6/.test(n)), []);
});
