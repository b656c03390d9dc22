/**
 * RADIUS packet decoding (RFC 2865 §3, §5): one pass over the bytes, no copies. Values are
 * subarrays of the received buffer, typed on demand by aaa/codec/values.ts. Vendor-Specific
 * attributes in the standard format (RFC 2865 §5.26) are flattened into their sub-attributes;
 * one that does not parse exactly is kept whole as attribute 26, as FreeRADIUS does.
 *
 * This is the hot-path codec. The `radius` package stays as the source of the RFC dictionaries
 * and as a test oracle (aaa/codec/*.test.ts): it is about half as fast (`node --import tsx
 * scripts/bench-codec.ts`) and has defects we must not inherit: it rejects a valid
 * Accounting-Request carrying Message-Authenticator, signs CoA-Request with Message-Authenticator
 * wrongly, appends Message-Authenticator last, compares digests through strings, and throws on
 * a packet under 20 octets.
 */

/** Packet codes (RFC 2865 §3, RFC 2866 §3, RFC 5997, RFC 5176 §3). */
export const Code = {
  AccessRequest: 1,
  AccessAccept: 2,
  AccessReject: 3,
  AccountingRequest: 4,
  AccountingResponse: 5,
  AccessChallenge: 11,
  StatusServer: 12,
  DisconnectRequest: 40,
  DisconnectACK: 41,
  DisconnectNAK: 42,
  CoARequest: 43,
  CoAACK: 44,
  CoANAK: 45,
} as const;

export const HEADER_LENGTH = 20;
/** RFC 2865 §3: maximum packet length. */
export const MAX_PACKET_LENGTH = 4096;
export const VENDOR_SPECIFIC = 26;
export const MESSAGE_AUTHENTICATOR = 80;

export interface Attribute {
  /** Attribute type; 26 for a vendor attribute. */
  readonly type: number;
  /** 0 for a standard attribute, else the vendor's enterprise number. */
  readonly vendorId: number;
  /** Vendor's attribute number (0 for standard attributes and unparsed VSAs). */
  readonly vendorType: number;
  /** The value bytes: a view into Packet.raw. */
  readonly value: Buffer;
}

/** An attribute found by the decoder: the view of its value is made only when read (most never are). */
class DecodedAttribute implements Attribute {
  constructor(
    readonly type: number,
    readonly vendorId: number,
    readonly vendorType: number,
    private readonly raw: Buffer,
    private readonly start: number,
    private readonly end: number,
  ) {}

  get value(): Buffer {
    return this.raw.subarray(this.start, this.end);
  }
}

export interface Packet {
  code: number;
  identifier: number;
  /** Request or Response Authenticator: a view into raw. */
  authenticator: Buffer;
  attributes: Attribute[];
  /** Exactly Length octets: trailing padding beyond the Length field is not included. */
  raw: Buffer;
  /** Offset in raw of the Message-Authenticator value, or -1 when the packet has none. */
  messageAuthenticatorOffset: number;
}

export type DropReason =
  | 'too_short'
  | 'too_long'
  | 'bad_length'
  | 'malformed_attribute'
  | 'bad_message_authenticator';

export type DecodeResult = { ok: true; packet: Packet } | { ok: false; reason: DropReason };

/**
 * Decodes one UDP payload. Never throws: a packet that breaks RFC 2865 §3/§5 framing comes back
 * as `{ ok: false, reason }`, to be dropped and counted.
 * - shorter than 20 octets or than its Length field: `too_short` / `bad_length`
 * - Length field over 4096: `too_long`
 * - an attribute with length < 2 or running past the end: `malformed_attribute`
 * - a Message-Authenticator that is not 16 octets, or appears twice: `bad_message_authenticator`
 */
export function decodePacket(buf: Buffer): DecodeResult {
  if (buf.length < HEADER_LENGTH) return { ok: false, reason: 'too_short' };
  const length = buf.readUInt16BE(2);
  if (length < HEADER_LENGTH) return { ok: false, reason: 'bad_length' };
  if (length > MAX_PACKET_LENGTH) return { ok: false, reason: 'too_long' };
  if (buf.length < length) return { ok: false, reason: 'bad_length' };
  const raw = buf.length === length ? buf : buf.subarray(0, length);

  const attributes: Attribute[] = [];
  let maOffset = -1;
  let pos = HEADER_LENGTH;
  while (pos < length) {
    if (pos + 2 > length) return { ok: false, reason: 'malformed_attribute' };
    const type = raw[pos]!;
    const len = raw[pos + 1]!;
    if (len < 2 || pos + len > length) return { ok: false, reason: 'malformed_attribute' };
    const valueStart = pos + 2;
    const valueEnd = pos + len;
    if (type === MESSAGE_AUTHENTICATOR) {
      if (len !== 18 || maOffset !== -1) return { ok: false, reason: 'bad_message_authenticator' };
      maOffset = valueStart;
      attributes.push(new DecodedAttribute(type, 0, 0, raw, valueStart, valueEnd));
    } else if (type === VENDOR_SPECIFIC && len >= 7 && pushVendorAttributes(raw, valueStart, valueEnd, attributes)) {
      // flattened
    } else {
      attributes.push(new DecodedAttribute(type, 0, 0, raw, valueStart, valueEnd));
    }
    pos = valueEnd;
  }
  return {
    ok: true,
    packet: {
      code: raw[0]!,
      identifier: raw[1]!,
      authenticator: raw.subarray(4, 20),
      attributes,
      raw,
      messageAuthenticatorOffset: maOffset,
    },
  };
}

/** Pushes the sub-attributes of a standard-format VSA; false (nothing pushed) when they do not fit exactly. */
function pushVendorAttributes(raw: Buffer, start: number, end: number, out: Attribute[]): boolean {
  const vendorId = raw.readUInt32BE(start);
  if (vendorId === 0) return false;
  const first = out.length;
  let pos = start + 4;
  while (pos < end) {
    if (pos + 2 > end) break;
    const vlen = raw[pos + 1]!;
    if (vlen < 2 || pos + vlen > end) break;
    out.push(new DecodedAttribute(VENDOR_SPECIFIC, vendorId, raw[pos]!, raw, pos + 2, pos + vlen));
    pos += vlen;
  }
  if (pos === end) return true;
  out.length = first;
  return false;
}

/** The first attribute `type` (vendor 0) or vendor attribute `vendorType` of `vendorId`, or undefined. */
export function findAttribute(p: Packet, type: number, vendorId = 0): Attribute | undefined {
  const attrs = p.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (vendorId === 0 ? a.type === type && a.vendorId === 0 : a.vendorId === vendorId && a.vendorType === type) return a;
  }
  return undefined;
}
