/**
 * The setup script's IPv6 lines (ipv6-script.ts): one `/ipv6 pool` per pool the plans name, with
 * placeholder prefixes of 2001:db8::/32, delegated /56 and link /64; the PPP profile keeps no IPv6
 * pool (only a commented line); no IPv6 lines at all when no plan names a pool.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logicalLines, splitWords } from '../../../billing/import/routeros-export.js';
import { DEFAULT_NETWORK, defaultPools } from './address-plan.js';
import { defaultIpv6Pools } from './ipv6-script.js';
import { routerOsSetupScript, type RouterOsSetupInput } from './setup-script.js';

const base: RouterOsSetupInput = {
  locale: 'en', routerOs: 7, messageAuth: true,
  radiusServer: '10.10.0.2', secret: 'secret', authPort: 1812, acctPort: 1813, coaPort: 3799, interimInterval: 300,
  addressList: 'isolir', portalBase: 'https://billing.example.net', pools: defaultPools(['pool-home']), network: DEFAULT_NETWORK,
};

test('an /ipv6 pool per pool name: delegated /56 and link /64 from 2001:db8::/32 placeholders', () => {
  const pools = defaultIpv6Pools({ framed: ['v6-wan', 'v6-wan'], delegated: ['v6-pd', 'v6-pd-biz'] });
  assert.deepEqual(pools, [
    { name: 'v6-pd', kind: 'delegated', prefixLength: 56, prefix: '2001:db8:100::/40' },
    { name: 'v6-pd-biz', kind: 'delegated', prefixLength: 56, prefix: '2001:db8:200::/40' },
    { name: 'v6-wan', kind: 'framed', prefixLength: 64, prefix: '2001:db8:300::/40' },
  ]);
  const script = routerOsSetupScript({ ...base, ipv6Pools: pools });
  assert.match(script, /^:if \(\[:len \[\/ipv6 pool find where name="v6-pd"\]\] = 0\) do=\{ \/ipv6 pool add name="v6-pd" prefix=2001:db8:100::\/40 prefix-length=56 \}$/m);
  assert.match(script, /\/ipv6 pool add name="v6-wan" prefix=2001:db8:300::\/40 prefix-length=64/);
  // The profile line is a comment: RADIUS sends the pools, so walled-garden sessions stay IPv4-only.
  assert.match(script, /^# \/ppp profile set \[find where name="billing-pppoe"\] dhcpv6-pd-pool="v6-pd" remote-ipv6-prefix-pool="v6-wan"$/m);
  assert.doesNotMatch(script, /^\/ppp profile .*ipv6/m);
  for (const l of logicalLines(script).map((x) => x.text.trim()).filter((x) => x && !x.startsWith('#'))) assert.doesNotThrow(() => splitWords(l), l);
});

test('no IPv6 pool named: no IPv6 line', () => {
  assert.doesNotMatch(routerOsSetupScript(base), /ipv6/i);
  assert.doesNotMatch(routerOsSetupScript({ ...base, ipv6Pools: [] }), /ipv6/i);
});
