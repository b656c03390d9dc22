/**
 * Phone numbers as customers and staff type them (`0812-3456-7890`, `+62 812 3456 7890`,
 * `62812…`, `812…`) to the form WhatsApp, Fonnte and our SMS contract expect: E.164 digits
 * without the `+` (ITU-T E.164; WhatsApp Cloud API `to`, e.g. `6281234567890`).
 */

/** Indonesia's country calling code: the default for numbers written in national form. */
const INDONESIA = '62';

/**
 * Normalises a phone number to E.164 digits without `+`, or returns null when it cannot be one.
 *
 * - Separators (spaces, `-`, `.`, `/`, parentheses) are ignored.
 * - National Indonesian forms: `0812…` → `62812…`; a bare mobile number `812…` → `62812…`.
 * - International forms: `+62…`, `0062…`, `62…` stay Indonesian; `+65…` / `0065…` keep their country.
 * - Indonesian numbers need 8–13 digits after `62` and none of them a leading 0 (`+62 0812…`
 *   is read as `62812…`, a common way of writing it); any number is at most 15 digits (E.164).
 */
export function normalizePhone(input: string | null | undefined): string | null {
  if (!input) return null;
  const compact = input.trim().replace(/[\s\-./()]/g, '');
  if (!/^\+?\d+$/.test(compact)) return null;

  let digits: string;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (compact.startsWith('00')) digits = compact.slice(2);
  else if (compact.startsWith('0')) digits = INDONESIA + compact.slice(1);
  else if (compact.startsWith(INDONESIA)) digits = compact;
  else if (compact.startsWith('8')) digits = INDONESIA + compact;
  else return null;

  if (digits.startsWith(INDONESIA)) {
    const national = digits.slice(INDONESIA.length).replace(/^0/, '');
    if (!/^[1-9]\d{7,12}$/.test(national)) return null;
    return INDONESIA + national;
  }
  // Another country: E.164 allows up to 15 digits; country codes never start with 0.
  return /^[1-9]\d{7,14}$/.test(digits) ? digits : null;
}
