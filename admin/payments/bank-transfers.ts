/**
 * The bank-transfer screen (issue 14, payment channels; README.md, "Payments"):
 * - GET  /admin/bank-transfers: the statement upload form, the lines the automatic match
 *   left (unmatched, ambiguous) and the receipts customers uploaded, waiting for approval;
 * - POST /admin/bank-transfers/statement: a statement (bank + the CSV pasted or loaded
 *   into the text area; the console's form limit is 100 kB) → matched, listed
 *   (billing/payments/bank-transfer/import-bank-statement.ts);
 * - POST /admin/bank-transfers/lines/:id: credit a line to a customer (and invoice) by
 *   number, or ignore it (match-line-by-hand.ts);
 * - GET  /admin/bank-transfers/receipts/:id/file: the receipt as uploaded, served with
 *   its checked type, `nosniff` and a sandboxing CSP (an uploaded PDF runs no script here);
 * - POST /admin/bank-transfers/receipts/:id: approve, or reject with a reason.
 * Every route needs bank_transfers.manage (admin, cashier: not area-scoped collectors, as every
 * customer's money is here); every POST the CSRF token (`guard`); every decision is audited by
 * the use case.
 */
import Router from '@koa/router';
import { importBankStatement, type ImportOutcome } from '../../billing/payments/bank-transfer/import-bank-statement.js';
import { settleLineByHand } from '../../billing/payments/bank-transfer/match-line-by-hand.js';
import { BANKS, type Bank } from '../../billing/payments/bank-transfer/statement-layouts.js';
import { decideTransferReceipt } from '../../billing/payments/bank-transfer/transfer-receipts.js';
import type { ChannelName } from '../../billing/notifications/channel.js';
import { AppError } from '../../lib/errors.js';
import { formBody, idParam } from '../../lib/http/request.js';
import { t } from '../../lib/i18n.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { customerByNumber, invoiceByNumber, openStatementLines, pendingReceipts } from './bank-transfer-queue.js';

type Ctx = Parameters<Parameters<Router<AdminState>['get']>[1]>[0];

export function createBankTransferRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  const base = '/admin/bank-transfers';

  async function page(ctx: Ctx, extra: { outcome?: ImportOutcome; error?: string; done?: string } = {}): Promise<void> {
    const o = extra.outcome;
    const summary = o
      ? t(ctx.state.locale, 'payments_channels.admin.outcome').replace('{lines}', String(o.lines)).replace('{seen}', String(o.seenBefore))
        .replace('{matched}', String(o.matched.length)).replace('{open}', String(o.unmatched.length + o.ambiguous.length))
      : null;
    deps.render(ctx, 'admin/payments/bank-transfers', {
      title: t(ctx.state.locale, 'payments_channels.admin.title'),
      summary,
      banks: BANKS.map((b) => ({ value: b, label: b.toUpperCase() })),
      lines: await openStatementLines(deps.db),
      receipts: await pendingReceipts(deps.db),
      ...extra,
    });
  }

  r.get(base, ...guard('bank_transfers.manage'), async (ctx) => page(ctx));

  r.post(`${base}/statement`, ...guard('bank_transfers.manage'), async (ctx) => {
    const body = formBody(ctx);
    const bank = (BANKS as readonly string[]).includes(body.bank ?? '') ? (body.bank as Bank) : null;
    const content = String(body.content ?? '');
    if (!bank || !content.trim()) return page(ctx, { error: 'payments_channels.admin.error.statement_missing' });
    try {
      const outcome = await deps.engine.run((d) => importBankStatement(d, { bank, filename: String(body.filename ?? `${bank}.csv`), content: Buffer.from(content, 'utf8'), staffId: ctx.state.staff!.id }));
      deps.log.info({ bank, lines: outcome.lines, matched: outcome.matched.length, staff: ctx.state.staff?.username }, 'bank statement uploaded');
      await page(ctx, { outcome });
    } catch (err) {
      if (err instanceof AppError && err.status < 500) return page(ctx, { error: `payments_channels.admin.error.${err.code}` });
      throw err;
    }
  });

  r.post(`${base}/lines/:id`, ...guard('bank_transfers.manage'), async (ctx) => {
    const lineId = idParam(ctx.params.id);
    const body = formBody(ctx);
    const staffId = ctx.state.staff!.id;
    try {
      if (body.action === 'ignore') {
        await deps.engine.run((d) => settleLineByHand(d, { lineId, action: 'ignore', staffId, actor: actorOf(ctx) }));
      } else {
        const customer = await customerByNumber(deps.db, String(body.customer ?? ''));
        if (!customer) return page(ctx, { error: 'payments_channels.admin.error.customer_not_found' });
        const invoice = body.invoice?.trim() ? await invoiceByNumber(deps.db, customer.id, body.invoice) : null;
        if (body.invoice?.trim() && !invoice) return page(ctx, { error: 'payments_channels.admin.error.invoice_not_open' });
        await deps.engine.run((d) => settleLineByHand(d, { lineId, action: 'credit', customerId: customer.id, invoiceId: invoice?.id ?? null, staffId, actor: actorOf(ctx) }));
      }
      await page(ctx, { done: 'payments_channels.admin.line_done' });
    } catch (err) {
      if (err instanceof AppError && err.status < 500) return page(ctx, { error: `payments_channels.admin.error.${err.code}` });
      throw err;
    }
  });

  r.get(`${base}/receipts/:id/file`, ...guard('bank_transfers.manage'), async (ctx) => {
    const row = await deps.db('transfer_receipts').where({ id: idParam(ctx.params.id) }).first('content_type', 'content');
    if (!row) throw new AppError('not_found', 'not_found', 404);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', "default-src 'none'; img-src 'self'; sandbox");
    ctx.set('Content-Disposition', 'inline');
    ctx.type = String(row.content_type);
    ctx.body = row.content as Buffer;
  });

  r.post(`${base}/receipts/:id`, ...guard('bank_transfers.manage'), async (ctx) => {
    const receiptId = idParam(ctx.params.id);
    const body = formBody(ctx);
    const decision = body.decision === 'approve' ? { approve: true as const } : { approve: false as const, reason: String(body.reason ?? '') };
    const channels = Object.keys(deps.engine.channels).filter((n) => n !== 'telegram') as ChannelName[];
    try {
      await deps.engine.run((d) => decideTransferReceipt(d, { receiptId, decision, staffId: ctx.state.staff!.id, actor: actorOf(ctx), channels }));
      await page(ctx, { done: decision.approve ? 'payments_channels.admin.receipt_approved' : 'payments_channels.admin.receipt_rejected' });
    } catch (err) {
      if (err instanceof AppError && err.status < 500) return page(ctx, { error: `payments_channels.admin.error.${err.code}` });
      throw err;
    }
  });

  return r;
}
