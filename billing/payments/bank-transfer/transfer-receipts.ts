/**
 * Transfer receipts: a customer who paid by bank transfer uploads the receipt in the portal;
 * staff approve it (→ a settled bank_transfer payment credited through the ledger,
 * credit-transfer.ts) or reject it with a reason (→ the customer is told on their channels,
 * through the outbox's free-text `broadcast` template, in their language). A receipt is decided
 * once: its row is locked and must still be `pending`.
 */
import type { AuditActor } from '../../../lib/audit.js';
import { recordAudit } from '../../../lib/audit.js';
import type { Knex } from '../../../lib/db.js';
import { AppError } from '../../../lib/errors.js';
import { t, toLocale } from '../../../lib/i18n.js';
import type { Clock } from '../../../lib/clock.js';
import type { ChannelName } from '../../notifications/channel.js';
import { chooseTargets, enqueueNotifications } from '../../notifications/enqueue.js';
import type { UseCaseDeps } from '../../use-case/use-case-deps.js';
import { creditTransfer } from './credit-transfer.js';
import { MAX_RECEIPT_BYTES, receiptTypeOf } from './receipt-file.js';

/**
 * Stores a receipt for `invoiceId` (the customer's, still open) of `amount` rupiah transferred.
 * @returns the receipt id.
 * @throws AppError `receipt_too_large` (413), `receipt_type` (415), `invalid_amount` (400),
 *   `invoice_not_open` (409).
 */
export async function submitTransferReceipt(
  deps: { db: Knex; clock: Clock },
  input: { customerId: number; invoiceId: number; amount: number; content: Buffer },
): Promise<number> {
  if (input.content.length > MAX_RECEIPT_BYTES) throw new AppError('receipt_too_large', 'the receipt file is too large', 413);
  const type = receiptTypeOf(input.content);
  if (!type) throw new AppError('receipt_type', 'only a JPEG, PNG or WebP image or a PDF', 415);
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new AppError('invalid_amount', 'amount must be a positive whole number of rupiah', 400);
  const inv = await deps.db('invoices').where({ id: input.invoiceId, customer_id: input.customerId }).whereIn('status', ['open', 'partially_paid', 'overdue']).first('id');
  if (!inv) throw new AppError('invoice_not_open', 'that invoice is not open', 409);
  const [row] = await deps.db('transfer_receipts').insert({
    customer_id: input.customerId, invoice_id: input.invoiceId, amount: input.amount, content_type: type, content: input.content, created_at: deps.clock.now(),
  }).returning('id');
  return Number(row.id);
}

export type ReceiptDecision = { approve: true } | { approve: false; reason: string };

/**
 * Approves or rejects pending receipt `receiptId`. Rejecting needs a reason (1–300 characters),
 * sent to the customer on `channels` (the customer channels that are on).
 * @returns the payment id when approved, null when rejected.
 * @throws AppError `receipt_not_pending` (409), `reason_required` (400).
 */
export async function decideTransferReceipt(
  deps: UseCaseDeps,
  input: { receiptId: number; decision: ReceiptDecision; staffId: number; actor: AuditActor; channels: readonly ChannelName[] },
): Promise<number | null> {
  const reason = input.decision.approve ? '' : input.decision.reason.trim().slice(0, 300);
  if (!input.decision.approve && !reason) throw new AppError('reason_required', 'say why the receipt is rejected', 400);
  return deps.effects.transaction(deps.db, async (trx) => {
    const r = await trx('transfer_receipts').where({ id: input.receiptId }).forUpdate().first('id', 'customer_id', 'invoice_id', 'amount', 'status');
    if (r?.status !== 'pending') throw new AppError('receipt_not_pending', 'that receipt is already decided', 409);
    const now = deps.clock.now();
    if (input.decision.approve) {
      const paymentId = await creditTransfer(trx, deps, {
        customerId: Number(r.customer_id), invoiceId: Number(r.invoice_id), amount: Number(r.amount),
        reference: `bukti transfer #${r.id}`, note: 'bukti transfer disetujui', staffId: input.staffId,
      });
      await trx('transfer_receipts').where({ id: r.id }).update({ status: 'approved', reviewed_by: input.staffId, reviewed_at: now, payment_id: paymentId });
      await recordAudit(trx, input.actor, { action: 'transfer_receipt_approved', objectType: 'transfer_receipt', objectId: r.id, before: { status: 'pending' }, after: { status: 'approved', paymentId } });
      return paymentId;
    }
    await trx('transfer_receipts').where({ id: r.id }).update({ status: 'rejected', reject_reason: reason, reviewed_by: input.staffId, reviewed_at: now });
    await recordAudit(trx, input.actor, { action: 'transfer_receipt_rejected', objectType: 'transfer_receipt', objectId: r.id, before: { status: 'pending' }, after: { status: 'rejected', reason } });
    const c = await trx('customers').where({ id: r.customer_id }).first('name', 'customer_number', 'phone', 'email', 'locale');
    const invoice = await trx('invoices').where({ id: r.invoice_id }).first('invoice_number');
    const locale = toLocale(c.locale);
    const text = t(locale, 'payments_channels.receipt.rejected').replace('{invoice}', String(invoice?.invoice_number ?? '')).replace('{reason}', reason);
    const queued = await enqueueNotifications(trx, chooseTargets(c, input.channels).map((target) => ({
      idempotencyKey: `transfer_receipt_rejected:${r.id}:${target.channel}`, channel: target.channel, recipient: target.recipient,
      customerId: Number(r.customer_id), template: 'broadcast' as const, locale,
      payload: { text, customerName: String(c.name), customerNumber: String(c.customer_number ?? '') },
    })), now);
    if (queued > 0) deps.effects.notificationsQueued();
    return null;
  });
}
