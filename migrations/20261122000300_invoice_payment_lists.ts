import type { Knex } from 'knex';

/**
 * The console's invoice and payment lists at ~300,000 invoices and payments: sorting by issue or
 * due date, total or amount, and by when a payment arrived, the status and method filters, and substring search
 * over invoice numbers and payment references (pg_trgm GIN indexes serve ILIKE '%…%'). Built
 * CONCURRENTLY so a live ISP's invoice run and webhooks keep writing while they build.
 */
export const config = { transaction: false };

const INDEXES: Array<[name: string, definition: string]> = [
  ['invoices_issue_list', 'invoices (issue_date, id)'],
  ['invoices_due_list', 'invoices (due_date, id)'],
  ['invoices_status_issue_list', 'invoices (status, issue_date, id)'],
  ['invoices_total_list', 'invoices (total, id)'],
  ['invoices_number_search', 'invoices USING gin (invoice_number gin_trgm_ops)'],
  ['payments_received_list', 'payments ((coalesce(settled_at, created_at)), id)'],
  ['payments_method_received_list', 'payments (method, (coalesce(settled_at, created_at)), id)'],
  ['payments_status_received_list', 'payments (status, (coalesce(settled_at, created_at)), id)'],
  ['payments_amount_list', 'payments (amount, id)'],
  ['payments_reference_search', 'payments USING gin (payment_search_text(gateway_order_id, reference) gin_trgm_ops)'],
];

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION payment_search_text(gateway_order_id text, reference text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT lower(coalesce(gateway_order_id, '') || ' ' || coalesce(reference, '')) $$`);
  for (const [name, definition] of INDEXES) {
    // A build that failed half-way leaves an invalid index of that name: start again.
    await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
    await knex.raw(`CREATE INDEX CONCURRENTLY ${name} ON ${definition}`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const [name] of INDEXES) await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
  await knex.raw('DROP FUNCTION IF EXISTS payment_search_text(text, text)');
}
