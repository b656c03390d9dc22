/**
 * decideVoucher(): every rule of the module docstring, in its order: used / expired, limits
 * reached, one device at a time (open sessions, the accept window, the same device, stale
 * sessions), then the accepted profile (rate from the batch or the plan, Session-Timeout =
 * min(time left, validity left, plan timeout), Total-Limit = octets left, plan pool/group/idle).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlanAccess } from '../../billing/access/subscription-access.js';
import type { VoucherAccess, VoucherBatchAccess, VoucherSessionAccess } from '../../billing/access/voucher-access.js';
import { parseAaaSettings } from '../settings/aaa-settings.js';
import { decideVoucher, type VoucherDecision, type VoucherDecisionInput } from './decide.js';

const NOW = Date.parse('2026-11-22T05:00:00Z');
const HOUR = 3600;
const GIB = 2 ** 30;
const NAS = '10.5.50.1';
const MAC = 'AA:BB:CC:00:00:01';
const SETTINGS = parseAaaSettings({ messages: { rejected: 'MSG rejected', simultaneousUse: 'MSG simultaneous', voucherUsed: 'MSG used', voucherExpired: 'MSG expired' } }).settings;

const voucher = (over: Partial<VoucherAccess> = {}): VoucherAccess => ({
  id: 9, code: 'ABCD2345', batchId: 3, status: 'unused', firstUsedAt: null, expiresAt: null, usedSeconds: 0, usedOctets: 0, ...over,
});
const batch = (over: Partial<VoucherBatchAccess> = {}): VoucherBatchAccess => ({
  id: 3, planId: null, rateLimit: '1M/2M', timeLimitSeconds: 2 * HOUR, dataLimitBytes: null, validitySeconds: null, ...over,
});
const plan = (over: Partial<PlanAccess> = {}): PlanAccess => ({
  id: 4, name: 'Hotspot', rateLimit: '3M/6M', quotaBytes: null, fupRateLimit: null, softLimitRateLimit: null, framedPool: 'hs-pool',
  mikrotikGroup: 'hs-group', sessionTimeout: null, idleTimeout: 300, simultaneousUse: 1, billingCycle: 'days', cycleDays: 1, ...over,
});
const session = (over: Partial<VoucherSessionAccess> = {}): VoucherSessionAccess => ({
  voucherId: 9, sessionKey: 'k', nasIpAddress: NAS, callingStationId: 'AA:BB:CC:00:00:99', framedIpAddress: '10.5.50.9', updateTime: NOW - 60_000, ...over,
});

function run(over: Partial<VoucherDecisionInput> = {}): VoucherDecision {
  return decideVoucher({
    voucher: voucher(), batch: batch(), plan: undefined, settings: SETTINGS, now: NOW, openSessions: [], lastAccept: undefined,
    nasIpAddress: NAS, callingStationId: MAC, staleAfterMs: 15 * 60_000, acceptWindowMs: 60_000, ...over,
  });
}

function accepted(d: VoucherDecision) {
  if (d.kind !== 'accept') assert.fail(`expected accept, got ${d.reason}`);
  return d.profile;
}

describe('refusals', () => {
  test('used or expired status: rejected with the voucher texts', () => {
    assert.deepEqual(run({ voucher: voucher({ status: 'used' }) }), { kind: 'reject', reason: 'voucher_used', message: 'MSG used' });
    assert.deepEqual(run({ voucher: voucher({ status: 'expired' }) }), { kind: 'reject', reason: 'voucher_expired', message: 'MSG expired' });
  });

  test('an active voucher past expires_at is expired before the sweep marks it; one second before, it is not', () => {
    assert.equal(run({ voucher: voucher({ status: 'active', expiresAt: NOW }) }).reason, 'voucher_expired');
    assert.equal(run({ voucher: voucher({ status: 'active', expiresAt: NOW + 1000 }) }).kind, 'accept');
  });

  test('time or data used up: rejected as used', () => {
    assert.equal(run({ voucher: voucher({ status: 'active', usedSeconds: 2 * HOUR }) }).reason, 'voucher_used');
    assert.equal(run({ batch: batch({ timeLimitSeconds: null, dataLimitBytes: GIB }), voucher: voucher({ status: 'active', usedOctets: GIB + 5 }) }).reason, 'voucher_used');
  });

  test('another device with an open session, or accepted a moment ago, holds the voucher', () => {
    assert.deepEqual(run({ openSessions: [session()] }), { kind: 'reject', reason: 'simultaneous_use', message: 'MSG simultaneous' });
    assert.equal(run({ lastAccept: { nasIpAddress: NAS, callingStationId: 'AA:BB:CC:00:00:99', at: NOW - 5000 } }).reason, 'simultaneous_use');
  });

  test('the same device reconnecting, a stale session and an old accept do not hold it', () => {
    assert.equal(run({ openSessions: [session({ callingStationId: MAC })] }).kind, 'accept');
    assert.equal(run({ openSessions: [session({ updateTime: NOW - 16 * 60_000 })] }).kind, 'accept');
    assert.equal(run({ lastAccept: { nasIpAddress: NAS, callingStationId: MAC, at: NOW - 5000 } }).kind, 'accept');
    assert.equal(run({ lastAccept: { nasIpAddress: NAS, callingStationId: 'AA:BB:CC:00:00:99', at: NOW - 61_000 } }).kind, 'accept');
    assert.equal(run({ openSessions: [session({ callingStationId: MAC, nasIpAddress: '10.9.9.9' })] }).kind, 'reject', 'same MAC on another NAS is another login');
  });

  test('no Calling-Station-Id: any live session counts', () => {
    assert.equal(run({ callingStationId: undefined, openSessions: [session({ callingStationId: null })] }).kind, 'reject');
  });

  test('neither a batch rate nor a plan in the index: rejected, never accepted unlimited', () => {
    assert.deepEqual(run({ batch: batch({ rateLimit: null, planId: 4 }), plan: undefined }), { kind: 'reject', reason: 'no_rate_limit', message: 'MSG rejected' });
  });
});

describe('the accepted profile', () => {
  test('a fresh voucher: its whole time, no validity yet started: the whole validity, the smaller wins', () => {
    assert.deepEqual(accepted(run()), { rateLimit: '1M/2M', sessionTimeout: 2 * HOUR });
    assert.equal(accepted(run({ batch: batch({ validitySeconds: HOUR }) })).sessionTimeout, HOUR);
  });

  test('time left after earlier sessions, and the validity left rounded up to the second', () => {
    const v = voucher({ status: 'active', usedSeconds: 1800, firstUsedAt: NOW - 1000, expiresAt: NOW + 10 * HOUR * 1000 });
    assert.equal(accepted(run({ voucher: v })).sessionTimeout, 2 * HOUR - 1800);
    const soon = voucher({ status: 'active', expiresAt: NOW + 1500 });
    assert.equal(accepted(run({ voucher: soon })).sessionTimeout, 2);
  });

  test('data left as Total-Limit; no time limit and no validity: no Session-Timeout', () => {
    const p = accepted(run({ batch: batch({ timeLimitSeconds: null, dataLimitBytes: 5 * GIB }), voucher: voucher({ usedOctets: GIB }) }));
    assert.deepEqual(p, { rateLimit: '1M/2M', totalLimit: 4 * GIB });
  });

  test('the plan: its rate when the batch has none, its pool, group, idle timeout and a shorter session timeout', () => {
    const p = accepted(run({ batch: batch({ rateLimit: null, planId: 4 }), plan: plan({ sessionTimeout: 1800 }) }));
    assert.deepEqual(p, { rateLimit: '3M/6M', sessionTimeout: 1800, framedPool: 'hs-pool', group: 'hs-group', idleTimeout: 300 });
    assert.equal(accepted(run({ batch: batch({ planId: 4 }), plan: plan() })).rateLimit, '1M/2M', 'the batch\'s own rate wins');
  });
});
