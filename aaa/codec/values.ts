/**
 * Attribute values: bytes ↔ JS values by dictionary data type (RFC 2865 §5: string, octets,
 * ipaddr, integer, date; the IPv6 types of RFC 3162 / RFC 4818 / RFC 6911 through ipv6-values.ts;
 * RFC 6929 types for display only), plus the readers the hot path uses on a decoded Packet.
 */
import { dictionary, type AttributeDef } from './dictionary.js';
import { decodeInterfaceId, decodeIpv6Address, decodeIpv6Prefix, encodeInterfaceId, encodeIpv6Prefix, ipv6Octets } from './ipv6-values.js';
import { findAttribute, type Attribute, type Packet } from './packet.js';

export type AttributeValue = string | number | Buffer;

/** The first attribute `def` in `p`, or undefined. */
export function attributeOf(p: Packet, def: AttributeDef): Attribute | undefined {
  return findAttribute(p, def.code, def.vendorId);
}

/** A string attribute as UTF-8 (RFC 2865 §5: "text" is UTF-8, RFC 2865 §5.1). */
export function readString(p: Packet, def: AttributeDef): string | undefined {
  return attributeOf(p, def)?.value.toString('utf8');
}

/** A 32-bit integer, date or enumerated attribute; undefined when absent or not 4 octets. */
export function readInteger(p: Packet, def: AttributeDef): number | undefined {
  const v = attributeOf(p, def)?.value;
  return v && v.length === 4 ? v.readUInt32BE(0) : undefined;
}

/** An IPv4 address attribute as dotted quad; undefined when absent or not 4 octets. */
export function readIpv4(p: Packet, def: AttributeDef): string | undefined {
  const v = attributeOf(p, def)?.value;
  return v && v.length === 4 ? `${v[0]}.${v[1]}.${v[2]}.${v[3]}` : undefined;
}

/**
 * An IPv6 attribute as text (ipv6addr `2001:db8::1`, ipv6prefix `2001:db8::/56`, ifid
 * `0211:22ff:fe33:4455`: ipv6-values.ts); undefined when absent or malformed.
 */
export function readIpv6(p: Packet, def: AttributeDef): string | undefined {
  const v = attributeOf(p, def)?.value;
  if (!v) return undefined;
  if (def.dataType === 'ipv6prefix') return decodeIpv6Prefix(v);
  if (def.dataType === 'ipv6addr') return decodeIpv6Address(v);
  if (def.dataType === 'ifid') return decodeInterfaceId(v);
  return undefined;
}

/** Octets of the first attribute `def`, or undefined. */
export function readOctets(p: Packet, def: AttributeDef): Buffer | undefined {
  return attributeOf(p, def)?.value;
}

/**
 * Encodes a value for `def`. Integers accept a number or a VALUE name from the dictionary;
 * ipaddr takes a dotted quad; date takes seconds since the epoch; ipv6addr, ipv6prefix and ifid
 * take their text forms (ipv6-values.ts).
 * @throws RangeError when the value cannot be encoded for that type.
 */
export function encodeValue(def: AttributeDef, value: AttributeValue): Buffer {
  if (Buffer.isBuffer(value)) return value;
  switch (def.dataType) {
    case 'string':
      return Buffer.from(String(value), 'utf8');
    case 'integer':
    case 'date': {
      const n = typeof value === 'number' ? value : (def.values.get(value) ?? (/^\d+$/.test(value) ? Number(value) : NaN));
      if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`${def.name}: not a 32-bit unsigned integer: ${value}`);
      const b = Buffer.allocUnsafe(4);
      b.writeUInt32BE(n, 0);
      return b;
    }
    case 'ipaddr': {
      const text = String(value);
      const parts = text.split('.').map(Number);
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text) || parts.some((x) => x > 255)) {
        throw new RangeError(`${def.name}: not an IPv4 address: ${value}`);
      }
      return Buffer.from(parts);
    }
    case 'ipv6addr':
      return ipv6Octets(String(value));
    case 'ipv6prefix':
      return encodeIpv6Prefix(String(value));
    case 'ifid':
      return encodeInterfaceId(String(value));
    case 'octets':
      if (typeof value === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(value)) return Buffer.from(value.slice(2), 'hex');
      throw new RangeError(`${def.name}: octets need a Buffer or 0x-hex string`);
    default:
      throw new RangeError(`${def.name}: encoding ${def.dataType} is not supported`);
  }
}

/** Decodes a value for display and tests: strings, numbers (or VALUE names), dotted quads, IPv6 text, `0x…` hex (also for a malformed value). */
export function decodeValue(def: AttributeDef | undefined, value: Buffer): string | number {
  if (!def) return `0x${value.toString('hex')}`;
  if (def.encrypt) return '[hidden]';
  switch (def.dataType) {
    case 'string':
      return value.toString('utf8');
    case 'integer':
    case 'date':
      if (value.length !== 4) break;
      return def.valueNames.get(value.readUInt32BE(0)) ?? value.readUInt32BE(0);
    case 'ipaddr':
      if (value.length !== 4) break;
      return `${value[0]}.${value[1]}.${value[2]}.${value[3]}`;
    case 'ipv6addr':
      return decodeIpv6Address(value) ?? `0x${value.toString('hex')}`;
    case 'ipv6prefix':
      return decodeIpv6Prefix(value) ?? `0x${value.toString('hex')}`;
    case 'ifid':
      return decodeInterfaceId(value) ?? `0x${value.toString('hex')}`;
    default:
      break;
  }
  return `0x${value.toString('hex')}`;
}

/** Attribute name for display: the dictionary name, or `Attr-N` / `Vendor-V-Attr-N` when unknown. */
export function attributeName(a: Attribute): string {
  const def = dictionary().find(a.vendorId, a.vendorId ? a.vendorType : a.type);
  if (def) return def.name;
  return a.vendorId ? `Vendor-${a.vendorId}-Attr-${a.vendorType}` : `Attr-${a.type}`;
}

/** All attributes of `p` as [name, value] pairs in packet order (for logs, tests and the admin's packet view). */
export function describeAttributes(p: Packet): Array<[string, string | number]> {
  const dict = dictionary();
  return p.attributes.map((a) => {
    const def = dict.find(a.vendorId, a.vendorId ? a.vendorType : a.type);
    return [attributeName(a), decodeValue(def, a.value)];
  });
}
