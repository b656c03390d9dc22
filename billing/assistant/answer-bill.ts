/**
 * "tagihan" / "bill": what is owed on the chosen subscription (its invoices, and the customer's
 * invoices that belong to no subscription), oldest due first, each with its signed pay link
 * (GET /pay/<token>, web/pay-routes.ts: opens the gateway's page for what is still owed).
 * Amounts are integer rupiah formatted by lib/money.ts; at most 5 invoices are listed, the total
 * counts them all.
 */
import type { Knex } from '../../lib/db.js';
import type { Locale } from '../../lib/i18n.js';
import { formatRupiah } from '../../lib/money.js';
import type { SenderSubscription } from './identify-sender.js';
import { localDay, say } from './say.js';

const SHOWN = 5;

export async function answerBill(
  deps: { db: Knex | Knex.Transaction; payUrl(invoiceId: number): string },
  sub: SenderSubscription,
  locale: Locale,
): Promise<string> {
  const rows = await deps.db('invoices')
    .where({ customer_id: sub.customerId })
    .where((q) => q.where({ subscription_id: sub.id }).orWhereNull('subscription_id'))
    .whereIn('status', ['open', 'partially_paid', 'overdue'])
    .whereRaw('total - amount_paid > 0')
    .orderByRaw('due_date NULLS LAST, id')
    .select('id', 'invoice_number', 'due_date', deps.db.raw('(total - amount_paid)::bigint AS owed'));
  if (!rows.length) return say(locale, 'bill.none', { username: sub.username });
  const total = rows.reduce((sum, r) => sum + Number(r.owed), 0);
  const lines = rows.slice(0, SHOWN).map((r) => say(locale, 'bill.line', {
    invoice: String(r.invoice_number ?? r.id), amount: formatRupiah(Number(r.owed)),
    due: r.due_date ? localDay(String(r.due_date), locale) : '-', // `date` columns arrive as YYYY-MM-DD (lib/db.ts)
    url: deps.payUrl(Number(r.id)),
  }));
  return say(locale, 'bill.total', { username: sub.username, amount: formatRupiah(total), lines: lines.join('\n') });
}
