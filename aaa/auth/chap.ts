/**
 * CHAP (RFC 1994 §4.1, RFC 2865 §5.3 and §5.40): CHAP-Password = CHAP Ident (1 octet) + Response
 * (16 octets), Response = MD5(Ident + password + challenge). The challenge is CHAP-Challenge
 * when present, else the Request Authenticator (RFC 2865 §5.3).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** True when `chapPassword` (17 octets) answers `challenge` with `password`; false for any malformed value. */
export function verifyChap(chapPassword: Buffer, challenge: Buffer, password: string): boolean {
  if (chapPassword.length !== 17 || challenge.length === 0) return false;
  const expected = createHash('md5')
    .update(chapPassword.subarray(0, 1))
    .update(password, 'utf8')
    .update(challenge)
    .digest();
  return timingSafeEqual(expected, chapPassword.subarray(1));
}
