/**
 * The staff WhatsApp numbers: who besides the staff Telegram chat gets every staff alert
 * (billing/notifications/relay-staff-alerts.ts). A field of the WhatsApp channel's settings
 * (`notification_channels.whatsapp.staffNumbers`, billing/settings/integrations.ts), typed as
 * staff write phone numbers (`0812-3456-7890, +65 9123 4567`), read with lib/phone.ts like a
 * customer's phone and stored as E.164 with its `+` (ITU-T E.164), comma-separated:
 * `+6281234567890, +6591234567`.
 */
import { normalizePhone } from '../../lib/phone.js';

/** At most this many numbers: each alert is one WhatsApp message per number. */
export const MAX_STAFF_NUMBERS = 5;

/** The list as typed: commas or semicolons between numbers (a number itself may hold spaces). */
function parts(text: string): string[] {
  return text.split(/[,;\n]/).map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * Reads a typed list. @returns the numbers as E.164 digits without `+` (normalizePhone), in the
 * order typed, duplicates once; or null when one is not a phone number or there are more than
 * MAX_STAFF_NUMBERS.
 */
export function parseStaffNumbers(text: string): string[] | null {
  const out: string[] = [];
  for (const p of parts(text)) {
    const n = normalizePhone(p);
    if (n === null) return null;
    if (!out.includes(n)) out.push(n);
  }
  return out.length <= MAX_STAFF_NUMBERS ? out : null;
}

/** The settings field's check: a locale key of the error, or null. */
export function checkStaffNumbers(text: string): string | null {
  return parseStaffNumbers(text) === null ? 'settings.error.staff_numbers' : null;
}

/** The stored form of a list that passed the check: `+6281234567890, +6591234567`. */
export function storedStaffNumbers(text: string): string {
  return (parseStaffNumbers(text) ?? []).map((n) => `+${n}`).join(', ');
}

/**
 * The numbers of a stored value as outbox recipients, E.164 with `+` (`+6591234567`): the phone
 * channels read a recipient with normalizePhone, which takes bare digits for an Indonesian number
 * only. [] when none or unreadable.
 */
export function staffNumbersOf(stored: string | undefined): string[] {
  return (stored ? (parseStaffNumbers(stored) ?? []) : []).map((n) => `+${n}`);
}
