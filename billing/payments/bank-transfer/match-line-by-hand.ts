/**
 * Staff settle a statement line the automatic match left (unmatched: no code fits, or a
 * customer transferred a round amount; ambiguous: two codes fit): credit it to the customer they
 * name (and the invoice, when given), or mark it ignored (not a customer payment: a refund, an
 * owner's deposit). Audited; a line already settled is refused, so a double click credits once.
 */
import { recordAudit, type AuditActor } from '../../../lib/audit.js';
import { AppError } from '../../../lib/errors.js';
import type { UseCaseDeps } from '../../use-case/use-case-deps.js';
import { creditTransfer } from './credit-transfer.js';

/**
 * @returns the payment id (credit) or null (ignored).
 * @throws AppError `line_not_open` (409) when the line is not unmatched/ambiguous any more,
 *   `line_has_cents` (409) to credit a line with cents, `invoice_not_open` (409) for an invoice
 *   that is not the customer's, `customer_not_found` (404).
 */
export async function settleLineByHand(
  deps: UseCaseDeps,
  input: { lineId: number; action: 'credit' | 'ignore'; customerId?: number; invoiceId?: number | null; staffId: number; actor: AuditActor },
): Promise<number | null> {
  return deps.effects.transaction(deps.db, async (trx) => {
    const line = await trx('bank_statement_lines').where({ id: input.lineId }).forUpdate().first('id', 'bank', 'posted_on', 'description', 'amount_sen', 'status');
    if (!line || !['unmatched', 'ambiguous'].includes(line.status)) throw new AppError('line_not_open', 'that statement line is already settled', 409);
    if (input.action === 'ignore') {
      await trx('bank_statement_lines').where({ id: line.id }).update({ status: 'ignored', resolved_by: input.staffId });
      await recordAudit(trx, input.actor, { action: 'bank_statement_line_ignored', objectType: 'bank_statement_line', objectId: line.id, before: { status: line.status }, after: { status: 'ignored' } });
      return null;
    }
    if (Number(line.amount_sen) % 100 !== 0) throw new AppError('line_has_cents', 'a line with cents cannot be credited as whole rupiah', 409);
    const customer = input.customerId ? await trx('customers').where({ id: input.customerId }).first('id') : null;
    if (!customer) throw new AppError('customer_not_found', 'no such customer', 404);
    if (input.invoiceId) {
      const inv = await trx('invoices').where({ id: input.invoiceId, customer_id: input.customerId }).whereIn('status', ['open', 'partially_paid', 'overdue']).first('id');
      if (!inv) throw new AppError('invoice_not_open', 'that invoice is not open for this customer', 409);
    }
    const postedOn = typeof line.posted_on === 'string' ? line.posted_on : new Date(line.posted_on).toISOString().slice(0, 10);
    const amount = Number(line.amount_sen) / 100;
    const paymentId = await creditTransfer(trx, deps, {
      customerId: Number(input.customerId), invoiceId: input.invoiceId ?? null, amount,
      reference: `${String(line.bank).toUpperCase()} ${postedOn} ${line.description}`, note: 'dicocokkan petugas', staffId: input.staffId,
    });
    await trx('bank_statement_lines').where({ id: line.id }).update({ status: 'manual', payment_id: paymentId, resolved_by: input.staffId });
    await recordAudit(trx, input.actor, {
      action: 'bank_statement_line_credited', objectType: 'bank_statement_line', objectId: line.id,
      before: { status: line.status }, after: { status: 'manual', customerId: input.customerId, invoiceId: input.invoiceId ?? null, amount, paymentId },
    });
    return paymentId;
  });
}
