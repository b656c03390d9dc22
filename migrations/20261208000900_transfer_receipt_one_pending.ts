/**
 * One transfer receipt waiting per invoice (issue 14, item 4; portal/account/bank-transfer-routes.ts):
 * a customer who sends a second receipt while the first is still pending is told to wait for
 * staff, and two uploads at the same moment cannot both be stored (the second insert fails with
 * 23505 and gets the same message). Decided receipts (approved, rejected) are not limited.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE UNIQUE INDEX transfer_receipts_one_pending ON transfer_receipts (invoice_id) WHERE status = 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX transfer_receipts_one_pending`);
}
