import type { Knex } from 'knex';

/**
 * Range reads for the dashboard and the reports, so each reads the rows of its range and not the
 * whole history:
 * - accounting_sessions_stopped: sessions stopped since a time (online sessions over the last 24 h:
 *   the open sessions plus these), start_time included for an index-only read;
 * - accounting_sessions_nas_stopped: a NAS's last stopped session (its last accounting packet once
 *   no session is open), one index probe per NAS;
 * - payments_settled: payments received per month;
 * - invoices_issued: invoices issued per month (status, amounts included);
 * - usage_daily_day: traffic in a date range (top usage).
 * What they cost: the two accounting indexes hold stopped sessions only, so a Start (insert) and an
 * Interim (a HOT update of counters and update_time) touch neither; each Stop adds one entry to
 * each. usage_daily_day gets one entry per subscription and day (its upserts stay HOT).
 * CONCURRENTLY: accounting and payments keep being written while an existing database builds them.
 */
export const config = { transaction: false };

const INDEXES: Array<[name: string, definition: string]> = [
  ['accounting_sessions_stopped', 'accounting_sessions (stop_time) INCLUDE (start_time) WHERE stop_time IS NOT NULL'],
  ['accounting_sessions_nas_stopped', 'accounting_sessions (nas_ip_address, stop_time) WHERE stop_time IS NOT NULL'],
  ['payments_settled', "payments (settled_at) INCLUDE (amount) WHERE status = 'settled'"],
  ['invoices_issued', "invoices (issue_date) INCLUDE (subtotal, tax_amount, total) WHERE status NOT IN ('draft', 'void')"],
  ['usage_daily_day', 'usage_daily (day)'],
];

export async function up(knex: Knex): Promise<void> {
  for (const [name, definition] of INDEXES) {
    // A build that failed half-way leaves an invalid index of that name: start again.
    await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
    await knex.raw(`CREATE INDEX CONCURRENTLY ${name} ON ${definition}`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const [name] of INDEXES) await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
}
