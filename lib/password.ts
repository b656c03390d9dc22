/**
 * Staff and portal passwords: bcrypt, cost from PASSWORD_HASH_ROUNDS, hashed and compared by
 * @node-rs/bcrypt (a Rust binding whose prebuilt binary ships in npm packages, so no build on the
 * ISP's server). Its hash and verify run on libuv's thread pool, not on the event loop, and at
 * most HASH_CONCURRENCY at once (one less than the cores, at least one; the rest wait in line),
 * so a burst of sign-ins neither blocks nor starves of CPU what else the process answers
 * (RADIUS, pages): `npm run bench:sign-in` measures it. It reads and
 * writes the usual modular-crypt hashes ($2a$, $2b$, $2y$), so hashes made earlier by bcryptjs
 * still verify. bcrypt reads at most 72 bytes, so longer passwords are refused rather than
 * silently cut. Source: OWASP Password Storage Cheat Sheet (bcrypt, cost ≥ 10, 72-byte limit).
 *
 * Policy (NIST SP 800-63B §5.1.1.2, OWASP ASVS V2.1): at least MIN_PASSWORD_LENGTH characters,
 * at most 72 bytes, and not one of the commonest passwords. The list is the ranked list of
 * common passwords that zxcvbn-ts ships (@zxcvbn-ts/language-common, "passwords-common": about
 * 49,000 passwords from public breach corpora, maintained with zxcvbn-ts), compared without case.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { hash, verify } from '@node-rs/bcrypt';
import { dictionary } from '@zxcvbn-ts/language-common';
import pLimit from 'p-limit';

export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_BYTES = 72;
/** bcrypt computations running at once in this process; the others queue. */
export const HASH_CONCURRENCY = Math.max(1, os.availableParallelism() - 1);
const hashing = pLimit(HASH_CONCURRENCY);

let common: ReadonlySet<string> | null = null;

/** True when `password` (any case) is on the common-password list, or one character repeated. */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(dictionary['passwords-common']);
  const lower = password.toLowerCase();
  return common.has(lower) || /^(.)\1*$/u.test(lower);
}

/** A reason the password is not acceptable (a locale key), or null when it is. */
export function passwordProblem(password: string): 'password.too_short' | 'password.too_long' | 'password.common' | null {
  if (password.length < MIN_PASSWORD_LENGTH) return 'password.too_short';
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) return 'password.too_long';
  if (isCommonPassword(password)) return 'password.common';
  return null;
}

/** The bcrypt hash ($2b$, cost `rounds`) of `password`, computed off the event loop. */
export function hashPassword(password: string, rounds: number): Promise<string> {
  return hashing(() => hash(password, rounds));
}

/** True when `password` matches `hash`; a malformed hash is a mismatch. Off the event loop; bcrypt compares in constant time. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await hashing(() => verify(password, hash));
  } catch {
    return false;
  }
}

const dummies = new Map<number, Promise<string>>();

/**
 * A hash of a random password at cost `rounds` (PASSWORD_HASH_ROUNDS), made once per process:
 * sign-in compares against it when there is no account (or no password), so an unknown name
 * costs the same bcrypt work as a known one.
 */
export function dummyHash(rounds: number): Promise<string> {
  let made = dummies.get(rounds);
  if (!made) {
    made = hashPassword(randomBytes(16).toString('hex'), rounds);
    dummies.set(rounds, made);
  }
  return made;
}
