/**
 * Paying an invoice by bank transfer in the self-service portal (issue 14, item 4; ARCHITECTURE.md,
 * "Payment channels"), offered only while staff have it on (the `bank_transfer` settings row):
 * - GET  /portal/account/invoices/:number/bank-transfer: the open unique code (the total to
 *   transfer with its last three digits highlighted, the ISP's accounts, when it expires in the
 *   ISP's time zone), or a button to get one; the upload form; the receipts sent and their state
 *   (pending, approved, rejected with the reason);
 * - POST …/bank-transfer: issue the code (or return the open one: issue-transfer-code.ts);
 * - POST …/bank-transfer/receipt: `multipart/form-data` with `_csrf`, `amount` and `receipt`
 *   (read by lib/http/multipart-body.ts before the CSRF check: web/portal-routes.ts), stored by
 *   transfer-receipts.ts for staff to decide at /admin/bank-transfers.
 * Refusals come back on the same page with a message and a 4xx status: no file 400, larger than
 * 5 MB 413 (the parser kept none of it), not a JPEG/PNG/WebP/PDF by its bytes 415, one receipt
 * still waiting 409. Another customer's invoice number is 404 (account-kit.ts, "Scoping").
 */
import type Router from '@koa/router';
import { loadBankTransferSettings } from '../../billing/payments/bank-transfer/bank-transfer-settings.js';
import { issueTransferCode } from '../../billing/payments/bank-transfer/issue-transfer-code.js';
import { MAX_RECEIPT_BYTES } from '../../billing/payments/bank-transfer/receipt-file.js';
import { submitTransferReceipt } from '../../billing/payments/bank-transfer/transfer-receipts.js';
import { AppError } from '../../lib/errors.js';
import { formBody, queryValue } from '../../lib/http/request.js';
import { uploadedFile } from '../../lib/http/multipart-body.js';
import { t } from '../../lib/i18n.js';
import type { PortalState } from '../context.js';
import { HOME, invoicePath, notFound, type AccountCtx, type AccountKit } from './account-kit.js';
import { invoiceOfCustomer } from './account-data.js';
import { openTransferCode, receiptsOfInvoice, splitAmount } from './bank-transfer-data.js';

/** The upload's path, for the body parser (web/portal-routes.ts). */
export const isReceiptUpload = (path: string): boolean => /^\/portal\/account\/invoices\/[^/]+\/bank-transfer\/receipt$/.test(path);

const K = 'bank_transfer_portal';

/** An amount as a person types it in Indonesia: `150123`, `150.123`, `Rp 150.123`; else null. */
export function typedRupiah(text: string): number | null {
  const v = text.trim().replace(/^rp\.?\s*/i, '');
  if (!/^\d{1,3}(\.\d{3})+$|^\d{1,15}$/.test(v)) return null;
  const n = Number(v.replace(/\./g, ''));
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

export function addBankTransferRoutes(r: Router<PortalState>, kit: AccountKit): void {
  const { deps, account, page } = kit;
  const path = (number: string): string => `${invoicePath(number)}/bank-transfer`;

  /** The invoice and the settings, or 404 when either is missing (off, or not this customer's). */
  async function context(ctx: AccountCtx) {
    const settings = await loadBankTransferSettings(deps.db);
    if (!settings.enabled) throw notFound();
    const found = await invoiceOfCustomer(deps.db, ctx.state.customer.id, String(ctx.params.number ?? ''));
    if (!found) throw notFound();
    return { settings, found, number: String(ctx.params.number) };
  }

  async function show(ctx: AccountCtx, extra: { error?: string; status?: number; amount?: string } = {}): Promise<void> {
    const { settings, found, number } = await context(ctx);
    const customerId = ctx.state.customer.id;
    const code = found.owed > 0 ? await openTransferCode(deps.db, customerId, found.invoiceId, found.owed, deps.clock.now()) : null;
    const receipts = await receiptsOfInvoice(deps.db, customerId, found.invoiceId);
    const pending = receipts.some((x) => x.status === 'pending');
    if (extra.status) ctx.status = extra.status;
    const sent = queryValue(ctx.query.sent, 2) === '1';
    page(ctx, 'bank-transfer', {
      title: t(ctx.state.locale, `${K}.title`), invoiceNumber: number, invoiceHref: invoicePath(number), href: path(number),
      owed: found.owed, code: code ? { ...code, ...splitAmount(code.amount) } : null,
      bankAccounts: settings.accounts.map((a) => ({ ...a, bankLabel: a.bank.toUpperCase() })), codeHours: settings.codeHours,
      receipts, pending, canUpload: found.owed > 0 && !pending, maxMb: MAX_RECEIPT_BYTES / (1024 * 1024),
      amount: extra.amount ?? String(code?.amount ?? (found.owed || '')), error: extra.error ?? null,
      sent, codeError: queryValue(ctx.query.code_error, 20) === 'busy' ? `${K}.error.no_code` : null,
    });
  }

  r.get(`${HOME}/invoices/:number/bank-transfer`, ...account((ctx) => show(ctx)));

  r.post(`${HOME}/invoices/:number/bank-transfer`, ...account(async (ctx) => {
    const { settings, found, number } = await context(ctx);
    if (found.owed <= 0) return ctx.redirect(invoicePath(number));
    try {
      await issueTransferCode({ db: deps.db, clock: deps.clock }, { customerId: ctx.state.customer.id, invoiceId: found.invoiceId, codeHours: settings.codeHours });
    } catch (err) {
      if (err instanceof AppError && err.code === 'no_transfer_code') return ctx.redirect(`${path(number)}?code_error=busy`);
      if (err instanceof AppError && err.code === 'invoice_not_open') return ctx.redirect(invoicePath(number));
      throw err;
    }
    ctx.redirect(path(number));
  }));

  r.post(`${HOME}/invoices/:number/bank-transfer/receipt`, ...account(async (ctx) => {
    const { found, number } = await context(ctx);
    const typed = String(formBody(ctx).amount ?? '').slice(0, 30);
    const refuse = (key: string, status: number) => show(ctx, { error: `${K}.error.${key}`, status, amount: typed });
    const file = uploadedFile(ctx);
    if (!file || (!file.truncated && file.content.length === 0)) return refuse('receipt_missing', 400);
    if (file.truncated) return refuse('receipt_too_large', 413);
    const amount = typedRupiah(typed);
    if (!amount) return refuse('invalid_amount', 400);
    if (found.owed <= 0) return refuse('invoice_not_open', 409);
    if ((await receiptsOfInvoice(deps.db, ctx.state.customer.id, found.invoiceId)).some((x) => x.status === 'pending')) return refuse('receipt_pending', 409);
    try {
      await submitTransferReceipt({ db: deps.db, clock: deps.clock }, { customerId: ctx.state.customer.id, invoiceId: found.invoiceId, amount, content: file.content });
    } catch (err) {
      if (err instanceof AppError && ['receipt_too_large', 'receipt_type', 'invalid_amount', 'invoice_not_open'].includes(err.code)) return refuse(err.code, err.status);
      // Two uploads at once: the second meets the one-pending-receipt index (migration 202612080009).
      if ((err as { code?: string }).code === '23505') return refuse('receipt_pending', 409);
      throw err;
    }
    // Neither the file nor its name: who sent a receipt for which invoice.
    deps.log.info({ customer: ctx.state.customer.customer_number, invoice: number, bytes: file.content.length }, 'transfer receipt uploaded in the portal');
    ctx.redirect(`${path(number)}?sent=1`);
  }));
}
