/**
 * The REST API's bearer tokens as text (ARCHITECTURE.md "REST API"): `isp_` followed by 32 random
 * octets in base64url (43 characters, 256 bits from the operating system's CSPRNG). Only the
 * SHA-256 of the whole text is stored: with 256 bits of entropy a fast hash is enough (no salt or
 * slow hash is needed, unlike for a password; OWASP Secrets Management Cheat Sheet). Tokens are
 * compared by looking up their hash, never as text.
 */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'isp_';

/** How many characters of a token are kept in the clear to tell tokens apart (`isp_` + 6). */
export const SHOWN_PREFIX_LENGTH = 10;

/** A new token text: `isp_` + 43 base64url characters. */
export function newTokenText(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** The 32-octet SHA-256 of a token text, as stored in api_tokens.token_hash. */
export function tokenHash(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Whether `text` has the shape of one of our tokens (checked before any database look-up). */
export function looksLikeToken(text: string): boolean {
  return /^isp_[A-Za-z0-9_-]{43}$/.test(text);
}
