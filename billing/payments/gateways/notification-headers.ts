/**
 * What the Xendit, Tripay and Duitku notification checks share: one header's value and a constant-time
 * comparison of hex digests (a signature of the wrong length or not hex is simply unequal).
 */
import crypto from 'node:crypto';

/** A header's single value (Node lower-cases names; a repeated header is refused: undefined). */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name) continue;
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && v.length === 1) return v[0];
    return undefined;
  }
  return undefined;
}

/**
 * Whether `given` (hex, any case) equals the `expected` hex digest, in constant time for a given
 * length (timingSafeEqual over the decoded bytes).
 */
export function hexDigestEquals(given: string, expected: string): boolean {
  if (!/^[0-9a-fA-F]+$/.test(given) || given.length !== expected.length) return false;
  return crypto.timingSafeEqual(Buffer.from(given.toLowerCase(), 'hex'), Buffer.from(expected, 'hex'));
}
