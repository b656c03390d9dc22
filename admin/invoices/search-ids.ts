/**
 * Search for the invoice and payment lists, resolved to ids first. A search matches rows of the
 * list's own table (invoice number, payment reference: a trigram index) or its customer (number,
 * name, phone, e-mail: customers_search). Resolving both to ids and filtering
 * `customer_id = ANY(…) OR id = ANY(…)` lets PostgreSQL OR two bitmap index scans (a name
 * shared by a few customers: a few ms at 300,000 invoices). A broad search (a common first
 * name matching thousands of customers) would make huge id lists: past SEARCH_ID_LIMIT the
 * lists' filter tests each row against hashed subqueries instead, which a scan in the sort order
 * stops early on (300,000 invoices, "budi" matching 10,000 customers: ~60 ms for the page rows).
 */
import type { Knex } from '../../lib/db.js';
import { likePattern } from '../customers/list-customers.js';

export const SEARCH_ID_LIMIT = 2000;

export type SearchMatch =
  | { kind: 'ids'; customerIds: number[]; ownIds: number[] }
  | { kind: 'broad'; pattern: string };

/**
 * @param ownSql `SELECT id FROM <table> WHERE <expr> LIKE ?` for the table's own searchable text
 *   (one `?`, the lower-cased `%…%` pattern).
 */
export async function resolveSearch(db: Knex, q: string, ownSql: string, limit = SEARCH_ID_LIMIT): Promise<SearchMatch> {
  const pattern = likePattern(q);
  const [customers, own] = await Promise.all([
    db.raw(`SELECT id FROM customers WHERE customer_search_text(customer_number, name, phone, email) LIKE ? LIMIT ?`, [pattern, limit + 1]),
    db.raw(`${ownSql} LIMIT ?`, [pattern, limit + 1]),
  ]);
  const customerIds = (customers.rows as Array<{ id: number }>).map((r) => Number(r.id));
  const ownIds = (own.rows as Array<{ id: number }>).map((r) => Number(r.id));
  if (customerIds.length > limit || ownIds.length > limit) return { kind: 'broad', pattern };
  return { kind: 'ids', customerIds, ownIds };
}

/** Adds the search to `b` (alias `alias`, with columns id and customer_id). */
export function applySearch(b: Knex.QueryBuilder, alias: string, match: SearchMatch, ownSql: string): void {
  if (match.kind === 'ids') {
    b.whereRaw(`(${alias}.customer_id = ANY(?::bigint[]) OR ${alias}.id = ANY(?::bigint[]))`, [match.customerIds, match.ownIds]);
  } else {
    b.whereRaw(
      `(${alias}.customer_id IN (SELECT id FROM customers WHERE customer_search_text(customer_number, name, phone, email) LIKE ?)
        OR ${alias}.id IN (${ownSql}))`,
      [match.pattern, match.pattern],
    );
  }
}
