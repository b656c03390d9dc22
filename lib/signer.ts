/**
 * HMAC-SHA256 signatures for values we hand out and must recognise again (pay links in messages,
 * later session cookies), with a key derived from APP_SECRET_KEY per purpose, verified in
 * constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface Signer {
  /** `value.signature` (base64url, 128 bits). */
  sign(purpose: string, value: string): string;
  /** The value when `token` was signed for `purpose`, else null. */
  verify(purpose: string, token: string): string | null;
}

export function createSigner(appKey: Buffer): Signer {
  const key = createHmac('sha256', appKey).update('isp signer v1').digest();
  const mac = (purpose: string, value: string): Buffer => createHmac('sha256', key).update(`${purpose}\0${value}`).digest().subarray(0, 16);
  return {
    sign(purpose, value) {
      return `${value}.${mac(purpose, value).toString('base64url')}`;
    },
    verify(purpose, token) {
      const dot = token.lastIndexOf('.');
      if (dot <= 0) return null;
      const value = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1), 'base64url');
      const expected = mac(purpose, value);
      return given.length === expected.length && timingSafeEqual(given, expected) ? value : null;
    },
  };
}
