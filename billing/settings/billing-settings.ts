/**
 * ISP-wide billing settings (the `billing` row of the settings table) with their defaults.
 * Staff edit them in the admin console; the billing jobs read them at the start of each run.
 */
import { z } from 'zod';
import type { Knex } from '../../lib/db.js';

export const billingSettingsSchema = z.object({
  /** Invoice a period this many days before it starts. */
  leadDays: z.number().int().min(0).max(60).default(7),
  /** Postpaid: due this many days after the period starts. Prepaid invoices are due when the period starts. */
  postpaidDueDays: z.number().int().min(0).max(60).default(10),
  /** Tax (PPN) in basis points of the subtotal: 1100 = 11 %. 0 = no tax line. */
  taxBasisPoints: z.number().int().min(0).max(10_000).default(0),
  /** Invoice number prefix: PREFIX/YYYY/MM/000123. */
  invoicePrefix: z.string().regex(/^[A-Z]{2,8}$/).default('INV'),
  companyName: z.string().min(1).max(100).default('ISP'),
  /** Contact shown to customers (captive portal, invoices, portal): '' when not set. */
  companyPhone: z.string().max(30).default(''),
  companyEmail: z.string().max(100).default(''),
  companyAddress: z.string().max(300).default(''),
});

export type BillingSettings = z.infer<typeof billingSettingsSchema>;

/** Reads the settings; a stored value that no longer validates falls back to the defaults for the bad fields' object. */
export async function loadBillingSettings(db: Knex | Knex.Transaction): Promise<BillingSettings> {
  const row = await db('settings').where({ key: 'billing' }).first('value');
  const parsed = billingSettingsSchema.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : billingSettingsSchema.parse({});
}
