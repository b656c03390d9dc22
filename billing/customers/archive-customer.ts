/**
 * A staff member archives a customer who left: the record stays (invoices, payments, sessions
 * and the audit keep pointing at it, reports count it) but it is hidden from the default
 * customer list and search (admin/customers/list-customers.ts shows it under the `archived`
 * filter). Refused while anything is open, so nothing is forgotten in the archive:
 * - `money_open`: an invoice is unpaid (open, partially paid, overdue) or the ledger balance is
 *   not zero (debt to collect, or credit to refund first);
 * - `subscription_live`: a subscription is not terminated (terminate it first:
 *   billing/subscriptions/terminate-subscription.ts).
 * Taken under the customer's money lock, so a payment cannot land between the check and the
 * archive. Audited (`customer_archived`).
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import { ledgerBalance, lockCustomer } from '../ledger/customer-balance.js';

export type ArchiveOutcome =
  | { ok: true }
  | { ok: false; code: 'not_found' | 'already_archived' }
  | { ok: false; code: 'money_open'; openInvoices: string[]; balance: number }
  | { ok: false; code: 'subscription_live'; usernames: string[] };

export async function archiveCustomer(deps: { db: Knex; clock: Clock }, input: { customerId: number; actor: AuditActor }): Promise<ArchiveOutcome> {
  return deps.db.transaction(async (trx): Promise<ArchiveOutcome> => {
    if (!(await lockCustomer(trx, input.customerId))) return { ok: false, code: 'not_found' };
    const customer = await trx('customers').where({ id: input.customerId }).first('archived_at');
    if (customer.archived_at) return { ok: false, code: 'already_archived' };
    const open = await trx('invoices').where({ customer_id: input.customerId }).whereIn('status', ['open', 'partially_paid', 'overdue'])
      .orderBy('id').select('id', 'invoice_number');
    const balance = await ledgerBalance(trx, input.customerId);
    if (open.length || balance !== 0) {
      return { ok: false, code: 'money_open', openInvoices: open.map((i: { id: number; invoice_number: string | null }) => i.invoice_number ?? `#${i.id}`), balance };
    }
    const live = await trx('subscriptions').where({ customer_id: input.customerId }).whereNot('status', 'terminated').orderBy('id').pluck('username');
    if (live.length) return { ok: false, code: 'subscription_live', usernames: live as string[] };
    const now = deps.clock.now();
    await trx('customers').where({ id: input.customerId }).update({ archived_at: now, version: trx.raw('version + 1') });
    await recordAudit(trx, input.actor, { action: 'customer_archived', objectType: 'customer', objectId: input.customerId, before: { archivedAt: null }, after: { archivedAt: now.toISOString() } });
    return { ok: true };
  });
}
