/**
 * Company, tax and invoicing settings (the `billing` settings row: billing/settings/
 * billing-settings.ts) as the console edits them: the form's fields validated (zod, a locale
 * key per field), the bank accounts for transfers as up to three rows of bank / number / holder
 * (an empty row is skipped, a row typed in part is refused), PPN typed as a percent ("11", "11,5") and stored in basis points, the edit
 * refused when someone saved since the form was opened (settings.version), and the change
 * audited with its before and after in the same transaction.
 */
import { z } from 'zod';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { readSetting, writeSetting } from '../../lib/settings-store.js';
import { BANK_ACCOUNTS_MAX, billingSettingsSchema, type BankAccount, type BillingSettings } from '../../billing/settings/billing-settings.js';
import { fieldErrors } from '../../lib/field-errors.js';

/**
 * A percent as staff type it → basis points: "11" → 1100, "11,5" / "11.5" → 1150, "0" → 0.
 * Returns null for anything else (more than two decimals, above 100, a sign, letters).
 */
export function percentToBasisPoints(text: string): number | null {
  const m = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.trim().replace(/\s*%$/, ''));
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? bp : null;
}

/** Basis points → the percent as an Indonesian reads it: 1100 → "11", 1150 → "11,5", 1125 → "11,25". */
export function basisPointsToPercent(bp: number): string {
  const whole = Math.floor(bp / 100);
  const frac = bp % 100;
  return frac ? `${whole},${String(frac).padStart(2, '0').replace(/0$/, '')}` : String(whole);
}

const days = z.string().trim().regex(/^\d{1,2}$/, 'settings.error.days').transform(Number).pipe(z.number().max(60, 'settings.error.days'));

/** The form's bank account rows: bank0Bank, bank0Number, bank0Holder, … up to BANK_ACCOUNTS_MAX. */
const BANK_ROWS = Array.from({ length: BANK_ACCOUNTS_MAX }, (_, i) => i);
const BANK_PARTS = ['Bank', 'Number', 'Holder'] as const;
const bankFields: Record<string, z.ZodString> = Object.fromEntries(BANK_ROWS.flatMap((i) => [
  [`bank${i}Bank`, z.string().trim().max(50, 'error.too_long')],
  [`bank${i}Number`, z.string().trim().regex(/^([0-9][0-9 .-]{3,29})?$/, 'error.invalid')],
  [`bank${i}Holder`, z.string().trim().max(100, 'error.too_long')],
]));

/** The filled bank rows of a parsed form, in order; a row typed only in part is an error on its empty fields. */
function bankAccountsOf(f: Record<string, unknown>, ctx: z.RefinementCtx): BankAccount[] {
  const out: BankAccount[] = [];
  for (const i of BANK_ROWS) {
    const [bank, number, holder] = BANK_PARTS.map((p) => String(f[`bank${i}${p}`] ?? ''));
    if (!bank && !number && !holder) continue;
    for (const p of BANK_PARTS) if (!f[`bank${i}${p}`]) ctx.addIssue({ code: 'custom', path: [`bank${i}${p}`], message: 'error.required' });
    out.push({ bank: bank!, number: number!, holder: holder! });
  }
  return out;
}

const companyFields = z.object({
  companyName: z.string().trim().min(1, 'error.required').max(100, 'error.too_long'),
  companyPhone: z.string().trim().max(30, 'error.too_long').regex(/^(\+?[0-9][0-9 ()-]{5,28})?$/, 'error.phone'),
  companyEmail: z.union([z.literal(''), z.string().trim().email('error.email').max(100, 'error.too_long')]),
  companyAddress: z.string().trim().max(300, 'error.too_long'),
  tax: z.string().transform((v, ctx) => {
    const bp = percentToBasisPoints(v);
    if (bp === null) {
      ctx.addIssue({ code: 'custom', message: 'settings.error.tax' });
      return z.NEVER;
    }
    return bp;
  }),
  invoicePrefix: z.string().trim().transform((v) => v.toUpperCase()).pipe(z.string().regex(/^[A-Z]{2,8}$/, 'settings.error.invoice_prefix')),
  leadDays: days,
  postpaidDueDays: days,
  ...bankFields,
});

export const companyForm = companyFields.transform((f, ctx) => ({ ...f, bankAccounts: bankAccountsOf(f, ctx) }));

/** The form's text values for `s`. */
export function companyFormValues(s: BillingSettings): Record<string, string> {
  return {
    companyName: s.companyName, companyPhone: s.companyPhone, companyEmail: s.companyEmail, companyAddress: s.companyAddress,
    tax: basisPointsToPercent(s.taxBasisPoints), invoicePrefix: s.invoicePrefix, leadDays: String(s.leadDays), postpaidDueDays: String(s.postpaidDueDays),
    ...Object.fromEntries(BANK_ROWS.flatMap((i) => {
      const a = s.bankAccounts[i];
      return [[`bank${i}Bank`, a?.bank ?? ''], [`bank${i}Number`, a?.number ?? ''], [`bank${i}Holder`, a?.holder ?? '']];
    })),
  };
}

/** The stored settings (defaults filled in) and the row's version. */
export async function loadCompanySettings(db: Knex): Promise<{ settings: BillingSettings; version: number }> {
  const row = await readSetting(db, 'billing');
  const parsed = billingSettingsSchema.safeParse(row.value ?? {});
  return { settings: parsed.success ? parsed.data : billingSettingsSchema.parse({}), version: row.version };
}

export type SettingsSaveOutcome =
  | { ok: true }
  | { ok: false; code: 'invalid'; errors: Record<string, string> }
  | { ok: false; code: 'stale' };

const pickForm = (input: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.keys(companyFields.shape).map((k) => [k, typeof input[k] === 'string' ? (input[k] as string) : '']));

/** @param version the settings version the form was opened with (0: never saved). */
export async function saveCompanySettings(db: Knex, actor: AuditActor, version: number, input: Record<string, unknown>): Promise<SettingsSaveOutcome> {
  const parsed = companyForm.safeParse(pickForm(input));
  if (!parsed.success) return { ok: false, code: 'invalid', errors: fieldErrors(parsed.error) };
  const f = parsed.data;
  return db.transaction(async (trx) => {
    const current = await readSetting(trx, 'billing');
    const stored = current.value && typeof current.value === 'object' ? (current.value as Record<string, unknown>) : {};
    const next = billingSettingsSchema.parse({
      ...billingSettingsSchema.parse({}), ...stored,
      companyName: f.companyName, companyPhone: f.companyPhone, companyEmail: f.companyEmail, companyAddress: f.companyAddress,
      taxBasisPoints: f.tax, invoicePrefix: f.invoicePrefix, leadDays: f.leadDays, postpaidDueDays: f.postpaidDueDays, bankAccounts: f.bankAccounts,
    });
    const written = await writeSetting(trx, 'billing', { ...stored, ...next }, version);
    if (!written.ok) return written;
    const before = billingSettingsSchema.safeParse(written.before ?? {});
    await recordAudit(trx, actor, { action: 'settings_updated', objectType: 'settings', objectId: 'billing', before: before.success ? before.data : null, after: next });
    return { ok: true } as const;
  });
}
