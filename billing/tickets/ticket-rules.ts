/**
 * Support tickets: what a ticket and a message may hold, and the audit hook each use case takes
 * (the portal audits as the customer, the console as the staff member), so the use cases stay
 * the same for both sides.
 */
import { z } from 'zod';
import type { AuditEntry } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { fieldErrors } from '../../lib/field-errors.js';

export const TICKET_STATUSES = ['open', 'answered', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Writes the audit row of a change in the change's transaction. */
export type TicketAudit = (trx: Knex.Transaction, entry: AuditEntry) => Promise<void>;

/** Messages are locale keys shown beside the field (views/locales/portal/account, admin/tickets). */
export const ticketSubject = z.string().trim().min(1, 'tickets.error.subject_required').max(200, 'tickets.error.subject_too_long');
export const ticketBody = z.string().trim().min(1, 'tickets.error.message_required').max(5000, 'tickets.error.message_too_long');

/** The first message of each failing field. */
export function ticketErrors(error: z.ZodError): Record<string, string> {
  return fieldErrors(error, { ours: /^tickets\.error\./, invalid: 'tickets.error.invalid' });
}

/** A public reference as customers and staff quote it: T-2026-000123. */
export const TICKET_REFERENCE = /^T-\d{4}-\d{6,}$/;
