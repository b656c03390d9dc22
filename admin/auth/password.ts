/**
 * Staff passwords: bcrypt (bcryptjs, pure JavaScript, so no native build on the ISP's server),
 * cost from PASSWORD_HASH_ROUNDS. bcrypt reads at most 72 bytes, so longer passwords are refused
 * rather than silently cut. Source: OWASP Password Storage Cheat Sheet (bcrypt, cost ≥ 10,
 * 72-byte limit).
 */
import bcrypt from 'bcryptjs';

export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_BYTES = 72;

/** A reason the password is not acceptable (a locale key), or null when it is. */
export function passwordProblem(password: string): 'password.too_short' | 'password.too_long' | null {
  if (password.length < MIN_PASSWORD_LENGTH) return 'password.too_short';
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) return 'password.too_long';
  return null;
}

export function hashPassword(password: string, rounds: number): Promise<string> {
  return bcrypt.hash(password, rounds);
}

/** True when `password` matches `hash`; a malformed hash is a mismatch. bcrypt compares in constant time. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false;
  }
}
