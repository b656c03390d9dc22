/**
 * Where the hotspot page may post credentials: a registered NAS or a host the ISP listed (names or
 * addresses); never an arbitrary host, private and CGNAT addresses included (no open redirect, no
 * credentials to strangers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedLoginTarget, canonicalHost } from './login-target.js';

const RULES = { nasAddresses: new Set(['203.0.113.7', '100.64.0.1']), hosts: new Set(['wifi.rtrw.net', '10.5.50.1', 'fd00::1']) };

test('allowed: a registered NAS, a listed host name (any case) or address; the URL comes back normalized', () => {
  assert.equal(allowedLoginTarget('http://10.5.50.1/login', RULES), 'http://10.5.50.1/login');
  assert.equal(allowedLoginTarget('https://100.64.0.1:8443/login?x=1', RULES), 'https://100.64.0.1:8443/login?x=1');
  assert.equal(allowedLoginTarget('http://203.0.113.7/login', RULES), 'http://203.0.113.7/login');
  assert.equal(allowedLoginTarget('http://WiFi.RTRW.net/login', RULES), 'http://wifi.rtrw.net/login');
  assert.equal(allowedLoginTarget('http://0x0a.5.50.1/login', RULES), 'http://10.5.50.1/login', 'a hex form is read as the address it is');
  assert.equal(allowedLoginTarget('http://[fd00::1]/login', RULES), 'http://[fd00::1]/login');
});

test('refused: private and CGNAT addresses nobody registered, public hosts, look-alike names, credentials in the URL, other schemes, junk', () => {
  for (const raw of [
    'http://100.64.23.45:8080/steal', 'http://192.168.88.1/login', 'http://10.5.50.2/login', 'http://127.0.0.1/login', 'http://[fd00::2]/login',
    'http://evil.example/login', 'http://8.8.8.8/login', 'http://wifi.rtrw.net.evil.example/login', 'http://10.5.50.1.nip.io/login',
    'http://user:pass@10.5.50.1/login', 'javascript:alert(1)', 'data:text/html,hi', 'ftp://10.5.50.1/', '//10.5.50.1/login', '/login',
    'http://[2001:db8::1]/login', '', 'x'.repeat(600),
  ]) {
    assert.equal(allowedLoginTarget(raw, RULES), null, raw);
  }
});

test('listed hosts are compared as a URL spells them: case, brackets and number forms do not matter', () => {
  assert.equal(canonicalHost(' WiFi.RTRW.net '), 'wifi.rtrw.net');
  assert.equal(canonicalHost('[FD00:0::1]'), 'fd00::1');
  assert.equal(canonicalHost('FD00:0::1'), 'fd00::1');
  assert.equal(canonicalHost('0x0a.5.50.1'), '10.5.50.1');
  assert.equal(canonicalHost(''), null);
  assert.equal(canonicalHost('not a host'), null);
});
