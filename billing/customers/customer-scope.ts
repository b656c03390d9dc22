/**
 * Which customers a signed-in staff member reaches (ARCHITECTURE.md "Roles"): everyone, or, for an
 * area-scoped role (lib/permissions.ts AREA_SCOPED_ROLES: the collector), only the customers
 * whose `area` is one of the areas assigned to them in `staff_areas` (none assigned: nobody).
 *
 * The scope is loaded with the staff member on every request (admin/context.ts loadStaff puts it
 * on `ctx.state.staff.scope`), so an area taken away applies at the next request. Lists narrow
 * their query with `inScope`; a page or action about one customer, invoice, payment or
 * subscription asks `requireInScope`, which answers 404 for a row outside the scope exactly as
 * for one that does not exist (a collector learns nothing about other areas' ids).
 */
import type { Knex } from '../../lib/db.js';
import { AppError } from '../../lib/errors.js';
import { AREA_SCOPED_ROLES, type StaffRole } from '../../lib/permissions.js';

/** `all`: every customer; otherwise the customers of `areas` only. */
export type CustomerScope = { all: true } | { all: false; areas: readonly string[] };

export const ALL_CUSTOMERS: CustomerScope = { all: true };

/** The scope of staff member `staff` (one query for an area-scoped role, none for the others). */
export async function loadCustomerScope(db: Knex, staff: { id: number; role: string }): Promise<CustomerScope> {
  if (!AREA_SCOPED_ROLES.has(staff.role as StaffRole)) return ALL_CUSTOMERS;
  const rows = (await db('staff_areas').where({ staff_user_id: staff.id }).orderBy('area').select('area')) as Array<{ area: string }>;
  return { all: false, areas: rows.map((r) => r.area) };
}

/**
 * Narrows `query` to the customers in `scope`: `customerId` names the column that holds the
 * customer's id in it (`c.id`, `p.customer_id`). Returns the same builder.
 */
export function inScope<Q extends Knex.QueryBuilder>(query: Q, scope: CustomerScope, customerId: string): Q {
  if (scope.all) return query;
  return query.whereRaw(`${customerId} IN (SELECT id FROM customers WHERE area = ANY(?::text[]))`, [[...scope.areas]]) as Q;
}

/** The tables whose rows belong to one customer, and the column naming it. */
const OWNER: Record<'customers' | 'invoices' | 'payments' | 'subscriptions', string> = {
  customers: 'id', invoices: 'customer_id', payments: 'customer_id', subscriptions: 'customer_id',
};

/**
 * Whether row `id` of `table` belongs to a customer in `scope` (true without a query for `all`,
 * so the route's own lookup still decides whether the row exists).
 */
export async function isInScope(db: Knex, scope: CustomerScope, table: keyof typeof OWNER, id: number): Promise<boolean> {
  if (scope.all) return true;
  if (!scope.areas.length) return false;
  const row = await db(`${table} as t`).join('customers as c', 'c.id', `t.${OWNER[table]}`)
    .where('t.id', id).whereRaw('c.area = ANY(?::text[])', [[...scope.areas]]).first('t.id');
  return Boolean(row);
}

/** @throws AppError `not_found` (404) when row `id` of `table` is outside `scope` (or does not exist, for a scoped staff member). */
export async function requireInScope(db: Knex, scope: CustomerScope, table: keyof typeof OWNER, id: number): Promise<void> {
  if (!(await isInScope(db, scope, table, id))) throw new AppError('not_found', 'not_found', 404);
}
