/**
 * Accounting dead letters: Accounting-Requests that can never be stored as sent (an octet total
 * above the int8 range, a row the database refuses with a data or constraint error). Each is
 * kept here with the reason and then acknowledged (aaa/accounting/accounting-writer.ts): RFC 2866
 * §4.1 lets the server answer only what it recorded, and without an answer the NAS would resend
 * the same request forever. `record` is the parsed record as JSON (octet counters as decimal
 * strings: they may exceed 2^53), enough to store it by hand once the cause is fixed.
 *
 * No foreign keys: a letter must be storable whatever it names (a deleted NAS, subscription).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE accounting_dead_letters (
      id bigserial PRIMARY KEY,
      received_at timestamptz NOT NULL DEFAULT now(),
      nas_id bigint,
      nas_ip_address inet NOT NULL,
      -- e.g. input_octets_out_of_range, or db_<SQLSTATE> for a row the database refused.
      reason text NOT NULL,
      -- The database's message, when it refused the row.
      detail text,
      record jsonb NOT NULL
    );
    CREATE INDEX accounting_dead_letters_received ON accounting_dead_letters (received_at DESC);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE accounting_dead_letters;');
}
