import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { logicalLines, splitWords } from '../../../billing/import/routeros-export.js';
import { DEFAULT_NETWORK, defaultPools } from './address-plan.js';
import { routerOsSetupScript, type RouterOsSetupInput } from './setup-script.js';
import { newTunnel, wgQuickConfig, wireGuardKeys } from './wireguard.js';

const base: RouterOsSetupInput = {
  locale: 'en', routerOs: 7, messageAuth: true,
  radiusServer: '10.10.0.2', secret: 'r4h4s!a"x', authPort: 1812, acctPort: 1813, coaPort: 3799, interimInterval: 300,
  addressList: 'isolir', portalBase: 'https://billing.example.net',
  pools: defaultPools(['pool-home', 'pool-biz', 'pool-isolir']), network: DEFAULT_NETWORK,
};

/** Every command line splits with the import's RouterOS parser (quotes, escapes, brackets, continuations). */
function assertParses(script: string): string[] {
  const commands = logicalLines(script).map((l) => l.text.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of commands) assert.doesNotThrow(() => splitWords(line), line);
  return commands;
}

test('v7 and v6 scripts parse with the RouterOS export parser and never use place-before=0', () => {
  for (const routerOs of [7, 6] as const) {
    const s = routerOsSetupScript({ ...base, routerOs, messageAuth: routerOs === 7 });
    assert.ok(assertParses(s).length > 40);
    assert.doesNotMatch(s, /place-before=0/);
  }
});

