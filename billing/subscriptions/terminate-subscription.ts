/**
 * A staff member terminates a subscription (the customer leaves, or moves to another login), in
 * one transaction with the customer's money lock taken first (as every ledger writer does):
 *
 * - Access ends now: status `terminated` (terminated_at set by the status trigger), status_reason
 *   `staff_terminate` and the reason staff typed in termination_reason; a scheduled downgrade is
 *   dropped. After commit a nas-control job with `disconnect: true` sends a Disconnect-Request
 *   (RFC 5176 §3.1) for every open session, and the radius role, told by the subscriptions NOTIFY
 *   trigger (migrations/…_aaa_notify.ts), answers the next Access-Request with Access-Reject.
 * - The username is released for reuse: the row is renamed `name~<id>` (a `~` no new username
 *   may contain: subscription-username.ts) and keeps the old name in released_username; its
 *   session history keeps it too. The static IP is free at once (the unique index covers only
 *   subscriptions that are not terminated).
 * - Money, by days as every proration here (lib/money.ts `prorate`, half up to whole rupiah); the
 *   day of termination counts as unused, as the first day of a plan change counts for the new plan:
 *   - the invoice of the period running today, when nothing was paid on it: voided (its ledger
 *     effect reversed, billing/ledger/void-on-ledger.ts, as staff voids do) and replaced by a final
 *     invoice for the days used (billing/ledger/issue-invoices.ts), at that invoice's subtotal
 *     prorated, with its PPN rate;
 *   - that invoice paid in full or in part: the unused days of its total are credited to the
 *     ledger (an `adjustment`, positive: billing/ledger/credit-adjustment.ts), which pays what is
 *     still open or stays as credit;
 *   - periods already billed ahead (the invoice run's lead window): voided when unpaid, their total
 *     credited when money was allocated to them;
 *   - no invoice for today's period (a subscription billing never covered: imported or demo): no
 *     money moves.
 *   Then the customer's unallocated money is allocated to open invoices (billing/ledger/allocate-credit.ts).
 * - Audited (`subscription_terminated`) with what it did to the money.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import { prorate } from '../../lib/money.js';
import { allocateCredit } from '../ledger/allocate-credit.js';
import { creditAdjustment } from '../ledger/credit-adjustment.js';
import { lineText } from '../invoices/line-text.js';
import { ledgerBalance, lockCustomer } from '../ledger/customer-balance.js';
import { issueInvoice } from '../ledger/issue-invoices.js';
import { voidOnLedger } from '../ledger/void-on-ledger.js';
import { addDays, daysBetween, localDate, periodSpan } from '../plans/billing-period.js';
import { loadBillingSettings } from '../settings/billing-settings.js';
import type { UseCaseDeps } from '../use-case/use-case-deps.js';

export const TERMINATION_REASON_MAX = 500;

export interface TerminateInput {
  subscriptionId: number;
  /** Why, required (trimmed, at most TERMINATION_REASON_MAX characters). */
  reason: string;
  actor: AuditActor;
}

export interface TerminationMoney {
  /** Invoices voided (unpaid ones of today's period and of periods billed ahead). */
  voidedInvoiceIds: number[];
  /** The final invoice for the days used, or null. */
  finalInvoice: { id: number; invoiceNumber: string; total: number } | null;
  /** Rupiah credited to the ledger for unused paid days (0: none). */
  credited: number;
  /** The customer's ledger balance after (positive: credit they hold). */
  balance: number;
}

export type TerminateOutcome =
  | ({ ok: true; customerId: number; releasedUsername: string } & TerminationMoney)
  | { ok: false; code: 'not_found' | 'reason_required' | 'already_terminated' };

interface InvoiceRow {
  id: number;
  invoice_number: string | null;
  period_start: string;
  period_end: string;
  status: string;
  subtotal: number;
  tax_basis_points: number;
  total: number;
  amount_paid: number;
}

/** The username a terminated subscription keeps: `name~id`, within the 64 characters a username may have. */
export function releasedName(username: string, id: number): string {
  const suffix = `~${id}`;
  return `${username.slice(0, 64 - suffix.length)}${suffix}`;
}

