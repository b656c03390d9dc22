/**
 * The signed-in customer's invoices: the list (paged, htmx), one invoice by number, its PDF, and
 * paying it online (redirect to the gateway's payment page; a refusal comes back as `pay_error`).
 * Another customer's invoice number is 404, like one that does not exist.
 */
import type Router from '@koa/router';
import { formBody, queryValue } from '../../lib/http/request.js';
import { loadInvoiceDocument, type InvoiceDocument } from '../../billing/invoices/invoice-document.js';
import { renderInvoicePdf } from '../../billing/invoices/invoice-pdf.js';
import { configuredProviders } from '../../billing/payments/create-payment-link.js';
import { loadBankTransferSettings } from '../../billing/payments/bank-transfer/bank-transfer-settings.js';
import type { Provider } from '../../billing/payments/gateways/payment-gateway.js';
import { AppError } from '../../lib/errors.js';
import { t } from '../../lib/i18n.js';
import type { PortalState } from '../context.js';
import { HOME, invoicePath, notFound, type AccountCtx, type AccountKit } from './account-kit.js';
import { invoiceOfCustomer, listInvoices } from './account-data.js';

/** The gateway refusals the invoice page explains (`portal.account.pay.*`). */
const PAY_ERRORS = ['no_gateway', 'invoice_not_open', 'gateway_unavailable'];

/** What a template may show of an invoice document: no internal ids. */
function invoiceView(doc: InvoiceDocument) {
  return {
    invoiceNumber: doc.invoiceNumber, status: doc.status, issueDate: doc.issueDate, dueDate: doc.dueDate, period: doc.period,
    lines: doc.lines.map((l) => ({ description: l.description, quantity: l.quantity, unitPrice: l.unitPrice, amount: l.amount })),
    subtotal: doc.subtotal, taxBasisPoints: doc.taxBasisPoints, taxPercent: doc.taxBasisPoints / 100, tax: doc.tax, total: doc.total,
    amountPaid: doc.amountPaid, amountDue: doc.amountDue, paidAt: doc.paidAt,
    payments: doc.payments.map((p) => ({ receiptNumber: p.receiptNumber, amount: p.amount, method: p.method, receivedAt: p.receivedAt })),
  };
}

export function addInvoiceRoutes(r: Router<PortalState>, kit: AccountKit): void {
  const { deps, account, page, timeZone } = kit;

  r.get(`${HOME}/invoices`, ...account(async (ctx) => {
    const list = await listInvoices(deps.db, ctx.state.customer.id, Number.parseInt(queryValue(ctx.query.page, 6), 10) || 1);
    page(ctx, 'invoices', {
      title: t(ctx.state.locale, 'portal.account.invoices.heading'), htmx: true, list,
      rows: list.rows.map((i) => ({ ...i, href: invoicePath(String(i.invoice_number)) })),
      prev: list.page > 1 ? list.page - 1 : null, next: list.page < list.pages ? list.page + 1 : null,
    }, 'partials/portal/account-invoice-list');
  }));

  /** The signed-in customer's invoice by the number in the URL, else 404. */
  const ownInvoice = async (ctx: AccountCtx) => {
    const found = await invoiceOfCustomer(deps.db, ctx.state.customer.id, String(ctx.params.number ?? ''));
    if (!found) throw notFound();
    return found;
  };

  r.get(`${HOME}/invoices/:number`, ...account(async (ctx) => {
    const found = await ownInvoice(ctx);
    const doc = await loadInvoiceDocument(deps.db, found.invoiceId);
    if (!doc || doc.customer.id !== ctx.state.customer.id) throw notFound();
    const payError = queryValue(ctx.query.pay_error, 40);
    page(ctx, 'invoice', {
      title: doc.invoiceNumber, invoice: invoiceView(doc), href: invoicePath(doc.invoiceNumber!),
      providers: found.owed > 0 ? configuredProviders(deps.engine.gateways) : [],
      payError: PAY_ERRORS.includes(payError) ? `portal.account.pay.${payError}` : null,
      // Bank transfer (issue 14): the choice, when staff have it on (portal/account/bank-transfer-routes.ts).
      bankTransferHref: found.owed > 0 && (await loadBankTransferSettings(deps.db)).enabled ? `${invoicePath(doc.invoiceNumber!)}/bank-transfer` : null,
    });
  }));

  r.get(`${HOME}/invoices/:number/pdf`, ...account(async (ctx) => {
    const found = await ownInvoice(ctx);
    const doc = await loadInvoiceDocument(deps.db, found.invoiceId);
    if (!doc || doc.customer.id !== ctx.state.customer.id) throw notFound();
    const pdf = await renderInvoicePdf(doc, { locale: ctx.state.locale, timeZone: timeZone() });
    ctx.type = 'application/pdf';
    ctx.set('Cache-Control', 'private, no-store');
    ctx.attachment(`${doc.invoiceNumber!.replace(/[^A-Za-z0-9-]+/g, '-')}.pdf`, { type: 'inline' });
    ctx.body = pdf;
  }));

  r.post(`${HOME}/invoices/:number/pay`, ...account(async (ctx) => {
    const found = await ownInvoice(ctx);
    const asked = String(formBody(ctx).provider ?? '');
    const provider = (configuredProviders(deps.engine.gateways) as string[]).includes(asked) ? (asked as Provider) : undefined;
    try {
      const link = await deps.engine.createPaymentLink(found.invoiceId, provider);
      ctx.redirect(link.url);
    } catch (err) {
      if (err instanceof AppError && PAY_ERRORS.includes(err.code)) {
        return ctx.redirect(`${invoicePath(String(ctx.params.number))}?pay_error=${err.code}`);
      }
      throw err;
    }
  }));
}
