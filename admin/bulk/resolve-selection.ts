/**
 * The ids a bulk form means: the ticked ones, or (with `all=1`) every row the list's own search
 * and filter match, read as the list reads them (the form carries the list's query as hidden
 * fields); either way narrowed to the signed-in staff member's customers (billing/customers/customer-scope.ts)
 * and cut at BULK_MAX rows (`capped` then says so).
 */
import { localDate } from '../../billing/plans/billing-period.js';
import type { Knex } from '../../lib/db.js';
import { everyRow } from '../csv.js';
import { inScope, type CustomerScope } from '../../billing/customers/customer-scope.js';
import { listQuery as customerListQuery } from '../customers/routes.js';
import { listCustomers } from '../customers/list-customers.js';
import type { AdminDeps } from '../deps.js';
import { listQuery as invoiceListQuery } from '../invoices/routes.js';
import { allInvoices } from '../invoices/list-invoices.js';
import { subscriptionIdsMatching, subscriptionListQuery } from '../subscriptions/list-subscriptions.js';
import { BULK_MAX, selectedIds, wantsAll } from './selection.js';

export type BulkList = 'customers' | 'subscriptions' | 'invoices';

const OWNER_COLUMN: Record<BulkList, string> = { customers: 'id', subscriptions: 'customer_id', invoices: 'customer_id' };

async function collect(source: AsyncIterable<{ id: number | string }>, max: number): Promise<number[]> {
  const ids: number[] = [];
  for await (const row of source) {
    ids.push(Number(row.id));
    if (ids.length >= max) break;
  }
  return ids;
}

async function everyMatching(deps: AdminDeps, list: BulkList, body: Record<string, unknown>, scope: CustomerScope): Promise<number[]> {
  const max = BULK_MAX + 1;
  if (list === 'subscriptions') return subscriptionIdsMatching(deps.db, subscriptionListQuery(body, scope), max);
  if (list === 'invoices') return collect(allInvoices(deps.db, invoiceListQuery(body, scope), localDate(deps.clock.now(), deps.config.ISP_TIME_ZONE)), max);
  const query = customerListQuery(body, scope);
  return collect(everyRow((page) => listCustomers(deps.db, { ...query, page }, 1000)), max);
}

/** Keeps the ids of `table` that belong to customers in `scope`, in the given order. */
async function scoped(db: Knex, table: BulkList, ids: number[], scope: CustomerScope): Promise<number[]> {
  if (scope.all || !ids.length) return ids;
  const kept = new Set(((await inScope(db(`${table} as t`).whereIn('t.id', ids).select('t.id'), scope, `t.${OWNER_COLUMN[table]}`)) as Array<{ id: string }>).map((r) => Number(r.id)));
  return ids.filter((id) => kept.has(id));
}

export async function resolveSelection(deps: AdminDeps, list: BulkList, body: Record<string, unknown>, scope: CustomerScope): Promise<{ ids: number[]; capped: boolean }> {
  const raw = wantsAll(body) ? await everyMatching(deps, list, body, scope) : selectedIds(body);
  const ids = await scoped(deps.db, list, raw, scope);
  return { ids: ids.slice(0, BULK_MAX), capped: ids.length > BULK_MAX };
}
