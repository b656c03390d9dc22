/**
 * ISP-wide billing settings (the `billing` row of the settings table) with their defaults.
 * Staff edit them in the admin console; the billing jobs read them at the start of each run.
 */
import { z } from 'zod';
import type { Knex } from '../../lib/db.js';

/** How many bank accounts the settings hold. */
export const BANK_ACCOUNTS_MAX = 3;

/** One of the ISP's bank accounts: bank name ("BCA"), account number as printed ("123 456 7890"), account holder. */
export const bankAccountSchema = z.object({
  bank: z.string().min(1).max(50),
  number: z.string().regex(/^[0-9][0-9 .-]{3,29}$/),
  holder: z.string().min(1).max(100),
});

export type BankAccount = z.infer<typeof bankAccountSchema>;

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
  /**
   * Where customers may pay by bank transfer (the captive portal shows them, first of all when no
   * payment gateway is on): up to BANK_ACCOUNTS_MAX accounts; [] when none.
   */
  bankAccounts: z.array(bankAccountSchema).max(BANK_ACCOUNTS_MAX).default([]),
});

export type BillingSettings = z.infer<typeof billingSettingsSchema>;

/** Reads the settings; a stored value that no longer validates falls back to the defaults for the bad fields' object. */
export async function loadBillingSettings(db: Knex | Knex.Transaction): Promise<BillingSettings> {
  const row = await db('settings').where({ key: 'billing' }).first('value');
  const parsed = billingSettingsSchema.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : billingSettingsSchema.parse({});
}
