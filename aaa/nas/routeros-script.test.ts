import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routerOsScript } from './routeros-script.js';

const base = {
  radiusServer: '10.10.0.2', secret: 'r4h4s!a"x', authPort: 1812, acctPort: 1813, coaPort: 3799,
  interimInterval: 300, addressList: 'isolir', portal: { address: '10.10.0.2', port: 3000 }, routerOs715: true,
};

test('the script points PPP and hotspot at this server, with accounting, CoA and the walled garden', () => {
  const s = routerOsScript(base);
  assert.match(s, /^\/radius add service=ppp,hotspot address=10\.10\.0\.2 secret="r4h4s!a\\"x" authentication-port=1812 accounting-port=1813 timeout=300ms require-message-auth=yes-for-request-resp$/m);
  assert.match(s, /^\/radius incoming set accept=yes port=3799$/m);
  assert.match(s, /^\/ppp aaa set use-radius=yes accounting=yes interim-update=5m$/m);
  assert.match(s, /src-address-list=isolir protocol=tcp dst-port=80 action=dst-nat to-addresses=10\.10\.0\.2 to-ports=3000/);
  assert.match(s, /src-address-list=isolir action=drop/);
});

test('RouterOS before 7.15 gets no require-message-auth (the property does not exist there)', () => {
  assert.doesNotMatch(routerOsScript({ ...base, routerOs715: false }), /require-message-auth/);
});
