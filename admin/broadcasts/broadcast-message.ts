/**
 * The text of a broadcast as staff type it, with three placeholders filled in per recipient:
 * `{{name}}`, `{{customer_number}}` and `{{amount_owed}}` (what the customer's unpaid invoices
 * still ask for, `Rp 150.000`). Filled by plain substitution, never compiled: a customer name
 * containing `{{…}}` is printed as typed. Any other `{{…}}` is refused when composing.
 */
import { formatRupiah } from '../../lib/money.js';

export const MESSAGE_MAX = 1000;
export const PLACEHOLDERS = ['name', 'customer_number', 'amount_owed'] as const;

const TOKEN = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** `null` when the message can be sent, else the error key under `broadcasts.error.` (`empty`, `too_long`, `placeholder`). */
export function checkMessage(message: string): string | null {
  if (!message.trim()) return 'empty';
  if (message.length > MESSAGE_MAX) return 'too_long';
  for (const m of message.matchAll(TOKEN)) if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) return 'placeholder';
  return null;
}

export interface Recipient {
  name: string;
  customerNumber: string;
  /** Rupiah still owed on unpaid invoices. */
  owed: number;
}

/** The message for one recipient. */
export function fillMessage(message: string, r: Recipient): string {
  const values: Record<string, string> = { name: r.name, customer_number: r.customerNumber, amount_owed: formatRupiah(r.owed) };
  return message.replace(TOKEN, (whole, name: string) => values[name] ?? whole).trim();
}
