/**
 * The IPv6 fields of an Accounting-Request (ARCHITECTURE.md, "RADIUS and MikroTik facts", IPv6):
 * Framed-IPv6-Prefix (RFC 3162 §2.3), Delegated-IPv6-Prefix (RFC 4818), Framed-Interface-Id
 * (RFC 3162 §2.2) and Framed-IPv6-Address (RFC 6911 §3.1), as the NAS reports them for the
 * session (RFC 2866 §5: an Accounting-Request may carry any attribute of the Access-Accept).
 * Stored on accounting_sessions (migrations/…_ipv6.ts); the captive portal finds a subscriber by
 * an address inside the delegated or framed prefix of an open session.
 */
import { attributeDefs } from '../codec/attribute-defs.js';
import type { Packet } from '../codec/packet.js';
import { readIpv6 } from '../codec/values.js';

const A = attributeDefs({
  framedPrefix: 'Framed-IPv6-Prefix',
  delegatedPrefix: 'Delegated-IPv6-Prefix',
  interfaceId: 'Framed-Interface-Id',
  framedAddress: 'Framed-IPv6-Address',
});

/** Text forms (`2001:db8::/56`, `0211:22ff:fe33:4455`, `2001:db8::2`); null when absent or malformed. */
export interface SessionIpv6 {
  framedIpv6Prefix: string | null;
  delegatedIpv6Prefix: string | null;
  framedInterfaceId: string | null;
  framedIpv6Address: string | null;
}

/** `{ ipv6 }` when the request carries any well-formed IPv6 field, else `{}` (an IPv4-only session's record is unchanged). */
export function sessionIpv6(p: Packet): { ipv6?: SessionIpv6 } {
  const ipv6: SessionIpv6 = {
    framedIpv6Prefix: readIpv6(p, A.framedPrefix) ?? null,
    delegatedIpv6Prefix: readIpv6(p, A.delegatedPrefix) ?? null,
    framedInterfaceId: readIpv6(p, A.interfaceId) ?? null,
    framedIpv6Address: readIpv6(p, A.framedAddress) ?? null,
  };
  return Object.values(ipv6).some((v) => v !== null) ? { ipv6 } : {};
}

/** The row columns of `ipv6` (all null without it). */
export function ipv6Columns(ipv6: SessionIpv6 | undefined): Record<string, string | null> {
  return {
    framed_ipv6_prefix: ipv6?.framedIpv6Prefix ?? null,
    delegated_ipv6_prefix: ipv6?.delegatedIpv6Prefix ?? null,
    framed_interface_id: ipv6?.framedInterfaceId ?? null,
    framed_ipv6_address: ipv6?.framedIpv6Address ?? null,
  };
}