export async function terminateSubscription(deps: Pick<UseCaseDeps, 'db' | 'clock' | 'timeZone' | 'effects'>, input: TerminateInput): Promise<TerminateOutcome> {
  const reason = input.reason.trim().slice(0, TERMINATION_REASON_MAX);
  if (!reason) return { ok: false, code: 'reason_required' };
  const now = deps.clock.now();
  const today = localDate(now, deps.timeZone);
  return deps.effects.transaction(deps.db, async (trx): Promise<TerminateOutcome> => {
    const owner = await trx('subscriptions as s').join('customers as c', 'c.id', 's.customer_id').where('s.id', input.subscriptionId).first('s.customer_id', 'c.locale');
    if (!owner) return { ok: false, code: 'not_found' };
    const customerId = Number(owner.customer_id);
    const locale = owner.locale as string;
    await lockCustomer(trx, customerId);
    const sub = await trx('subscriptions as s').join('plans as p', 'p.id', 's.plan_id').where('s.id', input.subscriptionId).forUpdate('s')
      .first('s.id', 's.username', 's.status', 's.status_reason', 's.plan_id', 'p.name as plan_name');
    if (sub.status === 'terminated') return { ok: false, code: 'already_terminated' };

    const invoices = (await trx('invoices')
      .where({ subscription_id: sub.id, kind: 'recurring' })
      .whereNot('status', 'void')
      .where('period_end', '>', today)
      .orderBy('period_start')
      .forUpdate()
      .select('id', 'invoice_number', 'period_start', 'period_end', 'status', 'subtotal', 'tax_basis_points', 'total', 'amount_paid')) as InvoiceRow[];
    const money: Omit<TerminationMoney, 'balance'> = { voidedInvoiceIds: [], finalInvoice: null, credited: 0 };
    const voidReason = `Berhenti langganan / terminated: ${reason}`.slice(0, TERMINATION_REASON_MAX);
    let usedCharge: { inv: InvoiceRow; used: number; days: number } | null = null;
    for (const inv of invoices.map((i) => ({ ...i, total: Number(i.total), amount_paid: Number(i.amount_paid), subtotal: Number(i.subtotal) }))) {
      const days = daysBetween(inv.period_start, inv.period_end);
      const used = Math.max(0, daysBetween(inv.period_start, today));
      if (inv.amount_paid === 0 && inv.status !== 'paid') {
        await voidOnLedger(trx, { customerId, invoice: inv, reason: voidReason, now, staffUserId: input.actor.staffUserId, note: ' (berhenti langganan)' });
        money.voidedInvoiceIds.push(inv.id);
        if (used > 0) usedCharge = { inv, used, days };
      } else {
        const unused = prorate(inv.total, days - used, days);
        if (unused > 0) {
          await creditAdjustment(trx, {
            customerId, amount: unused, invoiceId: inv.id, staffUserId: input.actor.staffUserId, at: now,
            description: lineText(locale).terminationCredit(days - used, days, inv.invoice_number ?? `#${inv.id}`),
          });
          money.credited += unused;
        }
      }
    }

    const released = releasedName(String(sub.username), Number(sub.id));
    const [after] = await trx('subscriptions').where({ id: sub.id }).update({
      status: 'terminated', status_reason: 'staff_terminate', termination_reason: reason, released_username: sub.username, username: released,
      next_plan_id: null, next_plan_effective: null, paid_until: trx.raw('least(paid_until, ?::timestamptz)', [now]), version: trx.raw('version + 1'),
    }).returning('version');
    deps.effects.accessChanged({ subscriptionId: Number(sub.id), reason: 'terminated', disconnect: true }, `v${after.version}`);

    // The final invoice once the status is final: issuing it allocates the customer's money (the
    // credits above included) to what is open; the allocation after it does when there is none.
    if (usedCharge) {
      const { inv, used, days } = usedCharge;
      const subtotal = prorate(inv.subtotal, used, days);
      if (subtotal > 0) {
        const settings = await loadBillingSettings(trx);
        const issued = await issueInvoice(trx, {
          customerId, subscriptionId: Number(sub.id), kind: 'one_off', periodStart: inv.period_start, periodEnd: today,
          dueDate: addDays(today, settings.postpaidDueDays), taxBasisPoints: inv.tax_basis_points, ledgerNote: ' (tagihan akhir)',
          lines: [{
            kind: 'proration', amount: subtotal, planId: sub.plan_id, periodStart: inv.period_start, periodEnd: today,
            description: `${sub.plan_name} (${periodSpan(inv.period_start, today)}, ${used}/${days} hari) tagihan akhir / final`,
          }],
        }, { today, now, settings, effects: deps.effects });
        money.finalInvoice = { id: issued!.id, invoiceNumber: issued!.invoiceNumber, total: issued!.total };
      }
    }
    await allocateCredit(trx, customerId, { today, now, effects: deps.effects });

    const balance = await ledgerBalance(trx, customerId);
    await recordAudit(trx, input.actor, {
      action: 'subscription_terminated',
      objectType: 'subscription',
      objectId: Number(sub.id),
      before: { status: sub.status, statusReason: sub.status_reason, username: sub.username },
      after: { status: 'terminated', reason, username: released, ...money, balance },
    });
    return { ok: true, customerId, releasedUsername: String(sub.username), ...money, balance };
  });
}
