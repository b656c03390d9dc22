/**
 * A link where the customer pays an invoice online (Midtrans Snap or Xendit Invoice). Each
 * attempt gets its own order id — the invoice number and the attempt, `INV-2026-11-000123-2` —
 * because Midtrans accepts an order_id once. A pending link for the same amount from the last
 * day, not flagged and with no gateway notification against it, is reused rather than creating
 * a new one on every click. The payment row is written before the gateway is asked, so a
 * notification can never arrive for an order we do not know.
 */
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { lockCustomer } from '../ledger/customer-balance.js';
import type { PaymentGateway, Provider } from './gateways/payment-gateway.js';
import { openInvoicesInAllocationOrder } from './restore-due.js';

export interface PaymentLinkDeps {
  db: Knex;
  gateways: Partial<Record<Provider, PaymentGateway>>;
  clock: Clock;
  log: Logger;
  /** Where the gateway sends the customer back. */
  returnUrl: string;
}

const REUSE_MS = 23 * 3600 * 1000;

/** The configured gateways in order of preference (Midtrans first: QRIS and virtual accounts). */
export function configuredProviders(gateways: Partial<Record<Provider, PaymentGateway>>): Provider[] {
  return (['midtrans', 'xendit', 'tripay', 'duitku'] as const).filter((p) => gateways[p]);
}

/**
 * @param opts.andEarlier also ask for what is owed on every open invoice of the customer that a
 *   payment is allocated to before this one (allocation order, restore-due.ts): one payment that pays
 *   them all (the captive portal's "pay what restores my access").
 * @throws AppError `no_gateway` (503) when no gateway is configured, `invoice_not_open` (409)
 *   when nothing is owed on the invoice, `gateway_unavailable` (502) when the gateway refused.
 */
export async function createPaymentLink(
  deps: PaymentLinkDeps,
  invoiceId: number,
  provider?: Provider,
  opts: { andEarlier?: boolean } = {},
): Promise<{ url: string; orderId: string }> {
  const chosen = provider ?? configuredProviders(deps.gateways)[0];
  const gateway = chosen ? deps.gateways[chosen] : undefined;
  if (!chosen || !gateway) throw new AppError('no_gateway', 'online payment is not available', 503);
  const now = deps.clock.now();

  const prepared = await deps.db.transaction(async (trx) => {
    const inv = await trx('invoices as i')
      .join('customers as c', 'c.id', 'i.customer_id')
      .where('i.id', invoiceId)
      .first('i.id', 'i.customer_id', 'i.invoice_number', 'i.total', 'i.amount_paid', 'i.status', 'c.name', 'c.email', 'c.phone');
    if (!inv || !['open', 'partially_paid', 'overdue'].includes(inv.status) || inv.total - inv.amount_paid <= 0 || !inv.invoice_number) {
      throw new AppError('invoice_not_open', 'nothing is owed on this invoice', 409);
    }
    await lockCustomer(trx, inv.customer_id);
    let amount = inv.total - inv.amount_paid;
    let earlier = 0;
    if (opts.andEarlier) {
      // Under the customer lock: no payment can settle any of them between this sum and the order.
      const open = await openInvoicesInAllocationOrder(trx, inv.customer_id);
      const at = open.findIndex((i) => i.id === invoiceId);
      if (at < 0) throw new AppError('invoice_not_open', 'nothing is owed on this invoice', 409); // settled while we waited for the lock
      amount = open.slice(0, at + 1).reduce((sum, i) => sum + i.owed, 0);
      earlier = at;
    }
    // created_at on the same clock as `now` (the row's default is the database's): the reuse
    // window, and the captive portal's "payment waiting", measure it.
    // Only an order still payable as it stands: not flagged, for exactly what is owed now, and
    // with no notification against it (one the gateway already reports paid, failed or being
    // confirmed would show the customer a settled page and no way to pay the rest).
    const reusable = await trx('payments as p')
      .where({ 'p.invoice_id': invoiceId, 'p.method': chosen, 'p.status': 'pending', 'p.amount': amount })
      .whereNull('p.flagged_reason')
      .whereNotNull('p.payment_url')
      .where('p.created_at', '>', new Date(now.getTime() - REUSE_MS))
      .whereNotExists((q) => q.select(trx.raw('1')).from('payment_events as e').whereRaw('e.order_id = p.gateway_order_id AND e.provider = p.method'))
      .orderBy('p.id', 'desc')
      .first('p.gateway_order_id', 'p.payment_url');
    if (reusable) return { reuse: { url: String(reusable.payment_url), orderId: String(reusable.gateway_order_id) } };
    const { rows } = await trx.raw('SELECT count(*)::int AS n FROM payments WHERE invoice_id = ? AND method = ?', [invoiceId, chosen]);
    const orderId = `${String(inv.invoice_number).replaceAll('/', '-')}-${Number(rows[0].n) + 1}`;
    const [payment] = await trx('payments')
      .insert({ customer_id: inv.customer_id, invoice_id: invoiceId, amount, method: chosen, status: 'pending', gateway_order_id: orderId, created_at: now })
      .returning('id');
    return { paymentId: Number(payment.id), orderId, amount, earlier, invoice: inv };
  });
  if ('reuse' in prepared) return prepared.reuse!;

  try {
    const link = await gateway.createPayment({
      orderId: prepared.orderId,
      amount: prepared.amount,
      invoiceNumber: String(prepared.invoice.invoice_number),
      description: `Tagihan internet ${prepared.invoice.invoice_number}${prepared.earlier ? ` +${prepared.earlier} tagihan` : ''}`,
      customer: { name: String(prepared.invoice.name), email: prepared.invoice.email, phone: prepared.invoice.phone },
      returnUrl: deps.returnUrl,
      expiresInMinutes: 24 * 60,
    });
    await deps.db('payments').where({ id: prepared.paymentId }).update({ payment_url: link.url, gateway_reference: link.reference });
    return { url: link.url, orderId: prepared.orderId };
  } catch (err) {
    await deps.db('payments').where({ id: prepared.paymentId }).update({ status: 'failed', note: 'gateway refused the payment link' });
    deps.log.warn({ provider: chosen, orderId: prepared.orderId, err: (err as Error).message }, 'payment link not created');
    throw new AppError('gateway_unavailable', 'the payment gateway is not available now; please try again', 502);
  }
}
