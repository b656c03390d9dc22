/**
 * Reports (reports.view: admin and cashier): the day's income by method and by staff member
 * (daily-income.ts), revenue by month and by plan, accounts receivable aging, churn per month,
 * top usage; each a page at /admin/reports/<name> and a CSV of the same
 * figures at /admin/reports/<name>.csv (amounts in integer rupiah, bytes as integers). Ranges are
 * in the query string (report-range.ts), so a page can be bookmarked and its CSV link carries
 * the same range. A staff member's deposit for a day (setoran, cash-deposit.ts) is a print page
 * at /admin/reports/daily/deposit?staff=ID&day=YYYY-MM-DD: one's own with payments.record,
 * anyone's with deposits.view.
 *
 * Every report and CSV reads `deps.replicaDb` (DATABASE_REPLICA_URL when set: SCALING.md), so a
 * year of figures never loads the primary; the deposit page reads the primary, as a cashier
 * prints it right after recording the day's last cash payment.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { localDate } from '../../billing/plans/billing-period.js';
import { AppError } from '../../lib/errors.js';
import { t } from '../../lib/i18n.js';
import { guard, type AdminState } from '../context.js';
import { streamCsv } from '../csv.js';
import type { AdminDeps } from '../deps.js';
import { printPage } from '../invoices/print-views.js';
import { idParam, queryValue } from '../../lib/http/request.js';
import { canOpenDeposit, cashDeposit } from './cash-deposit.js';
import { homePath } from '../../lib/permissions.js';
import { chartJson } from './chart.js';
import { churnByMonth, percentDigits } from '../../billing/reports/churn-report.js';
import { agingRows, receivablesAging } from '../../billing/reports/receivables-aging.js';
import { dayRange, monthLabel, monthRange, type DayRange, type MonthRange } from '../../billing/reports/report-range.js';
import { dailyIncome, type DailyIncome } from '../../billing/reports/daily-income.js';
import { revenueByMonth, revenueByPlan } from '../../billing/reports/revenue-report.js';
import { topUsage, USAGE_GROUPINGS, USAGE_LIMITS, type UsageGrouping } from '../../billing/reports/top-usage.js';

type Ctx = Koa.ParameterizedContext<AdminState>;

const REPORTS = ['daily', 'revenue', 'aging', 'churn', 'usage'] as const;

/** `from=…&to=…` (and more) for the links of a page. */
const params = (values: object): string =>
  new URLSearchParams(Object.entries(values).map(([k, v]): [string, string] => [k, String(v)])).toString();

function usageQuery(ctx: Ctx): { by: UsageGrouping; limit: number } {
  const by = queryValue(ctx.query.by, 20);
  const limit = Number(queryValue(ctx.query.limit, 5));
  return {
    by: (USAGE_GROUPINGS as readonly string[]).includes(by) ? (by as UsageGrouping) : 'subscription',
    limit: (USAGE_LIMITS as readonly number[]).includes(limit) ? limit : 50,
  };
}

