/**
 * Phone numbers as customers and staff type them (`0812-3456-7890`, `0812 3456 7890`,
 * `(0812) 3456.7890`, `+62 812 3456 7890`, `62812…`, `812…`): the one reading every form uses
 * (console customer form, portal contact form, portal sign-in, message channels).
 *
 * - normalizePhone: E.164 digits without the `+`, the form WhatsApp, Fonnte and our SMS contract
 *   expect (ITU-T E.164; WhatsApp Cloud API `to`, e.g. `6281234567890`);
 * - storedPhone: the one form a customer's phone is stored in (`081234567890`; `+6591234567`
 *   for another country), which the console search finds by the `0812…` staff type;
 * - formatPhone: how pages show it (`0812-3456-7890`), whatever form an older row holds.
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

/**
 * The form a phone number is stored in: Indonesian numbers in national form, digits only
 * (`0812-3456-7890` → `081234567890`), another country's as `+` and E.164 digits (`+6591234567`).
 * Empty input → null. @returns undefined when the input cannot be a phone number (a form error).
 */
export function storedPhone(input: string | null | undefined): string | null | undefined {
  if (!input || !input.trim()) return null;
  const e164 = normalizePhone(input);
  if (e164 === null) return undefined;
  return e164.startsWith(INDONESIA) ? `0${e164.slice(INDONESIA.length)}` : `+${e164}`;
}

/**
 * A phone number as pages show it: Indonesian mobiles (08…) in groups of four from the left,
 * `0812-3456-7890` / `0812-3456-789`; other Indonesian numbers as national digits (`0215551234`);
 * another country's as `+` and its digits. Text that is no phone number is shown as it is.
 */
export function formatPhone(value: string | null | undefined): string {
  if (!value) return '';
  const stored = storedPhone(value);
  if (!stored) return value;
  if (!stored.startsWith('08')) return stored;
  return [stored.slice(0, 4), stored.slice(4, 8), stored.slice(8)].filter(Boolean).join('-');
}
