/**
 * Voiding an invoice (an admin cancels a wrong bill), in one transaction with the customer's
 * money lock taken first (as every ledger writer does):
 * - only an invoice nothing was paid on: one with money allocated to it is refused (`partly_paid`);
 *   staff would first have to decide where that money goes, which this does not guess;
 * - its ledger effect is reversed (billing/ledger/void-on-ledger.ts): one `void` entry of +(what
 *   its invoice and late-fee entries took), so the balance is what it would be had it never been
 *   issued. The customer's unallocated money does not change (balance and open invoices move
 *   together: billing/ledger/allocate-credit.ts), so no allocation runs;
 * - status `void`, voided_at and the reason: dunning (which acts on open, partially paid and
 *   overdue invoices only) stops counting it, and the invoice run does not bill that period again
 *   (generate-invoices.ts: void invoices still mark where billing stands);
 * - a subscription dunning had soft-limited or suspended for it is active again when no other
 *   invoice of it is unpaid past its due date (the same rule as a payment: billing/ledger/paid-access.ts),
 *   the router told after commit and the customer sent "reactivated";
 * - audited (`invoice_voided`, before and after).
 * One-off charges billed on it stay with it (cancelled together); a new charge is a new one.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Effects } from '../use-case/effects.js';
import { ledgerBalance, lockCustomer } from '../ledger/customer-balance.js';
import { voidOnLedger } from '../ledger/void-on-ledger.js';
import type { CustomerMessage, Notifier } from '../notifications/notifier.js';
import { localDate } from '../plans/billing-period.js';
import { liftDunningRestrictions } from '../subscriptions/status/change-status.js';

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

    const reactivated = inv.subscription_id === null
      ? []
      : await liftDunningRestrictions(trx, [Number(inv.subscription_id)], today, 'invoice_voided', deps.effects);

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
