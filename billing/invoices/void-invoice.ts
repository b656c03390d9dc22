/**
 * Voiding an invoice (an admin cancels a wrong bill), in one transaction with the customer's
 * money lock taken first (as every ledger writer does):
 * - only an invoice nothing was paid on: one with money applied is refused (`partly_paid`);
 *   staff would first have to decide where that money goes, which this does not guess;
 * - its ledger effect is reversed: one `void` entry of +(what its invoice and late-fee entries
 *   took), so the balance is what it would be had it never been issued. The customer's
 *   unallocated money does not change (balance and open invoices move together: see
 *   settle-open-invoices.ts), so no settlement runs;
 * - status `void`, voided_at and the reason: dunning (which acts on open, partially paid and
 *   overdue invoices only) stops counting it, and the invoice run does not bill that period again
 *   (generate-invoices.ts: void invoices still mark where billing stands);
 * - a subscription dunning had soft-limited or suspended for it is active again when no other
 *   invoice of it is unpaid past its due date (the same rule as a payment: apply-paid-invoices.ts),
 *   the router told after commit and the customer sent "reactivated";
 * - audited (`invoice_voided`, before and after).
 * One-off charges billed on it stay with it (cancelled together); a new charge is a new one.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Effects } from '../effects.js';
import { ledgerBalance, lockCustomer } from '../ledger/settle-open-invoices.js';
import type { CustomerMessage, Notifier } from '../notifier.js';
import { localDate } from '../plans/billing-period.js';
import { DUNNING_REASONS } from '../subscriptions/apply-paid-invoices.js';
import { changeSubscriptionStatus } from '../subscriptions/change-status.js';

export const VOID_REASON_MAX = 500;

export interface VoidInvoiceInput {
  invoiceId: number;
  /** Why: required, kept on the invoice and in the audit log (trimmed, at most VOID_REASON_MAX characters). */
  reason: string;
  actor: AuditActor;
}

export type VoidInvoiceOutcome =
  | {
      ok: true;
      customerId: number;
      invoiceNumber: string | null;
      /** Rupiah given back to the balance by the `void` ledger entry (0 when the invoice had none). */
      reversed: number;
      /** The customer's ledger balance after (positive: credit). */
      balance: number;
      reactivatedSubscriptionIds: number[];
    }
  | { ok: false; code: 'not_found' }
  | { ok: false; code: 'reason_required' }
  | { ok: false; code: 'already_void' }
  /** Fully paid (including a zero-total invoice, which counts as paid): its period is paid for. */
  | { ok: false; code: 'paid' }
  | { ok: false; code: 'partly_paid'; amountPaid: number };

/**
 * Marks an invoice `void` and gives back what it took from the customer's balance (its invoice
 * entry and late fees; a void entry of an earlier void cannot exist: void is final) in one `void`
 * ledger entry. The caller holds the customer's lock and has checked that nothing was paid on it.
 * @param note appended to the ledger entry's description, e.g. " (berhenti langganan)"
 * @returns the rupiah given back (0 when the invoice took nothing)
 */
export async function voidOnLedger(
  trx: Knex.Transaction,
  v: { customerId: number; invoice: { id: number; invoice_number: string | null }; reason: string; now: Date; staffUserId: number | null; note?: string },
): Promise<number> {
  const { id, invoice_number: number } = v.invoice;
  const { rows } = await trx.raw(
    `SELECT coalesce(sum(amount), 0)::bigint AS net FROM ledger_entries
      WHERE invoice_id = ? AND entry_type IN ('invoice', 'late_fee', 'void')`,
    [id],
  );
  const reversed = -Number(rows[0].net);
  if (reversed > 0) {
    await trx('ledger_entries').insert({
      customer_id: v.customerId, entry_type: 'void', amount: reversed, invoice_id: id, created_by: v.staffUserId, created_at: v.now,
      description: `Pembatalan ${number ?? `tagihan #${id}`}${v.note ?? ''}`,
    });
  }
  await trx('invoices').where({ id }).update({ status: 'void', voided_at: v.now, void_reason: v.reason, version: trx.raw('version + 1') });
  return reversed;
}

export async function voidInvoice(
  deps: { db: Knex; clock: Clock; timeZone: string; notifier: Notifier; effects: Effects },
  input: VoidInvoiceInput,
): Promise<VoidInvoiceOutcome> {
  const reason = input.reason.trim().slice(0, VOID_REASON_MAX);
  if (!reason) return { ok: false, code: 'reason_required' };
  const now = deps.clock.now();
  const today = localDate(now, deps.timeZone);
  return deps.effects.transaction(deps.db, async (trx): Promise<VoidInvoiceOutcome> => {
    const owner = await trx('invoices').where({ id: input.invoiceId }).first('customer_id');
    if (!owner) return { ok: false, code: 'not_found' };
    const customerId = Number(owner.customer_id);
    await lockCustomer(trx, customerId);
    const inv = await trx('invoices').where({ id: input.invoiceId }).forUpdate()
      .first('id', 'invoice_number', 'subscription_id', 'status', 'total', 'amount_paid', 'version');
    if (inv.status === 'void') return { ok: false, code: 'already_void' };
    const amountPaid = Number(inv.amount_paid);
    if (amountPaid > 0) return { ok: false, code: 'partly_paid', amountPaid };
    if (inv.status === 'paid') return { ok: false, code: 'paid' };

    const reversed = await voidOnLedger(trx, { customerId, invoice: inv, reason, now, staffUserId: input.actor.staffUserId });

    let reactivated: Awaited<ReturnType<typeof changeSubscriptionStatus>> = [];
    if (inv.subscription_id !== null) {
      const { rows: eligible } = await trx.raw(
        `SELECT s.id FROM subscriptions s
          WHERE s.id = ? AND s.status IN ('suspended', 'soft_limited') AND s.status_reason = ANY(?::text[])
            AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.subscription_id = s.id
                               AND i.status IN ('open', 'partially_paid', 'overdue') AND i.due_date < ?)`,
        [inv.subscription_id, [...DUNNING_REASONS], today],
      );
      reactivated = await changeSubscriptionStatus(
        trx, (eligible as Array<{ id: number }>).map((r) => Number(r.id)), 'active', ['suspended', 'soft_limited'], 'invoice_voided', deps.effects,
      );
    }

    await recordAudit(trx, input.actor, {
      action: 'invoice_voided',
      objectType: 'invoice',
      objectId: inv.id,
      before: { status: inv.status, total: Number(inv.total), amountPaid, version: inv.version },
      after: { status: 'void', reason, ledgerReversal: reversed, reactivatedSubscriptionIds: reactivated.map((r) => r.id) },
    });
    const messages: CustomerMessage[] = reactivated.map((r) => ({
      customerId, template: 'reactivated', idempotencyKey: `reactivated:${r.id}:v${r.version}`, data: {},
    }));
    if (messages.length && (await deps.notifier.customers(trx, messages)) > 0) deps.effects.notificationsQueued();
    return {
      ok: true,
      customerId,
      invoiceNumber: inv.invoice_number,
      reversed,
      balance: await ledgerBalance(trx, customerId),
      reactivatedSubscriptionIds: reactivated.map((r) => r.id),
    };
  });
}
