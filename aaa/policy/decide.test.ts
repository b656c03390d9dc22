/**
 * decide(): every rule of the module docstring, in its order: terminated, suspended / expired
 * prepaid (walled garden or reject), simultaneous use, then accept with the plan's rate, quota,
 * soft limit and the prepaid Session-Timeout.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OpenSessionAccess, PlanAccess, SubscriptionAccess } from '../../billing/access/subscription-access.js';
import { parseAaaSettings, type AaaSettings } from '../settings/aaa-settings.js';
import { decide, type Decision, type DecisionInput } from './decide.js';

const NOW = Date.parse('2026-03-10T05:00:00Z');
const HOUR = 3_600_000;
const GIB = 2 ** 30;
const NAS = '10.0.0.1';
const MAC = 'AA:BB:CC:DD:EE:01';

const SETTINGS: AaaSettings = parseAaaSettings({
  walledGarden: { addressList: 'isolir', rateLimit: '256k/256k', framedPool: null, sessionTimeout: 900 },
  softLimitRateLimit: '1M/2M',
  messages: { rejected: 'MSG rejected', terminated: 'MSG terminated', suspended: 'MSG suspended', simultaneousUse: 'MSG simultaneous', voucherUsed: 'MSG voucher used', voucherExpired: 'MSG voucher expired' },
}).settings;

function settings(over: Partial<AaaSettings> = {}): AaaSettings {
  return { ...SETTINGS, ...over };
}

function subscription(over: Partial<SubscriptionAccess> = {}): SubscriptionAccess {
  return {
    id: 42,
    customerId: 7,
    planId: 3,
    username: 'budi',
    passwordEnc: 'v1:unused',
    serviceType: 'pppoe',
    status: 'active',
    billingType: 'postpaid',
    anchorDay: 1,
    startDate: '2026-01-01',
    paidUntil: null,
    staticIp: null,
    framedPool: null,
    macAddress: null,
    ...over,
  };
}

function plan(over: Partial<PlanAccess> = {}): PlanAccess {
  return {
    id: 3,
    name: 'Home 10M',
    rateLimit: '5M/10M',
    quotaBytes: null,
    fupRateLimit: null,
    softLimitRateLimit: null,
    framedPool: 'pool-home',
    mikrotikGroup: null,
    sessionTimeout: null,
    idleTimeout: null,
    simultaneousUse: 1,
    billingCycle: 'monthly',
    cycleDays: null,
    ...over,
  };
}

function session(over: Partial<OpenSessionAccess> = {}): OpenSessionAccess {
  return {
    subscriptionId: 42,
    sessionKey: 'k-1',
    nasIpAddress: '10.0.0.2',
    acctSessionId: '81000001',
    callingStationId: 'AA:BB:CC:DD:EE:99',
    framedIpAddress: '100.64.0.9',
    updateTime: NOW - 60_000,
    ...over,
  };
}

function run(over: Partial<Omit<DecisionInput, 'subscription' | 'plan'>> & { subscription?: Partial<SubscriptionAccess>; plan?: Partial<PlanAccess> } = {}): Decision {
  const { subscription: s, plan: p, ...rest } = over;
  return decide({
    subscription: subscription(s),
    plan: plan(p),
    settings: SETTINGS,
    now: NOW,
    openSessions: [],
    usedOctets: 0n,
    nasIpAddress: NAS,
    callingStationId: MAC,
    ...rest,
  });
}

function accepted(d: Decision): Extract<Decision, { kind: 'accept' }> {
  if (d.kind !== 'accept') assert.fail(`expected accept, got ${JSON.stringify(d)}`);
  return d;
}

function walled(d: Decision): Extract<Decision, { kind: 'walled_garden' }> {
  if (d.kind !== 'walled_garden') assert.fail(`expected walled_garden, got ${JSON.stringify(d)}`);
  return d;
}

describe('rule 1: terminated', () => {
  test('a terminated subscription is rejected with the terminated message', () => {
    assert.deepEqual(run({ subscription: { status: 'terminated' } }), { kind: 'reject', reason: 'terminated', message: 'MSG terminated' });
  });

  test('terminated wins over an expired prepaid and over the walled-garden setting', () => {
    const d = run({ subscription: { status: 'terminated', billingType: 'prepaid', paidUntil: NOW - HOUR } });
    assert.equal(d.kind, 'reject');
    assert.equal(d.reason, 'terminated');
  });
});

describe('rule 2: suspended → walled garden or reject', () => {
  test('suspended: walled garden with the address list, isolation rate, short Session-Timeout and the plan pool', () => {
    const d = walled(run({ subscription: { status: 'suspended' }, plan: { idleTimeout: 600, sessionTimeout: 86_400, quotaBytes: 10 * GIB } }));
    assert.equal(d.reason, 'suspended');
    assert.equal(d.message, 'MSG suspended');
    assert.deepEqual(d.profile, { rateLimit: '256k/256k', addressList: 'isolir', sessionTimeout: 900, framedPool: 'pool-home' });
  });

  test('the walled-garden pool override wins over the subscription static IP and the plan pool', () => {
    const d = walled(run({
      settings: settings({ walledGarden: { ...SETTINGS.walledGarden, framedPool: 'pool-isolir' } }),
      subscription: { status: 'suspended', staticIp: '203.0.113.5', framedPool: 'pool-sub' },
    }));
    assert.equal(d.profile.framedPool, 'pool-isolir');
    assert.equal(d.profile.framedIpAddress, undefined);
  });

  test('without a pool override a static IP is kept (and no pool is sent)', () => {
    const d = walled(run({ subscription: { status: 'suspended', staticIp: '203.0.113.5', framedPool: 'pool-sub' } }));
    assert.equal(d.profile.framedIpAddress, '203.0.113.5');
    assert.equal(d.profile.framedPool, undefined);
  });

  test("without override or static IP: the subscription's pool, else the plan's, else none", () => {
    assert.equal(walled(run({ subscription: { status: 'suspended', framedPool: 'pool-sub' } })).profile.framedPool, 'pool-sub');
    assert.equal(walled(run({ subscription: { status: 'suspended' } })).profile.framedPool, 'pool-home');
    const none = walled(run({ subscription: { status: 'suspended' }, plan: { framedPool: null } }));
    assert.equal('framedPool' in none.profile, false);
    assert.equal('framedIpAddress' in none.profile, false);
  });

  test('the Mikrotik group is passed through in the walled garden', () => {
    assert.equal(walled(run({ subscription: { status: 'suspended' }, plan: { mikrotikGroup: 'isolir-profile' } })).profile.group, 'isolir-profile');
    assert.equal('group' in walled(run({ subscription: { status: 'suspended' } })).profile, false);
  });

  test("suspendedAction 'reject' rejects a suspended subscription with the suspended message", () => {
    const d = run({ settings: settings({ suspendedAction: 'reject' }), subscription: { status: 'suspended' } });
    assert.deepEqual(d, { kind: 'reject', reason: 'suspended', message: 'MSG suspended' });
  });

  test('rule 2 comes before simultaneous use: a suspended subscriber with a session elsewhere still reaches the portal', () => {
    const d = run({ subscription: { status: 'suspended' }, openSessions: [session(), session({ sessionKey: 'k-2' })] });
    assert.equal(d.kind, 'walled_garden');
  });

  test('rule 2 comes before the quota: a suspended subscriber over quota without FUP is walled, not rejected', () => {
    const d = run({ subscription: { status: 'suspended' }, plan: { quotaBytes: GIB }, usedOctets: BigInt(2 * GIB) });
    assert.equal(d.kind, 'walled_garden');
  });
});

describe('rule 2: expired prepaid', () => {
  test('prepaid with paid_until in the past → "expired" walled garden', () => {
    const d = walled(run({ subscription: { billingType: 'prepaid', paidUntil: NOW - 1 } }));
    assert.equal(d.reason, 'expired');
    assert.equal(d.message, 'MSG suspended');
    assert.equal(d.profile.addressList, 'isolir');
    assert.equal(d.profile.rateLimit, '256k/256k');
    assert.equal(d.profile.sessionTimeout, 900);
  });

  test('prepaid with paid_until null (never paid) → expired', () => {
    assert.equal(walled(run({ subscription: { billingType: 'prepaid', paidUntil: null } })).reason, 'expired');
  });

  test('prepaid whose paid_until is exactly now → expired', () => {
    assert.equal(run({ subscription: { billingType: 'prepaid', paidUntil: NOW } }).kind, 'walled_garden');
  });

  test("suspendedAction 'reject' rejects an expired prepaid with reason expired", () => {
    const d = run({ settings: settings({ suspendedAction: 'reject' }), subscription: { billingType: 'prepaid', paidUntil: NOW - HOUR } });
    assert.deepEqual(d, { kind: 'reject', reason: 'expired', message: 'MSG suspended' });
  });

  test('postpaid ignores paid_until (null or past): accepted', () => {
    assert.equal(run({ subscription: { billingType: 'postpaid', paidUntil: null } }).kind, 'accept');
    assert.equal(run({ subscription: { billingType: 'postpaid', paidUntil: NOW - HOUR } }).kind, 'accept');
  });
});

describe('rule 3: simultaneous use', () => {
  const reject = { kind: 'reject', reason: 'simultaneous_use', message: 'MSG simultaneous' };

  test('limit 1: no open session → accept; one open session elsewhere → reject', () => {
    assert.equal(run().kind, 'accept');
    assert.deepEqual(run({ openSessions: [session()] }), reject);
  });

  test('limit 2: one session → accept; two → reject', () => {
    assert.equal(run({ plan: { simultaneousUse: 2 }, openSessions: [session()] }).kind, 'accept');
    assert.deepEqual(run({ plan: { simultaneousUse: 2 }, openSessions: [session(), session({ sessionKey: 'k-2', callingStationId: 'AA:BB:CC:DD:EE:98' })] }), reject);
  });

  test('a session on the same NAS from the same Calling-Station-Id is the same device reconnecting: not counted', () => {
    assert.equal(run({ openSessions: [session({ nasIpAddress: NAS, callingStationId: MAC })] }).kind, 'accept');
  });

  test('the same Calling-Station-Id on another NAS, or another device on the same NAS, counts', () => {
    assert.deepEqual(run({ openSessions: [session({ nasIpAddress: '10.0.0.2', callingStationId: MAC })] }), reject);
    assert.deepEqual(run({ openSessions: [session({ nasIpAddress: NAS, callingStationId: 'AA:BB:CC:DD:EE:99' })] }), reject);
  });

  test('a request without Calling-Station-Id never matches a session as the same device', () => {
    const open = [session({ nasIpAddress: NAS, callingStationId: null })];
    assert.deepEqual(run({ callingStationId: undefined, openSessions: open }), reject);
  });

  test('a session open for days still counts: the index never sees Interim-Updates, lost sessions are closed by the sweep', () => {
    assert.deepEqual(run({ openSessions: [session({ updateTime: NOW - 3 * 24 * 3600_000 })] }), reject);
  });

  test('only sessions from other devices are counted against the limit', () => {
    const open = [
      session({ sessionKey: 'same-device', nasIpAddress: NAS, callingStationId: MAC }),
      session({ sessionKey: 'other-1' }),
      session({ sessionKey: 'other-2' }),
    ];
    assert.equal(run({ plan: { simultaneousUse: 3 }, openSessions: open }).kind, 'accept');
    assert.deepEqual(run({ plan: { simultaneousUse: 2 }, openSessions: open }), reject);
  });
});

describe('rule 4: accept', () => {
  test("active: the plan's rate and pool, no quota, no timeouts", () => {
    assert.deepEqual(run(), { kind: 'accept', reason: 'active', profile: { rateLimit: '5M/10M', framedPool: 'pool-home' } });
  });

  test('a static IP is sent instead of a pool', () => {
    const d = accepted(run({ subscription: { staticIp: '203.0.113.5', framedPool: 'pool-sub' } }));
    assert.deepEqual(d.profile, { rateLimit: '5M/10M', framedIpAddress: '203.0.113.5' });
  });

  test("the plan's Session-Timeout, Idle-Timeout and Mikrotik group are passed through", () => {
    const d = accepted(run({ plan: { sessionTimeout: 86_400, idleTimeout: 600, mikrotikGroup: 'home-10m' } }));
    assert.equal(d.profile.sessionTimeout, 86_400);
    assert.equal(d.profile.idleTimeout, 600);
    assert.equal(d.profile.group, 'home-10m');
  });

  test('quota: Mikrotik-Total-Limit is what is left of the quota', () => {
    const d = accepted(run({ plan: { quotaBytes: 50 * GIB }, usedOctets: BigInt(12 * GIB + 5) }));
    assert.equal(d.reason, 'active');
    assert.equal(d.profile.totalLimit, 38 * GIB - 5);
    assert.equal(d.profile.rateLimit, '5M/10M');
  });

  test('usedOctets is ignored when the plan has no quota', () => {
    const d = accepted(run({ usedOctets: BigInt(500 * GIB) }));
    assert.equal(d.profile.totalLimit, undefined);
    assert.equal(d.reason, 'active');
  });

  test('over quota (used = quota, or more) with a fair-usage rate → accepted at the FUP rate, no Total-Limit', () => {
    // 2^53 + 1 and 2^63 − 1: usage past what a JS number holds still compares exactly.
    for (const used of [BigInt(50 * GIB), BigInt(60 * GIB), 2n ** 53n + 1n, 2n ** 63n - 1n]) {
      const d = accepted(run({ plan: { quotaBytes: 50 * GIB, fupRateLimit: '1M/1M' }, usedOctets: used }));
      assert.equal(d.reason, 'fair_usage');
      assert.equal(d.profile.rateLimit, '1M/1M');
      assert.equal(d.profile.totalLimit, undefined);
    }
  });

  test('a quota as large as a JS number holds, 1 octet used: what is left stays exact', () => {
    const d = accepted(run({ plan: { quotaBytes: Number.MAX_SAFE_INTEGER }, usedOctets: 1n }));
    assert.equal(d.profile.totalLimit, Number.MAX_SAFE_INTEGER - 1);
  });

  test('over quota without a fair-usage rate → reject quota_exceeded with the rejected message', () => {
    assert.deepEqual(run({ plan: { quotaBytes: 50 * GIB }, usedOctets: BigInt(50 * GIB) }), { kind: 'reject', reason: 'quota_exceeded', message: 'MSG rejected' });
  });

  test("soft-limited: the plan's soft-limit rate", () => {
    const d = accepted(run({ subscription: { status: 'soft_limited' }, plan: { softLimitRateLimit: '2M/2M' } }));
    assert.equal(d.reason, 'soft_limited');
    assert.equal(d.profile.rateLimit, '2M/2M');
  });

  test("soft-limited without a plan soft-limit rate: the settings' default", () => {
    const d = accepted(run({ subscription: { status: 'soft_limited' } }));
    assert.equal(d.reason, 'soft_limited');
    assert.equal(d.profile.rateLimit, '1M/2M');
  });

  test('soft-limited with quota left keeps the Total-Limit', () => {
    const d = accepted(run({ subscription: { status: 'soft_limited' }, plan: { quotaBytes: 10 * GIB }, usedOctets: BigInt(GIB) }));
    assert.equal(d.profile.totalLimit, 9 * GIB);
  });
});

describe('rule 4: prepaid Session-Timeout stops at paid_until', () => {
  test('seconds left, rounded up, when the plan has no Session-Timeout', () => {
    const d = accepted(run({ subscription: { billingType: 'prepaid', paidUntil: NOW + 90_500 } }));
    assert.equal(d.profile.sessionTimeout, 91);
    assert.equal(accepted(run({ subscription: { billingType: 'prepaid', paidUntil: NOW + 1 } })).profile.sessionTimeout, 1);
    assert.equal(accepted(run({ subscription: { billingType: 'prepaid', paidUntil: NOW + 2 * 86_400_000 } })).profile.sessionTimeout, 172_800);
  });

  test("the smaller of the time left and the plan's Session-Timeout", () => {
    const plenty = accepted(run({ plan: { sessionTimeout: 3600 }, subscription: { billingType: 'prepaid', paidUntil: NOW + 2 * HOUR } }));
    assert.equal(plenty.profile.sessionTimeout, 3600);
    const little = accepted(run({ plan: { sessionTimeout: 3600 }, subscription: { billingType: 'prepaid', paidUntil: NOW + 100_000 } }));
    assert.equal(little.profile.sessionTimeout, 100);
  });

  test('postpaid with a paid_until is not capped', () => {
    const d = accepted(run({ plan: { sessionTimeout: 3600 }, subscription: { billingType: 'postpaid', paidUntil: NOW + 10_000 } }));
    assert.equal(d.profile.sessionTimeout, 3600);
    assert.equal(accepted(run({ subscription: { billingType: 'postpaid', paidUntil: NOW + 10_000 } })).profile.sessionTimeout, undefined);
  });
});
