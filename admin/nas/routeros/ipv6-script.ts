/**
 * The IPv6 part of the RouterOS setup script (setup-script.ts): one `/ipv6 pool` per IPv6 pool
 * the PPPoE plans name (aaa/policy/ipv6-addressing.ts), for DHCPv6 prefix delegation over PPPoE.
 *
 * - `/ipv6 pool add name=… prefix=<block> prefix-length=<size handed out>` (RouterOS manual
 *   "IP Pools", IPv6 pool). A delegated pool hands out /56 (RIPE-690 §4.2 recommends /48 or /56
 *   for residential customers); a link pool /64 (the PPP link's SLAAC prefix, RFC 7084 WAN).
 * - RouterOS creates a DHCPv6-PD server on each PPP interface by itself when the session has a
 *   PD pool, from the PPP profile's `dhcpv6-pd-pool` or from RADIUS Mikrotik-Delegated-IPv6-Pool
 *   (RouterOS manual "IPv6 PD over PPP" and "RADIUS Client", vendor attribute 22): no
 *   `/ipv6 dhcp-server` entry is needed.
 * - The pools are NOT set on the PPP profile: attributes RADIUS does not send are taken from the
 *   profile ("PPP AAA"), so a profile pool would give IPv6 to walled-garden sessions, which the
 *   radius role keeps IPv4-only (Mikrotik-Address-List fills an IPv4 address list). The profile
 *   line is written as a comment for an ISP that rejects suspended subscribers instead.
 * - The prefixes are placeholders in the documentation range 2001:db8::/32 (RFC 3849): the
 *   technician replaces them with blocks of the ISP's own allocation before pasting.
 */
import { ifMissing, quote } from '../../../lib/routeros/script-syntax.js';

export interface Ipv6PoolPlan {
  name: string;
  kind: 'delegated' | 'framed';
  /** `2001:db8:100::/40`: the block the pool hands out from. */
  prefix: string;
  /** The size of each prefix handed out: 56 (delegated) or 64 (framed). */
  prefixLength: number;
}

/** Placeholder pools, one per name (delegated pools first), each a /40 of 2001:db8::/32 in turn. */
export function defaultIpv6Pools(names: { framed: readonly string[]; delegated: readonly string[] }): Ipv6PoolPlan[] {
  const delegated = [...new Set(names.delegated)].map((name) => ({ name, kind: 'delegated' as const, prefixLength: 56 }));
  const framed = [...new Set(names.framed)].filter((n) => !names.delegated.includes(n)).map((name) => ({ name, kind: 'framed' as const, prefixLength: 64 }));
  // 2001:db8:XX00::/40, XX = 01, 02, … (256 pools at most: more would be a mistake).
  return [...delegated, ...framed].slice(0, 255).map((p, i) => ({ ...p, prefix: `2001:db8:${(i + 1).toString(16)}00::/40` }));
}

type Comment = (key: string, vars?: Record<string, string | number>) => string;

/** The script lines; none when no plan names an IPv6 pool. */
export function ipv6PoolLines(pools: readonly Ipv6PoolPlan[], pppProfile: string, c: Comment): string[] {
  if (!pools.length) return [];
  const pd = pools.find((p) => p.kind === 'delegated');
  const link = pools.find((p) => p.kind === 'framed');
  return [
    c('ipv6_pools'),
    ...pools.map((p) => ifMissing('/ipv6 pool', `name=${quote(p.name)}`, `/ipv6 pool add name=${quote(p.name)} prefix=${p.prefix} prefix-length=${p.prefixLength}`)),
    c('ipv6_profile'),
    `# /ppp profile set [find where name=${quote(pppProfile)}]${pd ? ` dhcpv6-pd-pool=${quote(pd.name)}` : ''}${link ? ` remote-ipv6-prefix-pool=${quote(link.name)}` : ''}`,
  ];
}
