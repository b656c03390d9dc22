/**
 * parseAaaSettings: the stored `aaa` settings row with its defaults; an invalid row falls back to
 * the defaults and says why, so a bad edit never stops the radius role.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidRateLimit } from '../../lib/routeros/rate-limit.js';
import { aaaSettingsSchema, parseAaaSettings, type AaaSettings } from './aaa-settings.js';

const DEFAULTS: AaaSettings = {
  suspendedAction: 'walled_garden',
  walledGarden: { addressList: 'isolir', rateLimit: '512k/512k', framedPool: null, sessionTimeout: 3600 },
  softLimitRateLimit: '1M/1M',
  messages: {
    rejected: 'Login ditolak / Login rejected',
    terminated: 'Langganan berhenti / Subscription terminated',
    suspended: 'Langganan diisolir, silakan bayar tagihan / Suspended, please pay your invoice',
    simultaneousUse: 'Sudah login di perangkat lain / Already logged in elsewhere',
    voucherUsed: 'Voucher sudah habis / Voucher used up',
    voucherExpired: 'Voucher kedaluwarsa / Voucher expired',
  },
};

test('no stored row (undefined or null) or an empty object gives the defaults, without an error', () => {
  for (const stored of [undefined, null, {}]) {
    const r = parseAaaSettings(stored);
    assert.deepEqual(r.settings, DEFAULTS, JSON.stringify(stored));
    assert.equal(r.error, undefined);
  }
});

test('the default rates are valid Mikrotik-Rate-Limit values', () => {
  assert.equal(isValidRateLimit(DEFAULTS.walledGarden.rateLimit), true);
  assert.equal(isValidRateLimit(DEFAULTS.softLimitRateLimit), true);
});

test('stored values are kept, and missing nested fields take their defaults', () => {
  const r = parseAaaSettings({
    suspendedAction: 'reject',
    walledGarden: { addressList: 'blocked', framedPool: 'pool-isolir' },
    messages: { suspended: 'Bayar dulu' },
  });
  assert.equal(r.error, undefined);
  assert.equal(r.settings.suspendedAction, 'reject');
  assert.deepEqual(r.settings.walledGarden, { addressList: 'blocked', rateLimit: '512k/512k', framedPool: 'pool-isolir', sessionTimeout: 3600 });
  assert.equal(r.settings.messages.suspended, 'Bayar dulu');
  assert.equal(r.settings.messages.rejected, DEFAULTS.messages.rejected);
  assert.equal(r.settings.messages.voucherUsed, DEFAULTS.messages.voucherUsed, 'a row stored before the voucher texts existed gets them');
  assert.equal(r.settings.softLimitRateLimit, '1M/1M');
});

test('a full valid row is taken as stored', () => {
  const stored: AaaSettings = {
    suspendedAction: 'walled_garden',
    walledGarden: { addressList: 'isolir-2', rateLimit: '256k/1M', framedPool: null, sessionTimeout: 60 },
    softLimitRateLimit: '2M/2M 4M/4M 1M/1M 8/8 5',
    messages: { rejected: 'a', terminated: 'b', suspended: 'c', simultaneousUse: 'd', voucherUsed: 'e', voucherExpired: 'f' },
  };
  assert.deepEqual(parseAaaSettings(stored), { settings: stored });
});

test('an invalid rate limit makes the whole row fall back to the defaults, with the reason', () => {
  for (const stored of [{ softLimitRateLimit: '10 Mbps' }, { walledGarden: { rateLimit: '1M/2M/3M' } }]) {
    const r = parseAaaSettings(stored);
    assert.deepEqual(r.settings, DEFAULTS);
    assert.match(r.error ?? '', /not a valid Mikrotik-Rate-Limit/);
  }
});

test('other invalid values fall back to the defaults with an error', () => {
  const invalid: unknown[] = [
    { suspendedAction: 'drop' },
    { walledGarden: { sessionTimeout: 59 } },
    { walledGarden: { sessionTimeout: 86_401 } },
    { walledGarden: { sessionTimeout: 600.5 } },
    { walledGarden: { addressList: '' } },
    { walledGarden: { addressList: 'x'.repeat(65) } },
    { walledGarden: { framedPool: '' } },
    { messages: { rejected: 'x'.repeat(201) } },
    { suspendedAction: 'reject', softLimitRateLimit: 5 },
    'not an object',
  ];
  for (const stored of invalid) {
    const r = parseAaaSettings(stored);
    assert.deepEqual(r.settings, DEFAULTS, JSON.stringify(stored));
    assert.equal(typeof r.error, 'string', JSON.stringify(stored));
  }
});

test('limits are inclusive: Session-Timeout 60 and 86400, 64-character address list, 200-character message', () => {
  const r = parseAaaSettings({
    walledGarden: { sessionTimeout: 86_400, addressList: 'x'.repeat(64) },
    messages: { rejected: 'y'.repeat(200) },
  });
  assert.equal(r.error, undefined);
  assert.equal(r.settings.walledGarden.sessionTimeout, 86_400);
  assert.equal(parseAaaSettings({ walledGarden: { sessionTimeout: 60 } }).settings.walledGarden.sessionTimeout, 60);
});

test('aaaSettingsSchema itself: parse({}) gives the defaults, an invalid value throws', () => {
  assert.deepEqual(aaaSettingsSchema.parse({}), DEFAULTS);
  assert.throws(() => aaaSettingsSchema.parse({ suspendedAction: 'drop' }));
});
