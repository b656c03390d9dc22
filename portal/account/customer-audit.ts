/**
 * Audit rows for what a customer changes in the self-service portal: the same append-only
 * audit_log staff changes go to (lib/audit.ts), with no staff account and an actor that says it
 * was the customer (`customer CUST0001`), so the console's timeline and audit log show who did it.
 */
import type { AuditEntry } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';

/** A signed-in customer acting from a client address. */
export interface CustomerActor {
  customerId: number;
  customerNumber: string;
  /** The client address as the web server saw it, or null. */
  ip: string | null;
}

/** The audit log's actor text for a customer. */
export const customerActorName = (customerNumber: string): string => `customer ${customerNumber}`;

/** Appends one audit row in `trx` (the change's own transaction). */
export async function recordCustomerAudit(trx: Knex | Knex.Transaction, actor: CustomerActor, entry: AuditEntry): Promise<void> {
  await trx('audit_log').insert({
    staff_user_id: null,
    actor: customerActorName(actor.customerNumber),
    action: entry.action,
    object_type: entry.objectType,
    object_id: entry.objectId === null ? null : String(entry.objectId),
    before: entry.before ? JSON.stringify(entry.before) : null,
    after: entry.after ? JSON.stringify(entry.after) : null,
    ip_address: actor.ip,
  });
}
