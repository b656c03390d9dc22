/**
 * RADIUS authenticators checked and made a second time, for tests: written from the RFCs with
 * node:crypto's MD5 and HMAC-MD5, on purpose without aaa/codec (which has its own MD5), so a
 * mistake there cannot hide behind the same mistake here.
 *
 * - Response Authenticator = MD5(Code | Identifier | Length | Request Authenticator | Attributes |
 *   Secret) (RFC 2865 §3).
 * - Accounting-, CoA- and Disconnect-Request: Request Authenticator = MD5(Code | Identifier |
 *   Length | 16 zero octets | Attributes | Secret) (RFC 2866 §3, RFC 5176 §2.3).
 * - Message-Authenticator (type 80, 16 octets) = HMAC-MD5(Secret, the whole packet with its own
 *   value taken as 16 zero octets) (RFC 3579 §3.2); the Authenticator field holds the request's
 *   authenticator in a response (RFC 3579 §3.2), 16 zero octets in a CoA- or Disconnect-Request
 *   (RFC 5176 §3.3, as FreeRADIUS signs them: MA first, then the Request Authenticator over it).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const MESSAGE_AUTHENTICATOR = 80;
const ZERO16 = Buffer.alloc(16);

export interface RawAttribute {
  type: number;
  /** Offset of the value in the packet. */
  offset: number;
  value: Buffer;
}

/** The attributes of `packet` (RFC 2865 §5: Type, Length ≥ 2, Value), up to its Length field. @throws Error on a malformed packet. */
export function rawAttributes(packet: Buffer): RawAttribute[] {
  if (packet.length < 20) throw new Error(`a RADIUS packet has 20 octets at least, not ${packet.length}`);
  const length = packet.readUInt16BE(2);
  if (length < 20 || length > packet.length) throw new Error(`Length ${length} does not fit ${packet.length} octets`);
  const out: RawAttribute[] = [];
  for (let i = 20; i < length;) {
    const len = packet[i + 1] ?? 0;
    if (len < 2 || i + len > length) throw new Error(`attribute at ${i} has length ${len}`);
    out.push({ type: packet[i]!, offset: i + 2, value: packet.subarray(i + 2, i + len) });
    i += len;
  }
  return out;
}

const same = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

/** `packet` up to its Length, with octets 4-19 set to `authenticator` and the MA value (if any) zeroed. */
function prepared(packet: Buffer, authenticator: Buffer, zeroMessageAuthenticator: boolean): Buffer {
  const copy = Buffer.from(packet.subarray(0, packet.readUInt16BE(2)));
  authenticator.copy(copy, 4);
  if (zeroMessageAuthenticator) {
    for (const a of rawAttributes(copy)) if (a.type === MESSAGE_AUTHENTICATOR) copy.fill(0, a.offset, a.offset + a.value.length);
  }
  return copy;
}

const md5 = (...parts: Buffer[]): Buffer => parts.reduce((h, p) => h.update(p), createHash('md5')).digest();

/** What a test wants to know about a packet's signatures. */
export interface AuthenticatorCheck {
  /** The Response Authenticator (responses) or Request Authenticator (CoA/Disconnect requests) verifies. */
  authenticator: boolean;
  /** Message-Authenticator: absent, or whether its HMAC-MD5 verifies. */
  messageAuthenticator: 'absent' | 'valid' | 'invalid';
  /** Message-Authenticator is the first attribute (BlastRADIUS mitigation for Access-Accept/Reject). */
  messageAuthenticatorFirst: boolean;
}

function messageAuthenticatorCheck(packet: Buffer, secret: Buffer, authenticatorField: Buffer): Pick<AuthenticatorCheck, 'messageAuthenticator' | 'messageAuthenticatorFirst'> {
  const attributes = rawAttributes(packet);
  const ma = attributes.filter((a) => a.type === MESSAGE_AUTHENTICATOR);
  if (ma.length === 0) return { messageAuthenticator: 'absent', messageAuthenticatorFirst: false };
  const expected = createHmac('md5', secret).update(prepared(packet, authenticatorField, true)).digest();
  const valid = ma.length === 1 && same(ma[0]!.value, expected);
  return { messageAuthenticator: valid ? 'valid' : 'invalid', messageAuthenticatorFirst: attributes[0]!.type === MESSAGE_AUTHENTICATOR };
}

/** Checks a response (Access-Accept/Reject/Challenge, CoA/Disconnect-ACK/NAK) to the request whose authenticator was `requestAuthenticator`. */
export function checkResponse(response: Buffer, requestAuthenticator: Buffer, secret: string | Buffer): AuthenticatorCheck {
  const key = Buffer.from(secret);
  const expected = md5(prepared(response, requestAuthenticator, false), key);
  return { authenticator: same(response.subarray(4, 20), expected), ...messageAuthenticatorCheck(response, key, requestAuthenticator) };
}

/** Checks a CoA-Request or Disconnect-Request (or Accounting-Request) as its receiver must (RFC 5176 §3.5). */
export function checkSignedRequest(request: Buffer, secret: string | Buffer): AuthenticatorCheck {
  const key = Buffer.from(secret);
  const expected = md5(prepared(request, ZERO16, false), key);
  return { authenticator: same(request.subarray(4, 20), expected), ...messageAuthenticatorCheck(request, key, ZERO16) };
}

/**
 * Builds a signed response: Message-Authenticator first, then `attributes` (type and value, each
 * value at most 253 octets), signed for the request with `requestAuthenticator` (RFC 3579 §3.2,
 * then RFC 2865 §3).
 */
export function signedResponse(code: number, identifier: number, requestAuthenticator: Buffer, attributes: Array<[number, Buffer]>, secret: string | Buffer): Buffer {
  const key = Buffer.from(secret);
  const tlvs = [[MESSAGE_AUTHENTICATOR, ZERO16] as [number, Buffer], ...attributes].map(([type, value]) => Buffer.concat([Buffer.from([type, value.length + 2]), value]));
  const body = Buffer.concat(tlvs);
  const packet = Buffer.concat([Buffer.from([code, identifier, 0, 0]), requestAuthenticator, body]);
  packet.writeUInt16BE(packet.length, 2);
  createHmac('md5', key).update(packet).digest().copy(packet, 22);
  md5(packet, key).copy(packet, 4);
  return packet;
}
