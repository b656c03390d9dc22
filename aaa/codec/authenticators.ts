/**
 * Authenticators and Message-Authenticator: computing and verifying them, every comparison in
 * constant time (crypto.timingSafeEqual).
 *
 * - Response Authenticator = MD5(Code | Identifier | Length | Request Authenticator | Attributes | Secret)
 *   (RFC 2865 §3).
 * - Accounting, CoA and Disconnect requests: Request Authenticator = MD5(Code | Identifier | Length |
 *   16 zero octets | Attributes | Secret) (RFC 2866 §3, RFC 5176 §2.3).
 * - Message-Authenticator = HMAC-MD5(Secret, packet with the MA value zeroed) (RFC 3579 §3.2):
 *   over the packet's own authenticator for an Access-Request / Status-Server, over the request's
 *   authenticator for a response, over 16 zero octets for Accounting/CoA/Disconnect requests
 *   (RFC 5176 §3.3; what FreeRADIUS does for Accounting-Request).
 */
import { timingSafeEqual } from 'node:crypto';
import { hmacMd5, hmacMd5With, md5Concat } from './md5.js';
import type { Packet } from './packet.js';

const ZERO16 = Buffer.alloc(16);

/**
 * HMAC-MD5 of `raw` with the 16 octets at `maOffset` taken as zeros and, when `authenticator`
 * is given, octets 4-19 replaced by it.
 */
function messageAuthenticatorOf(raw: Buffer, maOffset: number, secret: Buffer, authenticator?: Buffer): Buffer {
  return hmacMd5With(secret, (buf, off) => {
    raw.copy(buf, off);
    if (authenticator) authenticator.copy(buf, off + 4);
    buf.fill(0, off + maOffset, off + maOffset + 16);
    return raw.length;
  });
}

// Scratch for "packet with another authenticator": reused, the digest is taken at once.
const withAuth = Buffer.alloc(4096);

/** MD5(raw with octets 4-19 replaced by `authenticator` | secret). */
function md5With(raw: Buffer, authenticator: Buffer, secret: Buffer): Buffer {
  raw.copy(withAuth, 0);
  authenticator.copy(withAuth, 4);
  return md5Concat(withAuth.subarray(0, raw.length), secret);
}

function equal16(a: Buffer, b: Buffer): boolean {
  return a.length === 16 && b.length === 16 && timingSafeEqual(a, b);
}

/**
 * Verifies the Message-Authenticator of an Access-Request or Status-Server (RFC 3579 §3.2).
 * Returns false when the packet has none; the caller decides whether one is required.
 */
export function verifyRequestMessageAuthenticator(p: Packet, secret: Buffer): boolean {
  const off = p.messageAuthenticatorOffset;
  if (off < 0) return false;
  return equal16(messageAuthenticatorOf(p.raw, off, secret), p.raw.subarray(off, off + 16));
}

/**
 * Verifies the Request Authenticator of an Accounting-, CoA- or Disconnect-Request (RFC 2866 §3,
 * RFC 5176 §2.3), and its Message-Authenticator when present (computed over a zero authenticator).
 */
export function verifySignedRequest(p: Packet, secret: Buffer): boolean {
  if (!equal16(md5With(p.raw, ZERO16, secret), p.authenticator)) return false;
  const off = p.messageAuthenticatorOffset;
  if (off < 0) return true;
  return equal16(messageAuthenticatorOf(p.raw, off, secret, ZERO16), p.raw.subarray(off, off + 16));
}

/**
 * Verifies a response (Access-Accept/Reject/Challenge, Accounting-Response, CoA/Disconnect-ACK/NAK)
 * against the authenticator of the request it answers: the Response Authenticator always, the
 * Message-Authenticator when present. `requireMessageAuthenticator` fails a response without one.
 */
export function verifyResponse(
  p: Packet,
  requestAuthenticator: Buffer,
  secret: Buffer,
  requireMessageAuthenticator = false,
): boolean {
  if (!equal16(md5With(p.raw, requestAuthenticator, secret), p.authenticator)) return false;
  const off = p.messageAuthenticatorOffset;
  if (off < 0) return !requireMessageAuthenticator;
  return equal16(messageAuthenticatorOf(p.raw, off, secret, requestAuthenticator), p.raw.subarray(off, off + 16));
}

/**
 * Signs a response in place: `buf` holds the whole packet with the request's authenticator in
 * octets 4-19 and zeros at `maOffset` (or maOffset = -1 for none). Writes the MA, then the
 * Response Authenticator (RFC 2865 §3, RFC 3579 §3.2).
 */
export function signResponse(buf: Buffer, maOffset: number, secret: Buffer): void {
  if (maOffset >= 0) hmacMd5(secret, buf).copy(buf, maOffset);
  md5Concat(buf, secret).copy(buf, 4);
}

/**
 * Signs an Accounting-, CoA- or Disconnect-Request in place: zeros in octets 4-19 and at
 * `maOffset` on entry. Writes the MA (over the zero authenticator), then the Request Authenticator.
 */
export function signRequest(buf: Buffer, maOffset: number, secret: Buffer): void {
  ZERO16.copy(buf, 4);
  signResponse(buf, maOffset, secret);
}

/**
 * Signs an Access-Request or Status-Server in place: its random authenticator is already in
 * octets 4-19; only the Message-Authenticator is computed (RFC 3579 §3.2).
 */
export function signAccessRequest(buf: Buffer, maOffset: number, secret: Buffer): void {
  if (maOffset >= 0) hmacMd5(secret, buf).copy(buf, maOffset);
}
