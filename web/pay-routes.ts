/**
 * The pay link in invoice and reminder messages: GET /pay/<signed invoice id> opens the gateway's
 * payment page for what is still owed (a new order each attempt, a recent pending one reused);
 * GET /pay/done is where the gateway sends the customer back. Pages are in the customer's language.
 */
import Router from '@koa/router';
import type { Knex } from '../lib/db.js';
import { AppError } from '../lib/errors.js';
import type { Views } from '../lib/http/views.js';
import { t, toLocale, type Locale } from '../lib/i18n.js';
import type { BillingEngine } from '../billing/engine/engine.js';

export function createPayRouter(deps: { db: Knex; engine: Pick<BillingEngine, 'invoiceOfPayToken' | 'createPaymentLink'>; views: Views }): Router {
  const router = new Router();
  const page = (locale: Locale, key: string, invoiceNumber?: string): string =>
    deps.views.render('pay/message', { lang: locale, title: t(locale, `${key}.heading`), heading: t(locale, `${key}.heading`), text: t(locale, `${key}.text`), invoiceNumber });

  router.get('/pay/done', (ctx) => {
    const locale = toLocale(ctx.query.lang);
    ctx.type = 'html';
    ctx.body = page(locale, 'pay.done');
  });

  router.get('/pay/:token', async (ctx) => {
    ctx.type = 'html';
    const invoiceId = deps.engine.invoiceOfPayToken(ctx.params.token ?? '');
    const invoice = invoiceId === null ? undefined : await deps.db('invoices as i').join('customers as c', 'c.id', 'i.customer_id').where('i.id', invoiceId).first('i.invoice_number', 'c.locale');
    if (!invoice) {
      ctx.status = 404;
      ctx.body = page('id', 'pay.invalid');
      return;
    }
    const locale = toLocale(invoice.locale);
    try {
      const link = await deps.engine.createPaymentLink(invoiceId!);
      ctx.redirect(link.url);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      ctx.status = err.status;
      ctx.body = page(locale, err.code === 'invoice_not_open' ? 'pay.settled' : 'pay.unavailable', invoice.invoice_number);
    }
  });
  return router;
}
