/**
 * Staff switch bank transfer on or off and set the ISP's accounts and the code validity (the
 * `bank_transfer` settings row read by bank-transfer-settings.ts; the console's form is
 * admin/settings/bank-transfer-settings-routes.ts). ARCHITECTURE.md, "Payment channels".
 *
 * Form shape (all strings, as posted): `enabled` 'on' | 'off'; `codeHours` 1–168 (whole hours);
 * `acct<i>Bank` / `acct<i>Number` / `acct<i>Holder` for i in 0..BANK_TRANSFER_ROWS-1. A row with
 * all three blank is skipped; a row with any filled needs all three. Banks are the four whose
 * statements we read (statement-layouts.ts); the number is digits only (spaces, dots and dashes a
 * person types are removed), 5–20 of them; the holder 1–100 characters. At least one account is
 * needed when it is on (a customer must know where to transfer). Nothing here is secret, so the
 * audit row carries the whole value before and after. Saving is optimistic (the row's version).
 */
import { recordAudit, type AuditActor } from '../../../lib/audit.js';
import type { Knex } from '../../../lib/db.js';
import { readSetting, writeSetting } from '../../../lib/settings-store.js';
import { BANK_TRANSFER_KEY, bankTransferSettingsOf, type BankAccount, type BankTransferSettings } from './bank-transfer-settings.js';
import { BANKS, type Bank } from './statement-layouts.js';

/** How many account rows the form offers. */
export const BANK_TRANSFER_ROWS = 4;

export type BankTransferSaveOutcome =
  | { ok: true; settings: BankTransferSettings }
  | { ok: false; code: 'invalid'; errors: Record<string, string> }
  | { ok: false; code: 'stale' };

/** The form's values for `s` (what the inputs hold). */
export function bankTransferFormValues(s: BankTransferSettings): Record<string, string> {
  const out: Record<string, string> = { enabled: s.enabled ? 'on' : 'off', codeHours: String(s.codeHours) };
  for (let i = 0; i < BANK_TRANSFER_ROWS; i++) {
    const a = s.accounts[i];
    out[`acct${i}Bank`] = a?.bank ?? '';
    out[`acct${i}Number`] = a?.number ?? '';
    out[`acct${i}Holder`] = a?.holder ?? '';
  }
  return out;
}

/**
 * Checks the posted form. Errors are locale keys by field name
 * (`bank_transfer_portal.settings.error.*`).
 */
export function parseBankTransferForm(input: Record<string, unknown>): { ok: true; settings: BankTransferSettings } | { ok: false; errors: Record<string, string> } {
  const text = (k: string): string => (typeof input[k] === 'string' ? (input[k] as string).trim() : '');
  const errors: Record<string, string> = {};
  const enabled = text('enabled');
  if (enabled !== 'on' && enabled !== 'off') errors.enabled = 'bank_transfer_portal.settings.error.enabled';
  const hoursText = text('codeHours');
  const hours = /^\d{1,3}$/.test(hoursText) ? Number(hoursText) : NaN;
  if (!(hours >= 1 && hours <= 168)) errors.codeHours = 'bank_transfer_portal.settings.error.code_hours';
  const accounts: BankAccount[] = [];
  for (let i = 0; i < BANK_TRANSFER_ROWS; i++) {
    const bank = text(`acct${i}Bank`);
    const number = text(`acct${i}Number`).replace(/[\s.-]/g, '');
    const holder = text(`acct${i}Holder`);
    if (!bank && !number && !holder) continue;
    if (!(BANKS as readonly string[]).includes(bank)) errors[`acct${i}Bank`] = 'bank_transfer_portal.settings.error.bank';
    if (!/^\d{5,20}$/.test(number)) errors[`acct${i}Number`] = 'bank_transfer_portal.settings.error.number';
    if (!holder || holder.length > 100) errors[`acct${i}Holder`] = 'bank_transfer_portal.settings.error.holder';
    accounts.push({ bank: bank as Bank, number, holder });
  }
  if (enabled === 'on' && accounts.length === 0 && !Object.keys(errors).some((k) => k.startsWith('acct'))) {
    errors.acct0Bank = 'bank_transfer_portal.settings.error.account_needed';
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, settings: { enabled: enabled === 'on', accounts, codeHours: hours } };
}

/**
 * Saves the form when the row is still at `version` (0: never saved), audited as
 * `settings_updated` on `settings/bank_transfer` in the same transaction.
 */
export async function saveBankTransferSettings(db: Knex, actor: AuditActor, version: number, input: Record<string, unknown>): Promise<BankTransferSaveOutcome> {
  const parsed = parseBankTransferForm(input);
  if (!parsed.ok) return { ok: false, code: 'invalid', errors: parsed.errors };
  const next = parsed.settings;
  return db.transaction(async (trx) => {
    const written = await writeSetting(trx, BANK_TRANSFER_KEY, next, version);
    if (!written.ok) return written;
    const before = written.before === null || written.before === undefined ? null : bankTransferSettingsOf(written.before);
    await recordAudit(trx, actor, {
      action: 'settings_updated', objectType: 'settings', objectId: BANK_TRANSFER_KEY,
      before: before ? { ...before } : null, after: { ...next },
    });
    return { ok: true, settings: next } as const;
  });
}

/** The stored settings and the row's version (for the form). */
export async function loadBankTransferForm(db: Knex): Promise<{ settings: BankTransferSettings; version: number }> {
  const row = await readSetting(db, BANK_TRANSFER_KEY);
  return { settings: bankTransferSettingsOf(row.value), version: row.version };
}
