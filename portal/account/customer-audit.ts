/**
 * Audit rows for what a customer changes in the self-service portal: the same append-only
 * audit_log staff changes go to (lib/audit.ts), with no staff account and an actor that says it
 * was the customer (`customer CUST0001`), so the console's timeline and audit log show who did it.
 */
import { recordAudit, type AuditEntry } from '../../lib/audit.js';
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
  await recordAudit(trx, { staffUserId: null, username: customerActorName(actor.customerNumber), ip: actor.ip }, entry);
}
