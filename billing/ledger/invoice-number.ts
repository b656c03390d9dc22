/**
 * Gapless, human-readable invoice numbers: PREFIX/YYYY/MM/000123, counted per month. Numbers are
 * reserved in the same transaction that creates the invoices, after the invoices are inserted,
 * from one counter row per prefix (an UPDATE holds its lock until commit): a rolled-back
 * transaction gives its numbers back, and two concurrent runs cannot interleave or deadlock
 * (the counter is the last lock either takes).
 */
import type { Knex } from '../../lib/db.js';

/** The counter prefix for invoices issued on local date `day`: `INV/2026/11`. */
export function invoicePrefix(prefix: string, day: string): string {
  return `${prefix}/${day.slice(0, 4)}/${day.slice(5, 7)}`;
}

export function formatInvoiceNumber(counterPrefix: string, n: number): string {
  return `${counterPrefix}/${String(n).padStart(6, '0')}`;
}

/** Reserves `count` consecutive numbers under `counterPrefix`; returns them in order. */
export async function reserveInvoiceNumbers(trx: Knex.Transaction, counterPrefix: string, count: number): Promise<string[]> {
  if (count <= 0) return [];
  const { rows } = await trx.raw(
    `INSERT INTO invoice_number_counters AS c (prefix, last_value) VALUES (?, ?)
     ON CONFLICT (prefix) DO UPDATE SET last_value = c.last_value + excluded.last_value
     RETURNING last_value`,
    [counterPrefix, count],
  );
  const last = Number(rows[0].last_value);
  return Array.from({ length: count }, (_, i) => formatInvoiceNumber(counterPrefix, last - count + 1 + i));
}
