/**
 * The answer schemas of /reports (api/resources/reports.ts) that are more than a line, and the
 * daily-income figures in the API's snake_case. Money is whole rupiah.
 */
import { z } from 'zod';
import type { DailyIncome } from '../../billing/reports/daily-income.js';

const rupiah = z.number().int().describe('Whole rupiah');
const method = z.enum(['cash', 'bank_transfer', 'midtrans', 'xendit']);

export const revenueReport = z.object({
  from: z.string().describe('YYYY-MM'), to: z.string().describe('YYYY-MM'),
  months: z.array(z.object({
    month: z.string(), invoices: z.number().int(), subtotal: rupiah, tax: rupiah, invoiced: rupiah.describe('Invoice totals, tax included'),
    payments: z.number().int(), received: rupiah.describe('Payments settled'),
  })),
  by_plan: z.array(z.object({
    plan_id: z.number().int().nullable().describe('null: lines without a plan (one-off charges, discounts, late fees)'),
    plan_name: z.string().nullable(), lines: z.number().int(), amount: rupiah.describe('Before tax'),
  })),
  totals: z.object({ invoices: z.number().int(), subtotal: rupiah, tax: rupiah, invoiced: rupiah, payments: z.number().int(), received: rupiah }),
}).meta({ id: 'RevenueReport' });

export const dailyIncomeReport = z.object({
  day: z.string().describe('YYYY-MM-DD, ISP time zone'),
  total: rupiah,
  by_method: z.array(z.object({ method, payments: z.number().int(), amount: rupiah })),
  by_staff: z.array(z.object({
    staff: z.union([z.number().int(), z.enum(['online', 'unknown'])]).describe('Staff id; online: gateway payments; unknown: a deleted account'),
    name: z.string().nullable(), payments: z.number().int(), amount: rupiah,
  })),
  payments: z.array(z.object({
    id: z.number().int(), receipt_number: z.string(), time: z.string().describe('HH:MM, ISP time zone'), customer_number: z.string(), customer_name: z.string(),
    invoices: z.array(z.string()).describe('Invoice numbers the money went to'), amount: rupiah, method,
    staff_id: z.number().int().nullable(), staff_name: z.string().nullable(),
  })),
}).meta({ id: 'DailyIncomeReport' });

const agingAmounts = {
  not_due: rupiah, d0_30: rupiah.describe('0–30 days past due'), d31_60: rupiah, d61_90: rupiah, d90_plus: rupiah.describe('Over 90 days past due'), total: rupiah,
};

export const agingReport = z.object({
  today: z.string().describe('YYYY-MM-DD: the day ages are counted to'),
  totals: z.object({ ...agingAmounts, customers: z.number().int(), invoices: z.number().int() }),
  rows: z.array(z.object({
    ...agingAmounts, customer_id: z.number().int(), customer_number: z.string(), name: z.string(), phone: z.string().nullable(),
    invoices: z.number().int(), oldest_days: z.number().int().nullable().describe('Days past due of the oldest open invoice (negative: none due yet)'),
  })),
  page: z.number().int(), pages: z.number().int(),
}).meta({ id: 'AgingReport' });

export function toDailyIncome(d: DailyIncome): z.infer<typeof dailyIncomeReport> {
  return {
    day: d.day, total: d.total, by_method: d.byMethod, by_staff: d.byStaff,
    payments: d.payments.map((p) => ({
      id: Number(p.id), receipt_number: p.receiptNumber, time: p.time, customer_number: p.customerNumber, customer_name: p.customerName,
      invoices: p.invoices, amount: p.amount, method: p.method, staff_id: p.staffId, staff_name: p.staffName,
    })),
  };
}
