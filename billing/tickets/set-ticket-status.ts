/**
 * Staff close a ticket (solved, or no answer from the customer) or reopen it. Audited; the
 * customer sees the status in the portal.
 */
import type { Knex } from '../../lib/db.js';
import type { TicketAudit } from './ticket-rules.js';

export type StatusOutcome = { ok: true } | { ok: false; code: 'not_found' | 'unchanged' };

/** Reopening puts the ticket back to `open` (waiting for staff). */
export async function setTicketStatus(
  deps: { db: Knex; now: Date; audit: TicketAudit },
  input: { reference: string; action: 'close' | 'reopen' },
): Promise<StatusOutcome> {
  return deps.db.transaction(async (trx) => {
    const ticket = await trx('tickets').where({ reference: input.reference }).forUpdate().first('id', 'status');
    if (!ticket) return { ok: false, code: 'not_found' } as const;
    const closing = input.action === 'close';
    if (closing === (ticket.status === 'closed')) return { ok: false, code: 'unchanged' } as const;
    const status = closing ? 'closed' : 'open';
    await trx('tickets').where({ id: ticket.id }).update({ status, closed_at: closing ? deps.now : null, version: trx.raw('version + 1') });
    await deps.audit(trx, { action: closing ? 'ticket_closed' : 'ticket_reopened', objectType: 'ticket', objectId: Number(ticket.id), before: { status: ticket.status }, after: { status } });
    return { ok: true } as const;
  });
}
