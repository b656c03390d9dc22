/**
 * A subscription's static IPv6 prefixes (ARCHITECTURE.md, "RADIUS and MikroTik facts", IPv6):
 * `framed_ipv6_prefix`, sent as Framed-IPv6-Prefix (RFC 3162 §2.3: the PPP link's prefix, usually
 * a /64), and `delegated_ipv6_prefix`, sent as Delegated-IPv6-Prefix (RFC 4818: the customer's
 * LAN prefix by DHCPv6-PD, usually a /48 to /64). The rules, for a new subscription and an edit:
 *
 * - an IPv6 prefix with no bit set past its length (`2001:db8:100::/56`), stored compressed;
 * - PPPoE only: RouterOS's hotspot is IPv4-only;
 * - no overlap with any prefix, framed or delegated, of another live (not terminated)
 *   subscription, nor between the subscription's own two prefixes: the captive portal and the
 *   router's routes must find exactly one subscriber behind an address. The exclusion
 *   constraints of migrations/…_ipv6.ts hold the same-column rule against races.
 *
 * Errors are locale keys by form field (views/locales/ipv6/).
 */
import type { Knex } from '../../lib/db.js';
import { normalizeIpv6Prefix } from '../../lib/ipv6.js';

export interface Ipv6Prefixes {
  framedIpv6Prefix: string | null;
  delegatedIpv6Prefix: string | null;
}

const FIELDS = [['framedIpv6Prefix', 'framed_ipv6_prefix'], ['delegatedIpv6Prefix', 'delegated_ipv6_prefix']] as const;

/** Exclusion constraints of the two columns, for a race lost to another request. */
export const IPV6_CONSTRAINTS: Record<string, string> = {
  subscriptions_framed_ipv6_prefix: 'framed_ipv6_prefix',
  subscriptions_delegated_ipv6_prefix: 'delegated_ipv6_prefix',
};

/**
 * Checks `input` for subscription `ownId` (null: a new one) of `serviceType`; returns the
 * normalised prefixes and the field errors (empty when valid).
 */
export async function checkIpv6Prefixes(
  trx: Knex,
  ownId: number | null,
  serviceType: string,
  input: Ipv6Prefixes,
): Promise<{ prefixes: Ipv6Prefixes; errors: Record<string, string> }> {
  const errors: Record<string, string> = {};
  const prefixes: Ipv6Prefixes = { framedIpv6Prefix: null, delegatedIpv6Prefix: null };
  for (const [key, column] of FIELDS) {
    const text = input[key];
    if (text === null || text === '') continue;
    const normal = normalizeIpv6Prefix(text);
    if (!normal) errors[column] = 'error.ipv6.prefix';
    else if (serviceType !== 'pppoe') errors[column] = 'error.ipv6.hotspot';
    else prefixes[key] = normal;
  }
  const { framedIpv6Prefix: framed, delegatedIpv6Prefix: delegated } = prefixes;
  if (framed && delegated && !errors.delegated_ipv6_prefix) {
    const { rows } = await trx.raw('SELECT ?::cidr && ?::cidr AS overlap', [framed, delegated]);
    if (rows[0].overlap) errors.delegated_ipv6_prefix = 'error.ipv6.overlaps_own';
  }
  for (const [key, column] of FIELDS) {
    const prefix = prefixes[key];
    if (!prefix || errors[column]) continue;
    const { rows } = await trx.raw(
      `SELECT username FROM subscriptions
        WHERE status <> 'terminated' AND (?::bigint IS NULL OR id <> ?::bigint)
          AND (framed_ipv6_prefix && ?::cidr OR delegated_ipv6_prefix && ?::cidr)
        LIMIT 1`,
      [ownId, ownId, prefix, prefix],
    );
    if (rows.length) errors[column] = 'error.ipv6.taken';
  }
  return { prefixes, errors };
}
