/**
 * IPv6 text and octets, shared by the RADIUS codec (aaa/codec/ipv6-values.ts) and the forms and
 * use cases that store prefixes (billing/subscriptions/ipv6-prefixes.ts): the 16 octets of an
 * address in any form `net.isIPv6` accepts, the compressed text of RFC 5952 §4, and `addr/len`
 * prefixes (RFC 4291 §2.3) with no bit set past the length.
 */
import net from 'node:net';

/** The 16 octets of an IPv6 address. @throws RangeError when `text` is not an IPv6 address. */
export function ipv6Octets(text: string): Buffer {
  if (!net.isIPv6(text)) throw new RangeError(`not an IPv6 address: ${text}`);
  let head = text;
  const out = Buffer.alloc(16);
  // An embedded dotted quad (::ffff:192.0.2.1) is the last 32 bits.
  const quad = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(head);
  let groupsEnd = 16;
  if (quad) {
    for (let i = 0; i < 4; i++) out[12 + i] = Number(quad[i + 1]);
    head = head.slice(0, quad.index);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
    groupsEnd = 12;
  }
  const [left, right] = head.includes('::') ? head.split('::') as [string, string] : [head, undefined];
  const groups = (s: string | undefined): number[] => (s ? s.split(':').filter((g) => g !== '').map((g) => parseInt(g, 16)) : []);
  const l = groups(left);
  const r = groups(right);
  l.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  r.forEach((g, i) => out.writeUInt16BE(g, groupsEnd - (r.length - i) * 2));
  return out;
}

/** The compressed text (RFC 5952 §4) of 16 octets. */
export function ipv6Text(octets: Buffer): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push(octets.readUInt16BE(i));
  // The longest run of two or more zero groups becomes "::" (the first one on a tie).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (best === -1) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** Parses `addr/len` into the 16 prefix octets and the length. @throws RangeError (bad address, length, or bits set past the length). */
export function parseIpv6Prefix(text: string): { octets: Buffer; length: number } {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) throw new RangeError(`not an IPv6 prefix (address/length): ${text}`);
  const length = Number(m[2]);
  if (length > 128) throw new RangeError(`IPv6 prefix length above 128: ${text}`);
  const octets = ipv6Octets(m[1]!);
  if (!hostBitsZero(octets, length)) throw new RangeError(`IPv6 prefix has bits set past /${length}: ${text}`);
  return { octets, length };
}

/** Whether every bit of `octets` from bit `length` on is zero. */
export function hostBitsZero(octets: Buffer, length: number): boolean {
  for (let bit = length; bit < octets.length * 8; bit++) {
    if (octets[bit >> 3]! & (0x80 >> (bit & 7))) return false;
  }
  return true;
}

/** `2001:DB8:100:0::/56` → `2001:db8:100::/56` (compressed, lower case), or null when it is not an IPv6 prefix with zero host bits. */
export function normalizeIpv6Prefix(text: string): string | null {
  try {
    const { octets, length } = parseIpv6Prefix(text);
    return `${ipv6Text(octets)}/${length}`;
  } catch {
    return null;
  }
}
