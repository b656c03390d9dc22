/**
 * Random secrets and passwords that people type and paste: letters and digits only, without the
 * look-alikes 0/O and 1/l/I. Base64 output is unsafe here: a value that starts with `-` reads as
 * an option on a command line (radclient took a demo secret `-x…` for a flag), and `_`/`-` are
 * easy to mistype from a printed sheet.
 */
import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * `length` characters drawn uniformly (crypto.randomInt, no modulo bias) from 57 letters and
 * digits: about 5.8 bits each, so 16 characters ≈ 93 bits, 8 ≈ 47 bits.
 */
export function randomCredential(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}
