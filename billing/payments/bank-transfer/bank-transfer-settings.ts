/**
 * Bank transfer as staff set it up (the `bank_transfer` settings row): whether customers are
 * offered it, the ISP's accounts they transfer to, and how long a unique code holds. Nothing here
 * is secret (account numbers are printed on every invoice). Defaults: off, no accounts, 48 hours.
 */
import type { Knex } from '../../../lib/db.js';
import { readSetting } from '../../../lib/settings-store.js';
import type { Bank } from './statement-layouts.js';

export const BANK_TRANSFER_KEY = 'bank_transfer';

export interface BankAccount {
  bank: Bank;
  /** Digits only. */
  number: string;
  /** Account holder, as the bank shows it. */
  holder: string;
}

export interface BankTransferSettings {
  enabled: boolean;
  accounts: BankAccount[];
  /** Hours a unique code stays open (1–168). */
  codeHours: number;
}

export const DEFAULT_BANK_TRANSFER: BankTransferSettings = { enabled: false, accounts: [], codeHours: 48 };

/** The stored row read leniently: anything malformed falls back to the default for that field. */
export function bankTransferSettingsOf(value: unknown): BankTransferSettings {
  const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const accounts = Array.isArray(v.accounts)
    ? v.accounts.filter((a): a is BankAccount => Boolean(a) && typeof a === 'object'
      && ['bca', 'bri', 'mandiri', 'bni'].includes((a as BankAccount).bank)
      && /^\d{5,20}$/.test(String((a as BankAccount).number)) && typeof (a as BankAccount).holder === 'string')
    : [];
  const hours = Number(v.codeHours);
  return {
    enabled: v.enabled === true && accounts.length > 0,
    accounts,
    codeHours: Number.isInteger(hours) && hours >= 1 && hours <= 168 ? hours : DEFAULT_BANK_TRANSFER.codeHours,
  };
}

export async function loadBankTransferSettings(db: Knex | Knex.Transaction): Promise<BankTransferSettings> {
  return bankTransferSettingsOf((await readSetting(db, BANK_TRANSFER_KEY)).value);
}