export function createReportRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  // Read per request: the route list is also built without dependencies (admin-authorization test).
  const months = (ctx: Ctx): MonthRange => monthRange(ctx.query, deps.clock.now(), deps.config.ISP_TIME_ZONE);
  const days = (ctx: Ctx): DayRange => dayRange(ctx.query, deps.clock.now(), deps.config.ISP_TIME_ZONE);
  const today = (): string => localDate(deps.clock.now(), deps.config.ISP_TIME_ZONE);
  // `day=YYYY-MM-DD` as a one-day range: a missing or malformed day is today.
  const dayOf = (ctx: Ctx): string => dayRange({ from: ctx.query.day, to: ctx.query.day }, deps.clock.now(), deps.config.ISP_TIME_ZONE).to;
  const staffLabel = (ctx: Ctx, s: DailyIncome['byStaff'][number]): string =>
    typeof s.staff === 'number' ? (s.name ?? '') : t(ctx.state.locale, `reports.daily.staff_${s.staff}`);
  const page = (ctx: Ctx, name: (typeof REPORTS)[number], data: Record<string, unknown>): void =>
    deps.render(ctx, `admin/reports/${name}`, { title: t(ctx.state.locale, `reports.${name}.title`), report: name, reports: REPORTS, ...data });

  r.get('/admin/reports', ...guard('reports.view'), (ctx) => {
    deps.render(ctx, 'admin/reports/index', { title: t(ctx.state.locale, 'nav.reports'), reports: REPORTS });
  });

  r.get('/admin/reports/daily', ...guard('reports.view'), async (ctx) => {
    const day = dayOf(ctx);
    const income = await dailyIncome(deps.replicaDb, day, deps.config.ISP_TIME_ZONE);
    const viewer = ctx.state.staff!;
    page(ctx, 'daily', {
      ...income,
      byStaff: income.byStaff.map((s) => ({
        ...s, label: staffLabel(ctx, s),
        deposit: typeof s.staff === 'number' && canOpenDeposit(viewer, s.staff) ? `/admin/reports/daily/deposit?${params({ staff: s.staff, day })}` : null,
      })),
      payments: income.payments.map((p) => ({ ...p, recordedBy: p.staffName ?? t(ctx.state.locale, `reports.daily.staff_${p.method === 'cash' || p.method === 'bank_transfer' ? 'unknown' : 'online'}`) })),
      csv: `/admin/reports/daily.csv?${params({ day })}`,
    });
  });

  r.get('/admin/reports/daily.csv', ...guard('reports.view'), async (ctx) => {
    const day = dayOf(ctx);
    const income = await dailyIncome(deps.replicaDb, day, deps.config.ISP_TIME_ZONE);
    await streamCsv(ctx, `daily-income-${day}.csv`,
      ['time', 'receipt_number', 'customer_number', 'customer_name', 'invoices', 'amount', 'method', 'recorded_by'],
      async function* () {
        yield* income.payments.map((p) => [`${day} ${p.time}`, p.receiptNumber, p.customerNumber, p.customerName, p.invoices.join(' '), p.amount, p.method,
          p.staffName ?? (p.method === 'cash' || p.method === 'bank_transfer' ? 'unknown' : 'online')]);
      });
  });

  r.get('/admin/reports/daily/deposit', ...guard('payments.record'), async (ctx) => {
    const viewer = ctx.state.staff!;
    const staffId = ctx.query.staff === undefined ? viewer.id : idParam(queryValue(ctx.query.staff, 15));
    if (!canOpenDeposit(viewer, staffId)) throw new AppError('forbidden', 'forbidden', 403);
    const deposit = await cashDeposit(deps.db, staffId, dayOf(ctx), deps.config.ISP_TIME_ZONE);
    if (!deposit) throw new AppError('not_found', 'not_found', 404);
    printPage(ctx, deps, 'admin/reports/deposit', {
      title: `${t(ctx.state.locale, 'reports.deposit.title')} ${deposit.staff.name} ${deposit.day}`, deposit,
      back: viewer.permissions.has('reports.view') ? `/admin/reports/daily?${params({ day: deposit.day })}` : homePath(viewer.permissions),
      printedAt: deps.clock.now(),
    });
  });

  r.get('/admin/reports/revenue', ...guard('reports.view'), async (ctx) => {
    const range = months(ctx);
    const locale = ctx.state.locale;
    const [byMonth, byPlan] = await Promise.all([revenueByMonth(deps.replicaDb, range, deps.config.ISP_TIME_ZONE), revenueByPlan(deps.replicaDb, range)]);
    const rows = byMonth.map((m) => ({ ...m, label: monthLabel(m.month, locale) }));
    const sum = (key: 'invoices' | 'subtotal' | 'tax' | 'invoiced' | 'payments' | 'received'): number => byMonth.reduce((s, m) => s + m[key], 0);
    page(ctx, 'revenue', {
      range, rows, byPlan,
      totals: { invoices: sum('invoices'), subtotal: sum('subtotal'), tax: sum('tax'), invoiced: sum('invoiced'), payments: sum('payments'), received: sum('received') },
      planTotal: byPlan.reduce((s, p) => s + p.amount, 0),
      chart: chartJson({
        type: 'bar',
        labels: rows.map((m) => m.label),
        series: [
          { label: t(locale, 'reports.revenue.invoiced'), data: rows.map((m) => m.invoiced) },
          { label: t(locale, 'reports.revenue.received'), data: rows.map((m) => m.received) },
        ],
        money: true,
      }),
      csv: `/admin/reports/revenue.csv?${params(range)}`,
      plansCsv: `/admin/reports/revenue-plans.csv?${params(range)}`,
    });
  });

  r.get('/admin/reports/revenue.csv', ...guard('reports.view'), async (ctx) => {
    const range = months(ctx);
    const rows = await revenueByMonth(deps.replicaDb, range, deps.config.ISP_TIME_ZONE);
    await streamCsv(ctx, `revenue-${range.from}-${range.to}.csv`,
      ['month', 'invoices', 'subtotal', 'tax', 'invoiced', 'payments', 'received'],
      async function* () { yield* rows.map((m) => [m.month, m.invoices, m.subtotal, m.tax, m.invoiced, m.payments, m.received]); });
  });

  r.get('/admin/reports/revenue-plans.csv', ...guard('reports.view'), async (ctx) => {
    const range = months(ctx);
    const rows = await revenueByPlan(deps.replicaDb, range);
    const other = t(ctx.state.locale, 'reports.revenue.other_lines');
    await streamCsv(ctx, `revenue-by-plan-${range.from}-${range.to}.csv`, ['plan', 'lines', 'amount_before_tax'],
      async function* () { yield* rows.map((p) => [p.plan_name ?? other, p.lines, p.amount]); });
  });

  r.get('/admin/reports/aging', ...guard('reports.view'), async (ctx) => {
    const report = await receivablesAging(deps.replicaDb, today(), Number.parseInt(queryValue(ctx.query.page, 9), 10) || 1);
    page(ctx, 'aging', {
      ...report,
      prev: report.page > 1 ? params({ page: report.page - 1 }) : null,
      next: report.page < report.pages ? params({ page: report.page + 1 }) : null,
      csv: '/admin/reports/aging.csv',
    });
  });

  r.get('/admin/reports/aging.csv', ...guard('reports.view'), async (ctx) => {
    const day = today();
    await streamCsv(ctx, `receivables-aging-${day}.csv`,
      ['customer_number', 'name', 'phone', 'invoices', 'not_due', 'days_0_30', 'days_31_60', 'days_61_90', 'days_over_90', 'total', 'oldest_days_past_due'],
      async function* () {
        for await (const a of agingRows(deps.replicaDb, day)) {
          yield [a.customer_number, a.name, a.phone ?? '', a.invoices, a.not_due, a.d0_30, a.d31_60, a.d61_90, a.d90_plus, a.total, a.oldest_days];
        }
      });
  });

  r.get('/admin/reports/churn', ...guard('reports.view'), async (ctx) => {
    const range = months(ctx);
    const locale = ctx.state.locale;
    const rows = (await churnByMonth(deps.replicaDb, range, deps.config.ISP_TIME_ZONE)).map((m) => ({
      ...m, label: monthLabel(m.month, locale), rate: m.churn_bp === null ? '' : `${percentDigits(m.churn_bp, locale === 'en' ? '.' : ',')} %`,
    }));
    page(ctx, 'churn', {
      range, rows,
      totals: { new: rows.reduce((s, m) => s + m.new, 0), terminated: rows.reduce((s, m) => s + m.terminated, 0) },
      csv: `/admin/reports/churn.csv?${params(range)}`,
    });
  });

  r.get('/admin/reports/churn.csv', ...guard('reports.view'), async (ctx) => {
    const range = months(ctx);
    const rows = await churnByMonth(deps.replicaDb, range, deps.config.ISP_TIME_ZONE);
    await streamCsv(ctx, `churn-${range.from}-${range.to}.csv`, ['month', 'active_at_start', 'new', 'terminated', 'churn_rate_percent'],
      async function* () { yield* rows.map((m) => [m.month, m.active_start, m.new, m.terminated, percentDigits(m.churn_bp)]); });
  });

  r.get('/admin/reports/usage', ...guard('reports.view'), async (ctx) => {
    const range = days(ctx);
    const q = usageQuery(ctx);
    const rows = await topUsage(deps.replicaDb, range, q.by, q.limit);
    page(ctx, 'usage', {
      range, ...q, rows: rows.map((u, i) => ({ ...u, rank: i + 1 })),
      groupings: USAGE_GROUPINGS, limits: USAGE_LIMITS,
      csv: `/admin/reports/usage.csv?${params({ ...range, ...q })}`,
    });
  });

  r.get('/admin/reports/usage.csv', ...guard('reports.view'), async (ctx) => {
    const range = days(ctx);
    const q = usageQuery(ctx);
    const rows = await topUsage(deps.replicaDb, range, q.by, q.limit);
    await streamCsv(ctx, `top-usage-${q.by}-${range.from}-${range.to}.csv`,
      ['rank', 'customer_number', 'customer_name', 'username', 'plan', 'subscriptions', 'download_bytes', 'upload_bytes', 'total_bytes'],
      async function* () {
        yield* rows.map((u, i) => [i + 1, u.customer_number, u.customer_name, u.username ?? '', u.plan_name ?? '', u.subscriptions, u.download, u.upload, u.total]);
      });
  });

  return r;
}
