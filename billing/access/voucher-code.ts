/**
 * Voucher codes: what a hotspot guest reads off a printed card and types on a phone, and then
 * both the login name and the password (PAP or CHAP) of the voucher.
 *
 * The characters are the capital letters and digits of lib/credentials.ts (randomCredential's
 * alphabet without look-alikes: no 0/O, no 1/I; its lower case is dropped too), 32 of them, so a
 * code is case-insensitive to read and to type: a phone keyboard that capitalises, or a guest who
 * types lower case, still logs in (the login page upper-cases; the radius role accepts PAP in any
 * case and CHAP computed over the code or its lower case). 5 bits a character: the default 8
 * characters are 40 bits, about 10^12 codes, so guessing one of 10,000 live codes takes ~10^8
 * tries through the hotspot login (a NAS handles tens a second).
 */
import { randomCredential } from '../../lib/credentials.js';

export const VOUCHER_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const DEFAULT_CODE_LENGTH = 8;
export const MIN_CODE_LENGTH = 6;
export const MAX_CODE_LENGTH = 16;

const ALLOWED = new RegExp(`^[${VOUCHER_ALPHABET}]+$`);

/**
 * A code of `length` characters drawn uniformly from VOUCHER_ALPHABET: randomCredential draws
 * uniformly (crypto.randomInt) from a superset, and keeping only this alphabet's characters
 * keeps the draw uniform over them.
 */
export function randomVoucherCode(length = DEFAULT_CODE_LENGTH): string {
  let out = '';
  while (out.length < length) {
    for (const ch of randomCredential(length * 2)) {
      if (VOUCHER_ALPHABET.includes(ch)) out += ch;
      if (out.length === length) break;
    }
  }
  return out;
}

/** What a guest typed, as the code it means: trimmed, spaces and dashes dropped, upper case. */
export function normalizeVoucherCode(typed: string): string {
  return typed.replace(/[\s-]+/g, '').toUpperCase();
}

/** True when `code` could be a voucher code (the alphabet, a plausible length). */
export function looksLikeVoucherCode(code: string): boolean {
  return code.length >= MIN_CODE_LENGTH && code.length <= MAX_CODE_LENGTH && ALLOWED.test(code);
}
