/**
 * PAP (RFC 2865 §5.2): reveal the hidden User-Password and compare it with the stored password
 * in constant time.
 */
import { timingSafeEqual } from 'node:crypto';
import { revealUserPassword } from '../codec/user-password.js';

/** True when the hidden User-Password value carries `password`. */
export function verifyPap(hidden: Buffer, authenticator: Buffer, secret: Buffer, password: string): boolean {
  const given = revealUserPassword(hidden, authenticator, secret);
  if (!given) return false;
  const expected = Buffer.from(password, 'utf8');
  // Length leaks only the length class of a wrong guess; equal lengths compare in constant time.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
