/**
 * A hotspot voucher's password is its code (billing/access/voucher-code.ts): the guest types
 * one thing, the login page (ours, or the router's own login.html) sends it as both the username
 * and the password. Codes are upper-case letters and digits without look-alikes, so what the
 * guest typed may differ in case:
 * - PAP (RFC 2865 §5.2): the revealed password is normalized (spaces and dashes dropped, upper
 *   case) before the constant-time comparison;
 * - CHAP (RFC 1994 §4.1, RFC 2865 §5.3): the response cannot be normalized, so it is checked
 *   against the code and against the code in lower case (a guest who typed it all in small
 *   letters on the router's own page). Our login page upper-cases before it hashes.
 */
import { timingSafeEqual } from 'node:crypto';
import { normalizeVoucherCode } from '../../billing/access/voucher-code.js';
import { revealUserPassword } from '../codec/user-password.js';
import { verifyChap } from './chap.js';

/** True when the hidden User-Password carries `code` (in any case, with or without spaces and dashes). */
export function verifyVoucherPap(hidden: Buffer, authenticator: Buffer, secret: Buffer, code: string): boolean {
  const given = revealUserPassword(hidden, authenticator, secret);
  if (!given) return false;
  const typed = Buffer.from(normalizeVoucherCode(given.toString('utf8')), 'utf8');
  const expected = Buffer.from(code, 'utf8');
  return typed.length === expected.length && timingSafeEqual(typed, expected);
}

/** True when the CHAP-Password answers `challenge` with `code` or with `code` in lower case. */
export function verifyVoucherChap(chapPassword: Buffer, challenge: Buffer, code: string): boolean {
  return verifyChap(chapPassword, challenge, code) || verifyChap(chapPassword, challenge, code.toLowerCase());
}
