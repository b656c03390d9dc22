/**
 * /reports: the figures of the console's report screens (admin/reports/routes.ts), from the same
 * queries (billing/reports/*, moved below both so the API may call them: ARCHITECTURE.md
 * "Dependency rules"): revenue by month and by plan, churn by month, top usage, the day's income,
 * receivables aging. Money is whole rupiah; months `YYYY-MM` and days `YYYY-MM-DD` are in the
 * ISP's time zone (ISP_TIME_ZONE), as on the screens. Ranges: `from`/`to` inclusive; left out,
 * the screens' defaults (months: January to this month; days: the last 30 days); `from` after
 * `to` or a span over the screens' maximum (120 months, 366 days) is a 422.
 */
import { z } from 'zod';
import { localDate } from '../../billing/plans/billing-period.js';
import { churnByMonth } from '../../billing/reports/churn-report.js';
import { dailyIncome, PAYMENT_METHODS } from '../../billing/reports/daily-income.js';
import { receivablesAging } from '../../billing/reports/receivables-aging.js';
import { addMonths, dayRange, MAX_DAYS, MAX_MONTHS, monthRange } from '../../billing/reports/report-range.js';
import { revenueByMonth, revenueByPlan } from '../../billing/reports/revenue-report.js';
import { topUsage, USAGE_GROUPINGS, USAGE_LIMITS } from '../../billing/reports/top-usage.js';
import { validationProblem } from '../framework/problem.js';
import { route, type ApiRoute } from '../framework/route.js';
import { agingReport, dailyIncomeReport, revenueReport, toDailyIncome } from './report-schemas.js';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM').optional();
const day = z.iso.date().optional();
const monthQuery = z.object({ from: month.describe('First month, YYYY-MM'), to: month.describe('Last month, YYYY-MM (inclusive)') });

/** `from` not after `to`, and the span not over `max`. @throws ProblemError 422 */
function checkSpan(q: { from?: string | undefined; to?: string | undefined }, tooLong: boolean, max: string): void {
  if (q.from && q.to && q.from > q.to) throw validationProblem([{ pointer: '#/query/from', detail: 'must not be after `to`' }]);
  if (tooLong) throw validationProblem([{ pointer: '#/query/from', detail: `the range is longer than ${max}` }]);
}

const monthCount = (from: string, to: string): number => {
  let n = 1;
  for (let m = from; m < to && n <= MAX_MONTHS; m = addMonths(m, 1)) n++;
  return n;
};