test('the RADIUS client, CoA, and an input rule accepting UDP 3799 from this server only, at the top on any filter table', () => {
  const s = routerOsSetupScript(base);
  assert.match(s, /^\/radius add service=ppp,hotspot address=10\.10\.0\.2 secret="r4h4s!a\\"x" authentication-port=1812 accounting-port=1813 timeout=300ms require-message-auth=yes-for-request-resp comment="billing: RADIUS"$/m);
  assert.match(s, /^\/radius incoming set accept=yes port=3799$/m);
  assert.match(s, /^\/ppp aaa set use-radius=yes interim-update=5m accounting=yes$/m);
  const lines = s.split('\n');
  const add = lines.findIndex((l) => l.startsWith('/ip firewall filter add chain=input protocol=udp'));
  assert.equal(lines[add], '/ip firewall filter add chain=input protocol=udp src-address=10.10.0.2 dst-port=3799 action=accept comment="billing: CoA from the billing server"');
  assert.equal(lines[add - 1], '/ip firewall filter remove [find where comment="billing: CoA from the billing server"]');
  // Moved before the first rule only when there is another one: an empty table needs no move.
  assert.equal(lines[add + 1], ':if ([:len [/ip firewall filter find]] > 1) do={ /ip firewall filter move [/ip firewall filter find where comment="billing: CoA from the billing server"] destination=([/ip firewall filter find]->0) }');
});

test('a pool for every pool the plans name, a PPPoE server with its profile, the hotspot with RADIUS', () => {
  const s = routerOsSetupScript(base);
  for (const [name, ranges] of [['billing-pppoe', '172.16.0.2-172.16.0.254'], ['pool-biz', '172.16.1.2-172.16.1.254'], ['pool-home', '172.16.2.2-172.16.2.254'], ['pool-isolir', '172.16.3.2-172.16.3.254']]) {
    assert.ok(s.includes(`:if ([:len [/ip pool find where name="${name}"]] = 0) do={ /ip pool add name="${name}" ranges=${ranges} }`), name);
  }
  assert.match(s, /\/ppp profile add name="billing-pppoe" local-address=172\.16\.0\.1 remote-address="billing-pppoe" dns-server=8\.8\.8\.8,1\.1\.1\.1 /);
  assert.match(s, /\/interface pppoe-server server add service-name="billing-pppoe" interface="ether2" default-profile="billing-pppoe" authentication=pap,chap,mschap1,mschap2 /);
  assert.match(s, /\/ip hotspot profile add name="billing-hotspot" hotspot-address=10\.5\.50\.1 login-by=http-chap,http-pap use-radius=yes radius-accounting=yes radius-interim-update=5m/);
  assert.match(s, /\/ip hotspot add name="billing-hotspot" interface="ether3" profile="billing-hotspot" /);
  assert.match(s, /\/ip pool add name="billing-hotspot-dhcp" ranges=10\.5\.50\.2-10\.5\.50\.254/);
  assert.match(s, /\/ip hotspot walled-garden add dst-host="billing\.example\.net" action=allow/);
  assert.match(s, /# Guests reach the login page https:\/\/billing\.example\.net\/portal\/hotspot\/login /);
});

test('the walled garden: proxy redirect to PUBLIC_URL/portal/captive in each version\'s syntax, drop ends below the accepts', () => {
  const v7 = routerOsSetupScript(base);
  assert.match(v7, /^\/ip proxy access add action=redirect action-data="https:\/\/billing\.example\.net\/portal\/captive" local-port=8089 /m);
  const v6 = routerOsSetupScript({ ...base, routerOs: 6, messageAuth: false });
  assert.match(v6, /^\/ip proxy access add action=deny redirect-to="https:\/\/billing\.example\.net\/portal\/captive" local-port=8089 /m);
  assert.doesNotMatch(v6, /action-data=/);
  assert.match(v7, /^\/ip firewall address-list add list=isolir-portal address=app\.midtrans\.com /m);
  assert.match(v7, /^\/ip firewall address-list add list=isolir-portal address=billing\.example\.net /m);
  const forward = v7.split('\n').filter((l) => l.startsWith('/ip firewall filter add chain=forward'));
  assert.match(forward[0]!, /action=drop/, 'added first, each moved to the top: it ends up last');
  assert.ok(forward.slice(1).every((l) => /action=accept/.test(l)));
});

test('RouterOS 6 has no WireGuard and no require-message-auth; a tunnel on RouterOS 6 is refused', () => {
  const v6 = routerOsSetupScript({ ...base, routerOs: 6, messageAuth: false });
  assert.doesNotMatch(v6, /wireguard|require-message-auth/i);
  assert.doesNotMatch(routerOsSetupScript({ ...base, messageAuth: false }), /require-message-auth/);
  assert.throws(() => routerOsSetupScript({ ...base, routerOs: 6, tunnel: newTunnel('203.0.113.5') }), RangeError);
});

test('the WireGuard tunnel: the router\'s private key only in the router script, the server\'s only in the wg-quick file', () => {
  const tunnel = newTunnel('vps.example.net');
  const s = routerOsSetupScript({ ...base, radiusServer: tunnel.serverAddress, tunnel });
  const wg = wgQuickConfig(tunnel, 'VPS');
  assertParses(s);
  assert.match(s, /\/interface wireguard add name="wg-billing" listen-port=51820 private-key="[A-Za-z0-9+/]{43}="/);
  assert.ok(s.includes(`/interface wireguard peers add interface="wg-billing" public-key="${tunnel.server.publicKey}" endpoint-address="vps.example.net" endpoint-port=51820 allowed-address=10.255.255.1/32 persistent-keepalive=25s`));
  assert.match(s, /\/ip address add address=10\.255\.255\.2\/30 interface="wg-billing"/);
  assert.match(s, /^\/radius add service=ppp,hotspot address=10\.255\.255\.1 /m);
  assert.ok(s.includes(tunnel.router.privateKey) && !s.includes(tunnel.server.privateKey));
  assert.ok(wg.includes(`PrivateKey = ${tunnel.server.privateKey}`) && !wg.includes(tunnel.router.privateKey));
  assert.ok(wg.includes(`PublicKey = ${tunnel.router.publicKey}`) && wg.includes('AllowedIPs = 10.255.255.2/32'));
  assert.notEqual(tunnel.router.privateKey, newTunnel('vps.example.net').router.privateKey, 'fresh keys each time');
});

test('comments follow the staff member\'s language', () => {
  assert.match(routerOsSetupScript({ ...base, locale: 'id' }), /^# Klien RADIUS: login PPPoE dan hotspot diputuskan oleh server billing$/m);
  assert.match(routerOsSetupScript(base), /^# RADIUS client: PPPoE and hotspot logins are decided by the billing server$/m);
});

test('quotes, backslashes and $ in values cannot break out of a RouterOS string', () => {
  const s = routerOsSetupScript({ ...base, secret: 'a$b\\c"d' });
  assert.match(s, /secret="a\\\$b\\\\c\\"d"/);
  assertParses(s);
});

test('WireGuard keys are X25519 pairs in wg\'s base64 form: both sides derive the same shared secret', () => {
  const a = wireGuardKeys();
  const b = wireGuardKeys();
  const url = (b64: string): string => Buffer.from(b64, 'base64').toString('base64url');
  const priv = (k: typeof a) => crypto.createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: url(k.privateKey), x: url(k.publicKey) }, format: 'jwk' });
  const pub = (k: typeof a) => crypto.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: url(k.publicKey) }, format: 'jwk' });
  for (const k of [a, b]) assert.equal(Buffer.from(k.privateKey, 'base64').length, 32);
  const ab = crypto.diffieHellman({ privateKey: priv(a), publicKey: pub(b) });
  const ba = crypto.diffieHellman({ privateKey: priv(b), publicKey: pub(a) });
  assert.deepEqual(ab, ba);
  // The public key is the one the private key gives (wg pubkey).
  assert.equal(crypto.createPublicKey(priv(a)).export({ format: 'jwk' }).x, url(a.publicKey));
});
