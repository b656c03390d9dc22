import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRadiusSafeUsername } from '../../billing/subscriptions/subscription-username.js';
import { macDigits } from '../sessions/list-sessions.js';
import { formatDuration } from './subscription-detail.js';
import { defaultAnchorDay, parseSubscriptionForm } from './subscription-form.js';

const form = { plan_id: '3', service_type: 'pppoe', billing_type: 'postpaid', anchor_day: '15', username: '', static_ip: '', mac_address: '' };

test('the form: a MAC in any notation is stored as AA:BB:CC:DD:EE:FF; empty optional fields are null', () => {
  for (const mac of ['aa:bb:cc:dd:ee:0f', 'AA-BB-CC-DD-EE-0F', 'aabbccddee0f']) {
    const r = parseSubscriptionForm({ ...form, mac_address: mac });
    assert.ok(r.ok);
    assert.equal(r.fields.mac_address, 'AA:BB:CC:DD:EE:0F');
  }
  const r = parseSubscriptionForm(form);
  assert.ok(r.ok);
  assert.deepEqual([r.fields.static_ip, r.fields.mac_address, r.fields.username, r.fields.anchor_day, r.fields.plan_id], [null, null, '', 15, 3]);
});

test('the form: field errors name the field', () => {
  const r = parseSubscriptionForm({ ...form, plan_id: '', anchor_day: '29', username: 'a b', static_ip: '300.1.1.1', mac_address: 'aa:bb-cc:dd:ee:ff', service_type: 'pptp' });
  assert.ok(!r.ok);
  assert.deepEqual(r.errors, {
    plan_id: 'subscriptions.error.plan', anchor_day: 'subscriptions.error.anchor_day', username: 'subscriptions.error.username_format',
    static_ip: 'subscriptions.error.static_ip', mac_address: 'subscriptions.error.mac', service_type: 'error.invalid',
  });
});

test('RADIUS-safe usernames: letters, digits, . _ - @, 3-64, not starting with a symbol', () => {
  for (const ok of ['cust0042', 'cust0042-2', 'budi.santoso@rtrw', 'A_b']) assert.ok(isRadiusSafeUsername(ok), ok);
  for (const bad of ['-x123', '.abc', 'ab', 'with space', 'quo"te', 'back\\slash', 'x'.repeat(65), 'ünï']) assert.ok(!isRadiusSafeUsername(bad), bad);
});

test('anchor day: today in the ISP time zone, at most 28', () => {
  assert.equal(defaultAnchorDay(new Date('2026-11-21T03:00:00Z'), 'Asia/Jakarta'), 21);
  assert.equal(defaultAnchorDay(new Date('2026-11-30T18:00:00Z'), 'Asia/Jakarta'), 1, 'already 1 December in Jakarta');
  assert.equal(defaultAnchorDay(new Date('2026-12-30T03:00:00Z'), 'Asia/Jakarta'), 28);
});

test('MAC digits and durations', () => {
  assert.equal(macDigits('aa:bb:cc:00:11:22'), 'AABBCC001122');
  assert.equal(macDigits('aabb.cc00.1122'), 'AABBCC001122');
  assert.equal(macDigits('user123456789'), null);
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(90_061), '1d 1:01:01');
  assert.equal(formatDuration(-5), '0:00:00');
});
