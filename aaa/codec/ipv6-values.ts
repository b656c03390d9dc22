/**
 * IPv6 attribute values (ARCHITECTURE.md, "RADIUS and MikroTik facts", IPv6): text ↔ octets for
 * the three IPv6 data types of the dictionaries.
 *
 * - `ipv6addr` (RFC 3162 §2.1 NAS-IPv6-Address, RFC 6911 §3.1 Framed-IPv6-Address; RFC 8044 §3.9):
 *   exactly 16 octets, the address in network order. Text: any form `net.isIPv6` accepts
 *   (`2001:db8::1`, `::ffff:192.0.2.1`); decoded to the compressed form (RFC 5952).
 * - `ipv6prefix` (RFC 3162 §2.3 Framed-IPv6-Prefix, RFC 4818 §3 Delegated-IPv6-Prefix; RFC 8044
 *   §3.10): Reserved (1 octet, 0), Prefix-Length (1 octet, 0-128), then up to 16 octets of prefix;
 *   the attribute Length is 4 to 20, so the value is 2 to 18 octets. Bits past Prefix-Length
 *   "must be zero". We send all 16 prefix octets (value of 18 octets, as FreeRADIUS 3 sends it);
 *   we read any legal length. Text: `2001:db8:100::/56`.
 * - `ifid` (RFC 3162 §2.2 Framed-Interface-Id; RFC 8044 §3.12): exactly 8 octets, the IPv6
 *   interface identifier. Text: four groups of hex, `0211:22ff:fe33:4455` (FreeRADIUS's form).
 *
 * Encoders throw RangeError on text that is not of the type (a wrong prefix length, host bits set
 * past the prefix, a short interface id); decoders return undefined for octets of the wrong
 * length or shape, so a malformed attribute from a NAS is shown as hex and stored as nothing.
 */
import { hostBitsZero, ipv6Octets, ipv6Text, parseIpv6Prefix } from '../../lib/ipv6.js';

export { ipv6Octets, ipv6Text };

/** `2001:db8::/56` → Reserved 0, Prefix-Length, 16 prefix octets (RFC 3162 §2.3). @throws RangeError */
export function encodeIpv6Prefix(text: string): Buffer {
  const { octets, length } = parseIpv6Prefix(text);
  return Buffer.concat([Buffer.from([0, length]), octets]);
}

/** An ipv6prefix value as `addr/len`, or undefined when it is not 2-18 octets, Reserved ≠ 0, the length exceeds the octets sent, or bits past the length are set. */
export function decodeIpv6Prefix(value: Buffer): string | undefined {
  if (value.length < 2 || value.length > 18 || value[0] !== 0) return undefined;
  const length = value[1]!;
  const prefix = value.subarray(2);
  if (length > 128 || length > prefix.length * 8 || !hostBitsZero(prefix, length)) return undefined;
  const full = Buffer.alloc(16);
  prefix.copy(full);
  return `${ipv6Text(full)}/${length}`;
}

/** An ipv6addr value (16 octets) as text, or undefined for any other length. */
export function decodeIpv6Address(value: Buffer): string | undefined {
  return value.length === 16 ? ipv6Text(value) : undefined;
}

/** `0211:22ff:fe33:4455` (or 16 hex digits) → 8 octets. @throws RangeError */
export function encodeInterfaceId(text: string): Buffer {
  const hex = text.trim().replace(/:/g, '');
  if (!/^([0-9a-fA-F]{4}:){3}[0-9a-fA-F]{4}$/.test(text.trim()) && !/^[0-9a-fA-F]{16}$/.test(text.trim())) {
    throw new RangeError(`not an interface id (four groups of four hex digits): ${text}`);
  }
  return Buffer.from(hex, 'hex');
}

/** An ifid value (8 octets) as `xxxx:xxxx:xxxx:xxxx`, or undefined for any other length. */
export function decodeInterfaceId(value: Buffer): string | undefined {
  if (value.length !== 8) return undefined;
  return (value.toString('hex').match(/..../g) as string[]).join(':');
}
