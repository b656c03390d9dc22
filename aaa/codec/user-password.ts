/**
 * User-Password hiding (RFC 2865 §5.2): the password, padded with NULs to a multiple of 16
 * octets (at most 128), is XORed with b1 = MD5(S + RA), b2 = MD5(S + c1), ...
 */
import { md5Concat } from './md5.js';

/**
 * Recovers the password from a User-Password value. Trailing NUL padding is removed.
 * Returns null when the value is not 16-128 octets in steps of 16 (RFC 2865 §5.2).
 */
export function revealUserPassword(hidden: Buffer, authenticator: Buffer, secret: Buffer): Buffer | null {
  const n = hidden.length;
  if (n < 16 || n > 128 || n % 16 !== 0) return null;
  const out = Buffer.allocUnsafe(n);
  let prev = authenticator;
  for (let off = 0; off < n; off += 16) {
    const b = md5Concat(secret, prev);
    for (let i = 0; i < 16; i++) out[off + i] = hidden[off + i]! ^ b[i]!;
    prev = hidden.subarray(off, off + 16);
  }
  let end = n;
  while (end > 0 && out[end - 1] === 0) end--;
  return out.subarray(0, end);
}

/** Hides `password` (at most 128 octets) for an Access-Request with `authenticator`. @throws RangeError when too long. */
export function hideUserPassword(password: string | Buffer, authenticator: Buffer, secret: Buffer): Buffer {
  const p = Buffer.isBuffer(password) ? password : Buffer.from(password, 'utf8');
  if (p.length > 128) throw new RangeError('User-Password longer than 128 octets');
  const n = Math.max(16, Math.ceil(p.length / 16) * 16);
  const out = Buffer.alloc(n);
  p.copy(out);
  let prev = authenticator;
  for (let off = 0; off < n; off += 16) {
    const b = md5Concat(secret, prev);
    for (let i = 0; i < 16; i++) out[off + i] = out[off + i]! ^ b[i]!;
    prev = out.subarray(off, off + 16);
  }
  return out;
}
