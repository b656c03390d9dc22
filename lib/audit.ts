/**
 * The audit log (table audit_log, append-only by trigger): who changed what, before and after,
 * when and from which address. Written in the same transaction as the change it describes, so a
 * change without its audit row cannot commit, and a rolled-back change leaves no row.
 */
import type { Knex } from './db.js';

/**
 * Who acts and from which address: a signed-in staff member (id, username), or a customer in the
 * self-service portal (no staff id; `username` says `customer CUST0001`).
 */
export interface AuditActor {
  staffUserId: number | null;
  username: string;
  /** The client address as the web server saw it (IPv4 or IPv6 text), or null. */
  ip: string | null;
}

export interface AuditEntry {
  /** Verb in the past tense, snake_case: `customer_created`, `payment_recorded`, `signed_in`. */
  action: string;
  /** Table-like object name: `customer`, `subscription`, `payment`, `nas`, `staff_user`. */
  objectType: string;
  objectId: number | string | null;
  /** The object's fields before and after; secrets must be left out by the caller. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** Appends one audit row with `trx` (a transaction, or the pool for a change that is one statement). */
export async function recordAudit(trx: Knex | Knex.Transaction, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await trx('audit_log').insert({
    staff_user_id: actor.staffUserId,
    actor: actor.username,
    action: entry.action,
    object_type: entry.objectType,
    object_id: entry.objectId === null ? null : String(entry.objectId),
    before: entry.before ? JSON.stringify(entry.before) : null,
    after: entry.after ? JSON.stringify(entry.after) : null,
    ip_address: actor.ip,
  });
}
