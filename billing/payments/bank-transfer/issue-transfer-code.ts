/**
 * A customer chose bank transfer for an invoice: they are asked to transfer what is owed plus a
 * 3-digit unique code (1–999 rupiah), so the amount alone on the ISP's bank statement says whose
 * transfer it is (match-statement-line.ts).
 *
 * The code is the customer's money, not a fee and not a discount: the whole transfer is credited
 * as their payment (billing/ledger/credit-payment.ts), so the invoice is paid and the 1–999
 * rupiah stay on their balance as credit, used by the next invoice (allocate-credit.ts). Nothing
 * is absorbed by the ISP and no invoice is changed.
 *
 * No two open codes share a total amount (a partial unique index), which is stronger than
 * "unique among open codes for the same invoice amount" and is what matching needs. A code is
 * open until paid or `codeHours` (settings) pass; asking again for the same invoice and amount
 * while one is open returns it (a reloaded page shows the same number).
 */
import type { Knex } from '../../../lib/db.js';
import { AppError } from '../../../lib/errors.js';
import type { Clock } from '../../../lib/clock.js';

export interface TransferCode {
  codeId: number;
  invoiceId: number;
  /** What is owed on the invoice, rupiah. */
  invoiceAmount: number;
  /** 1–999. */
  uniqueCode: number;
  /** invoiceAmount + uniqueCode: what to transfer, rupiah. */
  amount: number;
  expiresAt: Date;
}

const rowOf = (r: { id: number | string; invoice_id: number | string; invoice_amount: number | string; unique_code: number; amount: number | string; expires_at: Date }): TransferCode => ({
  codeId: Number(r.id), invoiceId: Number(r.invoice_id), invoiceAmount: Number(r.invoice_amount), uniqueCode: r.unique_code, amount: Number(r.amount), expiresAt: new Date(r.expires_at),
});

/**
 * Issues (or returns the open) code for what `customerId` owes on `invoiceId`.
 * `choose` picks among the free codes (default: uniformly at random, so codes say nothing).
 * @throws AppError `invoice_not_open` (409) when the invoice is not this customer's or nothing
 *   is owed; `no_transfer_code` (503) when all 999 codes around that amount are taken.
 */
export async function issueTransferCode(
  deps: { db: Knex; clock: Clock },
  input: { customerId: number; invoiceId: number; codeHours: number; choose?: (free: number[]) => number },
): Promise<TransferCode> {
  const now = deps.clock.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.db.transaction(async (trx) => {
        const inv = await trx('invoices').where({ id: input.invoiceId, customer_id: input.customerId })
          .whereIn('status', ['open', 'partially_paid', 'overdue']).forUpdate().first('total', 'amount_paid');
        const owed = inv ? Number(inv.total) - Number(inv.amount_paid) : 0;
        if (!inv || owed <= 0) throw new AppError('invoice_not_open', 'nothing is owed on that invoice', 409);
        await trx('bank_transfer_codes').where({ status: 'open' }).where('expires_at', '<=', now).update({ status: 'expired' });
        const open = await trx('bank_transfer_codes').where({ invoice_id: input.invoiceId, invoice_amount: owed, status: 'open' }).first();
        if (open) return rowOf(open);
        const taken = new Set(
          ((await trx('bank_transfer_codes').where({ status: 'open' }).whereBetween('amount', [owed + 1, owed + 999]).select('amount')) as Array<{ amount: string | number }>)
            .map((r) => Number(r.amount) - owed),
        );
        const free: number[] = [];
        for (let c = 1; c <= 999; c++) if (!taken.has(c)) free.push(c);
        if (!free.length) throw new AppError('no_transfer_code', 'no unique code is free for this amount now; try again later', 503);
        const code = input.choose ? input.choose(free) : free[Math.floor(Math.random() * free.length)]!;
        if (!free.includes(code)) throw new Error(`issueTransferCode: chose ${code}, which is not free`);
        const [row] = await trx('bank_transfer_codes').insert({
          customer_id: input.customerId, invoice_id: input.invoiceId, invoice_amount: owed, unique_code: code, amount: owed + code,
          expires_at: new Date(now.getTime() + input.codeHours * 3600_000), created_at: now,
        }).returning('*');
        return rowOf(row);
      });
    } catch (err) {
      // Another customer took the same total at the same moment (the unique index): choose again.
      if ((err as { code?: string }).code === '23505' && attempt < 5) continue;
      throw err;
    }
  }
}
