/**
 * Billing periods: the period of a subscription that contains a given instant, computed in the
 * ISP's time zone. A monthly period starts on the anchor day (1-28) of a month; quarterly and
 * yearly periods start on the anchor day every 3 and 12 months counted from the month the
 * subscription started; `days` cycles (prepaid) run back to back from the start date.
 */

export type BillingCycle = 'monthly' | 'quarterly' | 'yearly' | 'days';

export interface Period {
  /** First day of the period, YYYY-MM-DD in the ISP time zone. */
  start: string;
  /** First day after the period (exclusive), YYYY-MM-DD. */
  end: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of `at` in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f.format(at);
}

function ymd(y: number, m: number, d: number): string {
  const date = new Date(Date.UTC(y, m, d));
  return date.toISOString().slice(0, 10);
}

/** Local date `day` plus `n` days (YYYY-MM-DD). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Days from local date `a` to `b` (negative when b is before a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * The billing period containing local date `today`.
 * @param anchorDay 1-28
 * @param startDate the subscription's first local date (anchors quarterly/yearly/day cycles)
 * @param cycleDays required for `days`
 * @throws RangeError on an anchor day outside 1-28 or a `days` cycle without cycleDays
 */
export function periodContaining(
  today: string,
  cycle: BillingCycle,
  anchorDay: number,
  startDate: string,
  cycleDays?: number | null,
): Period {
  if (!Number.isInteger(anchorDay) || anchorDay < 1 || anchorDay > 28) throw new RangeError(`anchor day ${anchorDay} is not 1-28`);
  if (cycle === 'days') {
    if (!cycleDays || cycleDays < 1) throw new RangeError('a days cycle needs cycleDays');
    const n = Math.max(0, Math.floor(daysBetween(startDate, today) / cycleDays));
    const start = addDays(startDate, n * cycleDays);
    return { start, end: addDays(start, cycleDays) };
  }
  const months = cycle === 'monthly' ? 1 : cycle === 'quarterly' ? 3 : 12;
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const [sy, sm] = startDate.split('-').map(Number) as [number, number];
  // Months since the start month, back one when today is before the anchor day.
  let index = (ty - sy) * 12 + (tm - sm) - (td < anchorDay ? 1 : 0);
  index = Math.floor(index / months) * months;
  const start = ymd(sy, sm - 1 + index, anchorDay);
  const end = ymd(sy, sm - 1 + index + months, anchorDay);
  return { start, end };
}

/** A local date (YYYY-MM-DD) as invoice lines write it: `21/11/2026`. */
export function ddmmyyyy(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}

/** The days of the period [start, end) as invoice lines write them: `21/11/2026 – 20/12/2026` (the last day inclusive). */
export function periodSpan(start: string, end: string): string {
  return `${ddmmyyyy(start)} – ${ddmmyyyy(addDays(end, -1))}`;
}
