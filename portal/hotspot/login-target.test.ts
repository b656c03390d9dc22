/**
 * Where the hotspot page may post credentials: a hotspot's private address, a registered NAS, a
 * host the ISP listed; never an arbitrary host (no open redirect, no credentials to strangers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedLoginTarget, isPrivateAddress } from './login-target.js';

const RULES = { nasAddresses: new Set(['203.0.113.7']), hosts: new Set(['wifi.rtrw.net']) };

test('private, CGNAT, link-local and loopback addresses are hotspot addresses; public ones are not', () => {
  for (const a of ['10.5.50.1', '172.16.0.1', '172.31.255.254', '192.168.88.1', '100.64.0.1', '100.127.255.1', '169.254.1.1', '127.0.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:192.168.1.1']) {
    assert.equal(isPrivateAddress(a), true, a);
  }
  for (const a of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '203.0.113.7', '2001:db8::1', 'example.com']) assert.equal(isPrivateAddress(a), false, a);
});

test('allowed: a hotspot address, a registered NAS, a listed host name (any case); the URL comes back normalized', () => {
  assert.equal(allowedLoginTarget('http://10.5.50.1/login', RULES), 'http://10.5.50.1/login');
  assert.equal(allowedLoginTarget('https://192.168.88.1:8443/login?x=1', RULES), 'https://192.168.88.1:8443/login?x=1');
  assert.equal(allowedLoginTarget('http://203.0.113.7/login', RULES), 'http://203.0.113.7/login');
  assert.equal(allowedLoginTarget('http://WiFi.RTRW.net/login', RULES), 'http://wifi.rtrw.net/login');
  assert.equal(allowedLoginTarget('http://0x0a.5.50.1/login', RULES), 'http://10.5.50.1/login', 'a hex form is read as the address it is');
  assert.equal(allowedLoginTarget('http://[fd00::1]/login', RULES), 'http://[fd00::1]/login');
});

test('refused: public hosts, look-alike names, credentials in the URL, other schemes, junk', () => {
  for (const raw of [
    'http://evil.example/login', 'http://8.8.8.8/login', 'http://wifi.rtrw.net.evil.example/login', 'http://10.5.50.1.nip.io/login',
    'http://user:pass@10.5.50.1/login', 'javascript:alert(1)', 'data:text/html,hi', 'ftp://10.5.50.1/', '//10.5.50.1/login', '/login',
    'http://[2001:db8::1]/login', '', 'x'.repeat(600),
  ]) {
    assert.equal(allowedLoginTarget(raw, RULES), null, raw);
  }
});
