/** The rules subscriptions and vouchers share: the device count, time left, Session-Timeout, octets left. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSameDevice, octetsLeft, otherDevices, secondsUntil, shortestTimeout, type DeviceSession } from './access-rules.js';

const NOW = Date.parse('2026-03-10T05:00:00Z');
const REQ = { nasIpAddress: '10.0.0.1', callingStationId: 'AA:BB:CC:00:00:01' };
const session = (over: Partial<DeviceSession> = {}): DeviceSession => ({ nasIpAddress: '10.0.0.1', callingStationId: 'AA:BB:CC:00:00:99', updateTime: NOW - 60_000, ...over });

test('the same device is the same NAS and the same known Calling-Station-Id', () => {
  assert.equal(isSameDevice('10.0.0.1', REQ.callingStationId, REQ), true);
  assert.equal(isSameDevice('10.0.0.2', REQ.callingStationId, REQ), false, 'the same MAC on another NAS');
  assert.equal(isSameDevice('10.0.0.1', 'AA:BB:CC:00:00:99', REQ), false);
  assert.equal(isSameDevice('10.0.0.1', null, { nasIpAddress: '10.0.0.1', callingStationId: undefined }), false, 'no MAC: never the same');
  assert.equal(isSameDevice('10.0.0.1', '', { nasIpAddress: '10.0.0.1', callingStationId: '' }), false, 'an empty MAC is none');
});

test('other devices: the requesting device and sessions silent past the stale limit do not count', () => {
  const sessions = [session(), session({ callingStationId: REQ.callingStationId }), session({ updateTime: NOW - 20 * 60_000 }), session({ nasIpAddress: '10.0.0.2', callingStationId: REQ.callingStationId })];
  assert.equal(otherDevices(sessions, REQ, NOW, Infinity), 3, 'no stale limit: only the same device is left out');
  assert.equal(otherDevices(sessions, REQ, NOW, 15 * 60_000), 2);
  assert.equal(otherDevices([], REQ, NOW, Infinity), 0);
});

test('seconds until an end, rounded up; the shortest Session-Timeout of those that apply', () => {
  assert.equal(secondsUntil(NOW + 1500, NOW), 2);
  assert.equal(secondsUntil(NOW + 3_600_000, NOW), 3600);
  assert.equal(shortestTimeout(null, undefined), undefined);
  assert.equal(shortestTimeout(3600, null), 3600);
  assert.equal(shortestTimeout(null, 1800, 7200), 1800);
  assert.equal(shortestTimeout(0, 60), 0, 'a zero limit is a limit');
});

test('octets left of a limit, for Total-Limit: bigint usage past 2^53, none left is 0', () => {
  assert.equal(octetsLeft(2 ** 30, 0n), 2 ** 30);
  assert.equal(octetsLeft(2 ** 30, 2n ** 60n), 0);
  assert.equal(octetsLeft(2 ** 40, 2n ** 40n - 1n), 1);
  assert.equal(octetsLeft(1000, 400), 600);
  assert.equal(octetsLeft(1000, 1000), 0);
  assert.equal(octetsLeft(1000, 5000), 0);
});
