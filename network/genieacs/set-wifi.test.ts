/** Wi-Fi values (IEEE 802.11: SSID 0–32 octets, refused empty here; WPA2 passphrase 8–63 printable ASCII). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateWifi } from './set-wifi.js';

test('SSID 1–32 bytes of UTF-8, passphrase 8–63 printable ASCII, something to change', () => {
  assert.deepEqual(validateWifi({ ssid: 'Rumah Sari', password: 'kopi-susu-123' }), {});
  assert.deepEqual(validateWifi({ ssid: 'x'.repeat(32) }), {});
  assert.deepEqual(validateWifi({ ssid: 'é'.repeat(16) }), {}, '32 bytes');
  assert.equal(validateWifi({ ssid: 'é'.repeat(17) }).ssid, 'genieacs.error.ssid', '34 bytes');
  assert.equal(validateWifi({ ssid: '' }).ssid, 'genieacs.error.ssid');
  assert.equal(validateWifi({ ssid: 'a\nb' }).ssid, 'genieacs.error.ssid');
  assert.deepEqual(validateWifi({ password: '12345678' }), {});
  assert.deepEqual(validateWifi({ password: 'p'.repeat(63) }), {});
  assert.equal(validateWifi({ password: 'p'.repeat(64) }).password, 'genieacs.error.wifi_password');
  assert.equal(validateWifi({ password: '1234567' }).password, 'genieacs.error.wifi_password');
  assert.equal(validateWifi({ password: 'kata sandi ñ' }).password, 'genieacs.error.wifi_password', 'not ASCII');
  assert.equal(validateWifi({}).ssid, 'genieacs.error.nothing');
});
