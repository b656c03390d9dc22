import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routerOsScript } from './routeros-script.js';

const base = {
  radiusServer: '10.10.0.2', secret: 'r4h4s!a"x', authPort: 1812, acctPort: 1813, coaPort: 3799,
  interimInterval: 300, addressList: 'isolir', portal: { address: '10.10.0.2', port: 3000 }, routerOs715: true,
};

test('the script points PPP and hotspot at this server, with accounting and CoA', () => {
  const s = routerOsScript(base);
  assert.match(s, /^\/radius add service=ppp,hotspot address=10\.10\.0\.2 secret="r4h4s!a\\"x" authentication-port=1812 accounting-port=1813 timeout=300ms require-message-auth=yes-for-request-resp$/m);
  assert.match(s, /^\/radius incoming set accept=yes port=3799$/m);
  assert.ok(s.includes('/ppp aaa set use-radius=yes interim-update=5m'), s);
  assert.match(s, /^\/ppp aaa set .*accounting=yes/m);
  assert.match(s, /^\/ip hotspot profile set \[find\] use-radius=yes radius-accounting=yes radius-interim-update=5m login-by=http-chap,http-pap$/m);
  // Guests reach the hotspot login page on this server before they log in.
  assert.match(s, /^\/ip hotspot walled-garden ip add dst-address=10\.10\.0\.2 action=accept /m);
});

test('the walled garden sends the list\'s web traffic to PUBLIC_URL/portal/captive and lets only DNS, the portal host and the payment pages through', () => {
  const s = routerOsScript({ ...base, portalUrl: 'https://billing.example.net/portal/captive' });
  assert.match(s, /^\/ip firewall address-list add list=isolir-portal address=billing\.example\.net /m);
  // A suspended subscriber pays over their own line: the gateways' pages are in the portal's list.
  assert.match(s, /^\/ip firewall address-list add list=isolir-portal address=app\.midtrans\.com /m);
  assert.match(s, /^\/ip firewall address-list add list=isolir-portal address=checkout\.xendit\.co /m);
  assert.match(s, /^\/ip proxy set enabled=yes port=8089$/m);
  assert.match(s, /^\/ip proxy access add action=allow dst-host="billing\.example\.net" local-port=8089 /m);
  assert.match(s, /^\/ip proxy access add action=redirect action-data="https:\/\/billing\.example\.net\/portal\/captive" local-port=8089 /m);
  assert.match(s, /^\/ip firewall nat add chain=dstnat src-address-list=isolir dst-address-list=!isolir-portal protocol=tcp dst-port=80 action=redirect to-ports=8089 /m);
  const filters = s.split('\n').filter((l) => l.startsWith('/ip firewall filter add chain=forward'));
  // Each goes to the top, so the one added first (the drop) ends up below the accepts.
  assert.match(filters[0]!, /src-address-list=isolir action=drop .*place-before=0$/);
  assert.ok(filters.slice(1).every((l) => /action=accept .*place-before=0$/.test(l)), filters.join('\n'));
  assert.ok(filters.some((l) => /protocol=udp dst-port=53 action=accept/.test(l)), 'DNS');
  assert.ok(filters.some((l) => /dst-address-list=isolir-portal action=accept/.test(l)), 'the portal host');
  assert.match(s, /^\/ip firewall filter add chain=input src-address-list=isolir protocol=tcp dst-port=8089 action=accept .*place-before=0$/m);
});

test('without PUBLIC_URL the portal is the web role\'s address and port', () => {
  assert.match(routerOsScript(base), /action-data="http:\/\/10\.10\.0\.2:3000\/portal\/captive"/);
});

test('RouterOS before 7.15 gets no require-message-auth, and the RouterOS 6 proxy syntax as a comment', () => {
  const s = routerOsScript({ ...base, routerOs715: false });
  assert.doesNotMatch(s, /require-message-auth/);
  assert.match(s, /^# RouterOS 6 instead of the line above: \/ip proxy access add action=deny redirect-to="http:\/\/10\.10\.0\.2:3000\/portal\/captive"/m);
  assert.doesNotMatch(routerOsScript(base), /RouterOS 6 instead/);
});

test('quotes, backslashes and $ in values cannot break out of a RouterOS string', () => {
  const s = routerOsScript({ ...base, secret: 'a$b\\c"d' });
  assert.match(s, /secret="a\\\$b\\\\c\\"d"/);
});
