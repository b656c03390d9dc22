/**
 * The "new voucher batch" form: what staff type (a limit as a number and a unit, a price as
 * `5.000` or `5000`) to the terms billing/vouchers/generate-batch.ts takes, with field errors as
 * locale keys shown beside each field and what was typed kept on a failed submit.
 */
import { isValidRateLimit } from '../../lib/routeros/rate-limit.js';
import type { BatchInput } from '../../billing/vouchers/generate-batch.js';
import { DEFAULT_CODE_LENGTH, MAX_CODE_LENGTH, MIN_CODE_LENGTH } from '../../billing/access/voucher-code.js';

export const TIME_UNITS = { minutes: 60, hours: 3600, days: 86_400 } as const;
export const DATA_UNITS = { MB: 1024 ** 2, GB: 1024 ** 3 } as const;
export const VALIDITY_UNITS = { hours: 3600, days: 86_400 } as const;

/** The form's fields as typed (all text). */
export const EMPTY_BATCH_FORM = {
  name: '', plan_id: '', rate_limit: '', time_value: '', time_unit: 'hours', data_value: '', data_unit: 'GB',
  validity_value: '', validity_unit: 'days', price: '', quantity: '100', code_length: String(DEFAULT_CODE_LENGTH),
};
export type BatchForm = typeof EMPTY_BATCH_FORM;

export type ParsedBatchForm = { ok: true; input: BatchInput } | { ok: false; errors: Record<string, string> };

/** `1,5` or `1.5` → 1.5; '' → null; anything else → NaN. */
function decimal(text: string): number | null {
  const v = text.trim();
  if (!v) return null;
  return /^\d{1,9}([.,]\d{1,3})?$/.test(v) ? Number(v.replace(',', '.')) : Number.NaN;
}

/** `150.000` or `150000` rupiah (dots are thousands separators). */
function rupiah(text: string): number {
  const v = text.trim();
  if (!v) return 0;
  return /^\d{1,3}(\.\d{3})*$|^\d{1,12}$/.test(v) ? Number(v.replace(/\./g, '')) : Number.NaN;
}

function unit<T extends Record<string, number>>(units: T, key: string, fallback: keyof T): number {
  return Object.hasOwn(units, key) ? units[key as keyof T]! : units[fallback]!;
}

/** The form as typed, from a parsed urlencoded body (every field a string, missing ones empty). */
export function batchFormOf(body: Record<string, unknown>): BatchForm {
  const out = { ...EMPTY_BATCH_FORM };
  for (const k of Object.keys(out) as Array<keyof BatchForm>) {
    const v = body[k];
    if (typeof v === 'string') out[k] = v.slice(0, 200);
  }
  return out;
}

/**
 * Validates the form. A batch needs a plan or its own rate limit (a valid Mikrotik-Rate-Limit,
 * lib/routeros/rate-limit.ts) and at least one of a time limit, a data limit or a validity;
 * 1–10,000 vouchers; codes of 6–16 characters.
 */
export function parseBatchForm(form: BatchForm, planIds: ReadonlySet<number>): ParsedBatchForm {
  const errors: Record<string, string> = {};
  const name = form.name.trim();
  if (!name) errors.name = 'error.required';
  else if (name.length > 100) errors.name = 'error.too_long';

  const planId = /^\d{1,15}$/.test(form.plan_id) ? Number(form.plan_id) : null;
  if (form.plan_id && (planId === null || !planIds.has(planId))) errors.plan_id = 'error.invalid';
  const rateLimit = form.rate_limit.trim() || null;
  if (rateLimit && (rateLimit.length > 100 || !isValidRateLimit(rateLimit))) errors.rate_limit = 'vouchers.error.rate_limit';
  else if (!rateLimit && planId === null && !errors.plan_id) errors.rate_limit = 'vouchers.error.rate_required';

  const amount = (field: 'time_value' | 'data_value' | 'validity_value', factor: number, max: number): number | null => {
    const v = decimal(form[field]);
    if (v === null) return null;
    const n = Math.round(v * factor);
    if (!Number.isFinite(v) || n <= 0 || n > max) {
      errors[field] = 'error.invalid';
      return null;
    }
    return n;
  };
  const timeLimitSeconds = amount('time_value', unit(TIME_UNITS, form.time_unit, 'hours'), 2_147_483_647);
  const dataLimitBytes = amount('data_value', unit(DATA_UNITS, form.data_unit, 'GB'), Number.MAX_SAFE_INTEGER);
  const validitySeconds = amount('validity_value', unit(VALIDITY_UNITS, form.validity_unit, 'days'), 2_147_483_647);
  if (timeLimitSeconds === null && dataLimitBytes === null && validitySeconds === null && !errors.time_value && !errors.data_value && !errors.validity_value) {
    errors.time_value = 'vouchers.error.limit_required';
  }

  const price = rupiah(form.price);
  if (!Number.isSafeInteger(price) || price < 0) errors.price = 'error.invalid';
  const quantity = /^\d{1,5}$/.test(form.quantity.trim()) ? Number(form.quantity.trim()) : Number.NaN;
  if (!(quantity >= 1 && quantity <= 10_000)) errors.quantity = 'vouchers.error.quantity';
  const codeLength = /^\d{1,2}$/.test(form.code_length.trim()) ? Number(form.code_length.trim()) : Number.NaN;
  if (!(codeLength >= MIN_CODE_LENGTH && codeLength <= MAX_CODE_LENGTH)) errors.code_length = 'vouchers.error.code_length';

  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, input: { name, planId, rateLimit, timeLimitSeconds, dataLimitBytes, validitySeconds, price, quantity, codeLength } };
}
