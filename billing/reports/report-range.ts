/**
 * The ranges reports are asked for, read from the query string: months (`from=2026-01&to=2026-11`,
 * both included) or days (`from=2026-10-23&to=2026-11-21`, both included), local to the ISP time
 * zone. A missing or malformed bound takes its default (this year; the last 30 days); reversed
 * bounds are swapped; a range longer than the report allows is cut from its start.
 */
import { addDays, localDate } from '../plans/billing-period.js';
import { queryValue } from '../../lib/http/request.js';

/** A month as `YYYY-MM`. */
export interface MonthRange { from: string; to: string }
/** Days as `YYYY-MM-DD`. */
export interface DayRange { from: string; to: string }

export const MAX_MONTHS = 120;
export const MAX_DAYS = 366;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const monthIndex = (m: string): number => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const monthOf = (i: number): string => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;

/** `month` plus `n` months (YYYY-MM). */
export function addMonths(month: string, n: number): string {
  return monthOf(monthIndex(month) + n);
}

/** A real calendar day (2026-02-30 is not). */
const isDay = (v: string): boolean => DAY.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;

/** @param now the clock's time; `timeZone` the ISP's. Default: January to this month. */
export function monthRange(query: Record<string, unknown>, now: Date, timeZone: string): MonthRange {
  const thisMonth = localDate(now, timeZone).slice(0, 7);
  const read = (v: unknown, fallback: string): string => (MONTH.test(queryValue(v, 7)) ? queryValue(v, 7) : fallback);
  let from = read(query.from, `${thisMonth.slice(0, 4)}-01`);
  let to = read(query.to, thisMonth);
  if (from > to) [from, to] = [to, from];
  if (monthIndex(to) - monthIndex(from) >= MAX_MONTHS) from = addMonths(to, 1 - MAX_MONTHS);
  return { from, to };
}

/** @param now the clock's time; `timeZone` the ISP's. Default: the last 30 days, today included. */
export function dayRange(query: Record<string, unknown>, now: Date, timeZone: string): DayRange {
  const today = localDate(now, timeZone);
  const read = (v: unknown, fallback: string): string => (isDay(queryValue(v, 10)) ? queryValue(v, 10) : fallback);
  let from = read(query.from, addDays(today, -29));
  let to = read(query.to, today);
  if (from > to) [from, to] = [to, from];
  if (addDays(from, MAX_DAYS - 1) < to) from = addDays(to, 1 - MAX_DAYS);
  return { from, to };
}

/** Month labels for tables and charts: `Aug 2026` (English), `Agu 2026` (Indonesian). */
export function monthLabel(month: string, locale: 'id' | 'en'): string {
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-US' : 'id-ID', { month: 'short', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(`${month}-01T00:00:00Z`));
}