export const reportRoutes: ApiRoute[] = [
  route({
    method: 'get', path: '/reports/revenue', operationId: 'revenueReport', tag: 'Reports', summary: 'Revenue by month and by plan', permission: 'reports.view',
    description: 'Per month: invoices issued (count, subtotal, tax, total) and payments settled (count, amount). By plan: invoice lines before tax.',
    query: monthQuery,
    response: { status: 200, schema: revenueReport, description: 'The revenue figures' },
    async handler({ query, deps }) {
      const range = monthRange(query, deps.clock.now(), deps.config.ISP_TIME_ZONE);
      checkSpan(query, Boolean(query.from && query.to && query.from <= query.to && monthCount(query.from, query.to) > MAX_MONTHS), `${MAX_MONTHS} months`);
      const [months, byPlan] = await Promise.all([revenueByMonth(deps.db, range, deps.config.ISP_TIME_ZONE), revenueByPlan(deps.db, range)]);
      const sum = (k: 'invoices' | 'subtotal' | 'tax' | 'invoiced' | 'payments' | 'received'): number => months.reduce((s, m) => s + Number(m[k]), 0);
      return {
        body: {
          ...range, months, by_plan: byPlan,
          totals: { invoices: sum('invoices'), subtotal: sum('subtotal'), tax: sum('tax'), invoiced: sum('invoiced'), payments: sum('payments'), received: sum('received') },
        },
      };
    },
  }),
  route({
    method: 'get', path: '/reports/churn', operationId: 'churnReport', tag: 'Reports', summary: 'Churn by month', permission: 'reports.view',
    description: 'Per month: subscriptions active at its start, new, terminated, and churn in basis points of those active at the start (null when none were).',
    query: monthQuery,
    response: {
      status: 200, description: 'The churn figures',
      schema: z.object({
        from: z.string(), to: z.string(),
        months: z.array(z.object({ month: z.string(), active_start: z.number().int(), new: z.number().int(), terminated: z.number().int(), churn_bp: z.number().int().nullable().describe('1 bp = 0.01 %') })),
      }).meta({ id: 'ChurnReport' }),
    },
    async handler({ query, deps }) {
      const range = monthRange(query, deps.clock.now(), deps.config.ISP_TIME_ZONE);
      checkSpan(query, Boolean(query.from && query.to && query.from <= query.to && monthCount(query.from, query.to) > MAX_MONTHS), `${MAX_MONTHS} months`);
      return { body: { ...range, months: await churnByMonth(deps.db, range, deps.config.ISP_TIME_ZONE) } };
    },
  }),
  route({
    method: 'get', path: '/reports/usage', operationId: 'usageReport', tag: 'Reports', summary: 'Top usage by subscription or customer', permission: 'reports.view',
    description: 'The heaviest users of the days [`from`, `to`] (daily totals, usage_daily), heaviest first. Bytes.',
    query: z.object({
      from: day.describe('First day, YYYY-MM-DD'), to: day.describe('Last day, YYYY-MM-DD (inclusive)'),
      by: z.enum(USAGE_GROUPINGS).default('subscription'),
      limit: z.coerce.number().int().refine((v) => (USAGE_LIMITS as readonly number[]).includes(v), `one of ${USAGE_LIMITS.join(', ')}`).default(50),
    }),
    response: {
      status: 200, description: 'The top users',
      schema: z.object({
        from: z.string(), to: z.string(), by: z.enum(USAGE_GROUPINGS),
        rows: z.array(z.object({
          customer_id: z.number().int(), customer_number: z.string(), customer_name: z.string(), subscription_id: z.number().int().nullable(),
          username: z.string().nullable(), plan_name: z.string().nullable(), subscriptions: z.number().int(),
          download: z.number().describe('Bytes to the subscriber'), upload: z.number().describe('Bytes from the subscriber'), total: z.number(),
        })),
      }).meta({ id: 'UsageReport' }),
    },
    async handler({ query, deps }) {
      const range = dayRange(query, deps.clock.now(), deps.config.ISP_TIME_ZONE);
      const days = query.from && query.to ? (Date.parse(query.to) - Date.parse(query.from)) / 86_400_000 + 1 : 0;
      checkSpan(query, days > MAX_DAYS, `${MAX_DAYS} days`);
      const rows = await topUsage(deps.db, range, query.by, query.limit);
      return { body: { ...range, by: query.by, rows: rows.map((r) => ({ ...r, customer_id: Number(r.customer_id), subscription_id: r.subscription_id === null ? null : Number(r.subscription_id) })) } };
    },
  }),
  route({
    method: 'get', path: '/reports/daily-income', operationId: 'dailyIncomeReport', tag: 'Reports', summary: "A day's income by method and by staff member", permission: 'reports.view',
    description: `The payments settled on \`day\` (default today), totalled by method (${PAYMENT_METHODS.join(', ')}) and by who recorded them (a staff id, \`online\` for gateway payments, \`unknown\` for a deleted account).`,
    query: z.object({ day: day.describe('YYYY-MM-DD; default today') }),
    response: { status: 200, schema: dailyIncomeReport, description: "The day's income" },
    async handler({ query, deps }) {
      const today = localDate(deps.clock.now(), deps.config.ISP_TIME_ZONE);
      return { body: toDailyIncome(await dailyIncome(deps.db, query.day ?? today, deps.config.ISP_TIME_ZONE)) };
    },
  }),
  route({
    method: 'get', path: '/reports/aging', operationId: 'receivablesAgingReport', tag: 'Reports', summary: 'Accounts receivable aging', permission: 'reports.view',
    description: 'What each customer owes on open invoices, by days past due (not due, 0–30, 31–60, 61–90, over 90) as of today (ISP time zone), the largest amount past due first, 25 customers a page.',
    query: z.object({ page: z.coerce.number().int().min(1).max(1_000_000).default(1).describe('1-based; past the end: the last page') }),
    response: { status: 200, schema: agingReport, description: 'The aging report' },
    async handler({ query, deps }) {
      const report = await receivablesAging(deps.db, localDate(deps.clock.now(), deps.config.ISP_TIME_ZONE), query.page);
      return { body: { ...report, rows: report.rows.map((r) => ({ ...r, customer_id: Number(r.customer_id) })) } };
    },
  }),
];
