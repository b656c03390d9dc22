/**
 * The IPv6 part of an accepted profile (ARCHITECTURE.md, "RADIUS and MikroTik facts", IPv6):
 *
 * - Only PPPoE subscriptions get IPv6 attributes: RouterOS's hotspot is IPv4-only (its
 *   `/ip hotspot` has no IPv6 counterpart), and the IPv6 attributes of RouterOS's RADIUS client are
 *   applied to PPP sessions (RouterOS manual, "RADIUS Client" and "PPP AAA").
 * - The WAN side: the subscription's static Framed-IPv6-Prefix (RFC 3162 §2.3), else the plan's
 *   Framed-IPv6-Pool (RFC 3162 §2.6).
 * - The LAN side (DHCPv6 prefix delegation): the subscription's static Delegated-IPv6-Prefix
 *   (RFC 4818), else the plan's delegated pool (written as Mikrotik-Delegated-IPv6-Pool for a
 *   MikroTik NAS, Delegated-IPv6-Prefix-Pool, RFC 6911 §3.4, for others: reply-attributes.ts).
 * - A static prefix wins over a pool, as Framed-IP-Address wins over Framed-Pool.
 * - The walled garden gets none of this (decide.ts does not call it there): Mikrotik-Address-List
 *   puts the client's IPv4 address in an `/ip firewall address-list`; that RouterOS also fills an
 *   IPv6 list from it is not documented, so a suspended subscriber with IPv6 could bypass the
 *   walled garden. They stay IPv4-only until they pay.
 */
import type { PlanAccess, SubscriptionAccess } from '../../billing/access/subscription-access.js';

export interface Ipv6Profile {
  /** Framed-IPv6-Prefix, `2001:db8:0:1::/64`. */
  framedIpv6Prefix?: string;
  /** Framed-IPv6-Pool: an `/ipv6 pool` name on the router. */
  framedIpv6Pool?: string;
  /** Delegated-IPv6-Prefix, `2001:db8:100::/56`. */
  delegatedIpv6Prefix?: string;
  /** The router's DHCPv6-PD pool name. */
  delegatedIpv6Pool?: string;
}

/** The IPv6 attributes of an accepted subscription (empty for hotspot or when nothing is set). */
export function ipv6Addressing(sub: SubscriptionAccess, plan: PlanAccess): Ipv6Profile {
  if (sub.serviceType !== 'pppoe') return {};
  const out: Ipv6Profile = {};
  if (sub.framedIpv6Prefix) out.framedIpv6Prefix = sub.framedIpv6Prefix;
  else if (plan.framedIpv6Pool) out.framedIpv6Pool = plan.framedIpv6Pool;
  if (sub.delegatedIpv6Prefix) out.delegatedIpv6Prefix = sub.delegatedIpv6Prefix;
  else if (plan.delegatedIpv6Pool) out.delegatedIpv6Pool = plan.delegatedIpv6Pool;
  return out;
}
