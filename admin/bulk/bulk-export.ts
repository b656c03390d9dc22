/**
 * CSV of the rows ticked on a list (or every row of its filter): the same columns as the list's
 * own CSV link, streamed through admin/csv.ts (`everyRow` over pages of 1,000 ids, so thousands
 * of rows are never held at once). Customer and subscription exports carry names and phones:
 * audited as `customers_exported`, like the customer list's CSV.
 */
import type Koa from 'koa';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { everyRow, streamCsv } from '../csv.js';

const PAGE = 1000;

type Cell = string | number | null;

/** Pages of `ids`, each read by `read` (for everyRow). */
function pagesOf<R>(ids: number[], read: (chunk: number[]) => Promise<R[]>): (page: number) => Promise<{ rows: R[]; pages: number }> {
  const pages = Math.max(1, Math.ceil(ids.length / PAGE));
  return async (page) => ({ rows: await read(ids.slice((page - 1) * PAGE, page * PAGE)), pages });
}

const COLUMNS = {
  customers: ['customer_number', 'name', 'phone', 'subscriptions', 'statuses', 'balance'],
  subscriptions: ['username', 'customer_number', 'customer_name', 'plan', 'status', 'service_type'],
  invoices: ['invoice_number', 'customer_number', 'customer_name', 'status', 'issue_date', 'due_date', 'total', 'amount_paid', 'owed'],
} as const;

export type ExportList = keyof typeof COLUMNS;

function reader(db: Knex, list: ExportList): (chunk: number[]) => Promise<Cell[][]> {
  if (list === 'customers') {
    return async (chunk) => (await db('customers as c').whereIn('c.id', chunk).orderBy('c.id').select(
      'c.customer_number', 'c.name', 'c.phone',
      db.raw(`(SELECT string_agg(s.username, ', ' ORDER BY s.id) FROM subscriptions s WHERE s.customer_id = c.id) AS usernames`),
      db.raw(`(SELECT string_agg(DISTINCT s.status, ' ') FROM subscriptions s WHERE s.customer_id = c.id) AS statuses`),
      db.raw(`(SELECT coalesce(sum(l.amount), 0) FROM ledger_entries l WHERE l.customer_id = c.id) AS balance`),
    )).map((r: Record<string, string | null>) => [r.customer_number!, r.name!, r.phone ?? '', r.usernames ?? '', r.statuses ?? '', Number(r.balance)]);
  }
  if (list === 'subscriptions') {
    return async (chunk) => (await db('subscriptions as s').join('customers as c', 'c.id', 's.customer_id').join('plans as p', 'p.id', 's.plan_id')
      .whereIn('s.id', chunk).orderBy('s.id', 'desc').select('s.username', 'c.customer_number', 'c.name', 'p.name as plan', 's.status', 's.service_type'))
      .map((r: Record<string, string>) => [r.username!, r.customer_number!, r.name!, r.plan!, r.status!, r.service_type!]);
  }
  return async (chunk) => (await db('invoices as i').join('customers as c', 'c.id', 'i.customer_id').whereIn('i.id', chunk).orderBy('i.id', 'desc')
    .select('i.invoice_number', 'c.customer_number', 'c.name', 'i.status', 'i.total', 'i.amount_paid',
      db.raw(`coalesce(to_char(i.issue_date, 'YYYY-MM-DD'), '') AS issue_date, coalesce(to_char(i.due_date, 'YYYY-MM-DD'), '') AS due_date`)))
    .map((r: Record<string, string>) => {
      const owed = ['open', 'partially_paid', 'overdue'].includes(r.status!) ? Number(r.total) - Number(r.amount_paid) : 0;
      return [r.invoice_number ?? '', r.customer_number!, r.name!, r.status!, r.issue_date!, r.due_date!, Number(r.total), Number(r.amount_paid), owed];
    });
}

/** Streams the CSV of `ids` of `list`; audits customer and subscription exports. */
export async function exportSelected(ctx: Koa.Context, deps: { db: Knex; day: string; actor: AuditActor }, list: ExportList, ids: number[]): Promise<void> {
  if (list !== 'invoices') {
    await recordAudit(deps.db, deps.actor, { action: 'customers_exported', objectType: 'customer', objectId: null, after: { list, selected: ids.length } });
  }
  const read = reader(deps.db, list);
  await streamCsv(ctx, `${list}-${deps.day}.csv`, [...COLUMNS[list]], () => everyRow(pagesOf(ids, read)));
}
