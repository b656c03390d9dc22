/**
 * Reads an uploaded bank statement (CSV, one of statement-layouts.ts) into its credit lines, each
 * with an identity (`key`) that is the same every time the same transaction is read again, from
 * this file or a later export that overlaps it: SHA-256 over bank, date, description, amount,
 * balance after the line and its occurrence among identical lines of the file (two equal
 * transfers on one day without a balance column are two lines). Debit lines (the ISP's own
 * spending) and not-yet-posted lines (BCA `PEND`: they get a date and a different identity once
 * posted) are skipped, and counted.
 */
import crypto from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { AppError } from '../../../lib/errors.js';
import { parseStatementAmount, directionOf, type Direction } from './statement-amount.js';
import { LAYOUTS, normaliseHeader, type Bank, type Layout } from './statement-layouts.js';

export interface StatementLine {
  /** Local date YYYY-MM-DD the bank posted it. */
  postedOn: string;
  description: string;
  /** Positive; 1/100 rupiah. */
  amountSen: number;
  /** Balance after the line, sen, when the export has one. */
  balanceSen: number | null;
  /** Hex SHA-256 identity (see above). */
  key: string;
}

export interface ParsedStatement {
  bank: Bank;
  lines: StatementLine[];
  /** Debit, pending, zero or unreadable rows left out. */
  skipped: number;
}

const clean = (cell: string | undefined): string => (cell ?? '').replace(/^'/, '').trim();

/** A date cell → YYYY-MM-DD, or null. `period` gives BCA's missing year ([startYear, endYear, endMonth]). */
function dateOf(cell: string, order: Layout['dateOrder'], period: [number, number, number] | null): string | null {
  const c = clean(cell);
  let y: number;
  let m: number;
  let d: number;
  if (order === 'ymd') {
    const r = /^(\d{4})-(\d{2})-(\d{2})/.exec(c);
    if (!r) return null;
    [y, m, d] = [Number(r[1]), Number(r[2]), Number(r[3])];
  } else if (order === 'dmy') {
    const r = /^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})\b/.exec(c);
    if (!r) return null;
    [d, m, y] = [Number(r[1]), Number(r[2]), Number(r[3]!.length === 2 ? `20${r[3]}` : r[3])];
  } else {
    const r = /^(\d{2})\/(\d{2})$/.exec(c);
    if (!r || !period) return null;
    [d, m] = [Number(r[1]), Number(r[2])];
    y = m > period[2] ? period[0] : period[1]; // a statement spanning New Year
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/**
 * Parses `content` as `bank`'s export.
 * @throws AppError `statement_layout` (400) when no header row of that bank's layout is found
 *   (the wrong bank chosen, or not a statement), `statement_unreadable` (400) for broken CSV.
 */
export function parseBankStatement(bank: Bank, content: Buffer): ParsedStatement {
  const layout = LAYOUTS[bank];
  let rows: string[][];
  try {
    rows = parse(content.toString('utf8').replace(/^\uFEFF/, ''), {
      delimiter: layout.delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true,
    }) as string[][];
  } catch (err) {
    throw new AppError('statement_unreadable', `the file is not a readable CSV: ${(err as Error).message.slice(0, 200)}`, 400);
  }
  const headerAt = rows.findIndex((r) => {
    const names = r.map(normaliseHeader);
    return layout.header.every((h) => names.includes(h));
  });
  if (headerAt < 0) throw new AppError('statement_layout', `no ${bank.toUpperCase()} statement header found`, 400);
  const names = rows[headerAt]!.map(normaliseHeader);
  const col = (name: string): number => names.indexOf(name);
  const preamble = rows.slice(0, headerAt).map((r) => r.join(' ')).join('\n');
  const p = /(\d{2})\/(\d{2})\/(\d{4})\s*-\s*(\d{2})\/(\d{2})\/(\d{4})/.exec(preamble);
  const period: [number, number, number] | null = p ? [Number(p[3]), Number(p[6]), Number(p[5])] : null;

  const lines: StatementLine[] = [];
  const seen = new Map<string, number>();
  let skipped = 0;
  for (const row of rows.slice(headerAt + 1)) {
    const postedOn = dateOf(row[col(layout.date)] ?? '', layout.dateOrder, period);
    let sen = 0;
    let direction: Direction | null = null;
    if (layout.amount) {
      const a = parseStatementAmount(row[col(layout.amount.column)] ?? '');
      const markerAt = layout.amount.marker === 'next' ? col(layout.amount.column) + 1 : col(layout.amount.marker);
      sen = a?.sen ?? 0;
      direction = directionOf(clean(row[markerAt])) ?? a?.direction ?? null;
    } else {
      const credit = parseStatementAmount(row[col(layout.credit!)] ?? '')?.sen ?? 0;
      const debit = parseStatementAmount(row[col(layout.debit!)] ?? '')?.sen ?? 0;
      if (credit > 0 && debit === 0) [sen, direction] = [credit, 'CR'];
      else if (debit > 0 && credit === 0) [sen, direction] = [debit, 'DB'];
    }
    if (!postedOn || direction !== 'CR' || sen <= 0) {
      skipped += 1; // a debit, a pending (BCA PEND) or footer row, or one we cannot read
      continue;
    }
    const description = layout.description.map((d) => clean(row[col(d)])).filter(Boolean).join(' ').replace(/\s+/g, ' ').slice(0, 500);
    const balanceSen = layout.balance && col(layout.balance) >= 0 ? (parseStatementAmount(row[col(layout.balance)] ?? '')?.sen ?? null) : null;
    const identity = [bank, postedOn, description, sen, balanceSen ?? ''].join('\u001f');
    const n = (seen.get(identity) ?? 0) + 1;
    seen.set(identity, n);
    lines.push({ postedOn, description, amountSen: sen, balanceSen, key: crypto.createHash('sha256').update(`${identity}\u001f${n}`).digest('hex') });
  }
  return { bank, lines, skipped };
}
