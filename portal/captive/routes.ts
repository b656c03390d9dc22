/**
 * The captive portal of the walled garden (/portal/captive). The router sends a restricted
 * subscriber's web requests here (README: the `isolir` address list's dst-nat); the page says who
 * is connected (masked), why the service is restricted, what is owed, and offers one payment per
 * configured gateway that restores access (with no gateway on, or as a second way when the ISP
 * has set bank accounts: a bank transfer, with the amount and the invoice numbers for the note);
 * then it watches for the payment to land.
 *
 * - GET  /portal/captive: the subscriber is the newest open accounting session with the
 *   request's address (ctx.ip, TRUSTED_PROXIES-aware). Restricted: the page, with a captive
 *   token (captive-token.ts) in its form and poll URLs. No session, or not restricted: a friendly
 *   page with the ISP's contact, status 200.
 * - GET  /portal/captive/status/:token: the status fragment htmx polls every 3 s (keyed by the
 *   token, not the address: the router reconnects the subscriber after payment, often with a new
 *   address); without htmx, the whole page.
 * - GET  /portal/captive/done/:token: where the gateway sends the customer back (Midtrans Snap
 *   `callbacks.finish`, which appends `?order_id=…&transaction_status=…`; Xendit
 *   `success_redirect_url`). The query is not trusted: the page says what our books say, and
 *   keeps polling while the payment is pending (a virtual account paid later at an ATM).
 * - POST /portal/captive/pay/:token (`provider`, CSRF): a payment link for what restores access
 *   (billing/payments/restore-due.ts: every open invoice up to the last past-due one, in one payment), then 303
 *   to the gateway; while a "paid" notification is being confirmed, 303 to the status page instead. Nothing in the form names an invoice: the token decides whose they are.
 * A token that is not ours, altered or expired gets 403 and a page that says to reload.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { formBody } from '../../lib/http/request.js';
import { configuredProviders } from '../../billing/payments/create-payment-link.js';
import type { Provider } from '../../billing/payments/gateways/payment-gateway.js';
import { loadBillingSettings } from '../../billing/settings/billing-settings.js';
import { AppError } from '../../lib/errors.js';
import { t } from '../../lib/i18n.js';
import type { PortalState } from '../context.js';
import type { PortalDeps } from '../deps.js';
import { captiveAccount, restricted, sessionAtAddress, subscriptionOfSession, type CaptiveAccount } from './captive-account.js';
import { bankTransfer, captiveContact, type CaptiveContact } from './captive-contact.js';
import { issueCaptiveToken, readCaptiveToken } from './captive-token.js';

type Ctx = Koa.ParameterizedContext<PortalState>;

/**
 * What the status fragment says: back online; service ended; a payment being confirmed (no
 * second payment offered); a payment waiting; unpaid; held by staff.
 */
export type CaptiveStatus = 'online' | 'closed' | 'confirming' | 'pending' | 'unpaid' | 'held';

function statusOf(account: CaptiveAccount): CaptiveStatus {
  if (account.access === 'active') return 'online';
  if (account.access === 'terminated') return 'closed';
  if (account.confirming) return 'confirming';
  if (account.pending) return 'pending';
  return account.liftedByPayment && account.restoreDue.payNow ? 'unpaid' : 'held';
}

const STATUS_FRAGMENT = 'partials/portal/captive-status';

export function createCaptiveRoutes(deps: PortalDeps): Router<PortalState> {
  const r = new Router<PortalState>();
  const now = (): Date => deps.clock.now();
  /** The gateways on now (the console can turn one off or on while we run). */
  const providersNow = async (): Promise<Provider[]> => {
    await deps.engine.integrations?.ensureFresh();
    return configuredProviders(deps.engine.gateways);
  };
  /** The ISP's contact for a whole page; null for an htmx poll, whose fragment has none (portal/render.ts decides the same way). */
  const contact = async (ctx: Ctx): Promise<CaptiveContact | null> => {
    if (ctx.get('HX-Request') && !ctx.get('HX-Boosted')) return null;
    return captiveContact(await loadBillingSettings(deps.db));
  };

  /** The friendly page for a connection that is not restricted (or not ours): always 200. */
  async function welcome(ctx: Ctx, variant: 'unknown' | 'active'): Promise<void> {
    deps.render(ctx, 'portal/captive/welcome', { title: t(ctx.state.locale, `portal.captive.welcome.${variant}.heading`), variant, contact: await contact(ctx) });
  }

  async function page(ctx: Ctx, token: string, account: CaptiveAccount, error?: string): Promise<void> {
    const [providers, settings] = await Promise.all([providersNow(), loadBillingSettings(deps.db)]);
    const payable = restricted(account.access) && account.restoreDue.payNow !== null && !account.confirming;
    deps.render(ctx, 'portal/captive/page', {
      title: t(ctx.state.locale, `portal.captive.heading.${account.access}`),
      htmx: true,
      account,
      status: statusOf(account),
      canPay: providers.length > 0 && payable,
      // Without a gateway the way to pay; with one, a second way when the ISP has an account.
      bank: payable && (providers.length === 0 || settings.bankAccounts.length > 0) ? bankTransfer(settings, account) : null,
      statusUrl: `/portal/captive/status/${token}`,
      payUrl: `/portal/captive/pay/${token}`,
      providers,
      contact: await contact(ctx),
      error,
    }, STATUS_FRAGMENT);
  }

  /** The route's token and the account it names, or null after answering 403 (the expired page, or its fragment for a poll). */
  async function fromToken(ctx: Ctx): Promise<{ token: string; account: CaptiveAccount } | null> {
    const token = ctx.params.token ?? '';
    const sessionKey = readCaptiveToken(deps.signer, token, now());
    const subscriptionId = sessionKey ? await subscriptionOfSession(deps.db, sessionKey) : null;
    const account = subscriptionId === null ? null : await captiveAccount(deps.db, subscriptionId, now(), deps.config.ISP_TIME_ZONE);
    if (account) return { token, account };
    ctx.status = 403;
    deps.render(ctx, 'portal/captive/invalid', { title: t(ctx.state.locale, 'portal.captive.invalid.heading'), contact: await contact(ctx) }, 'partials/portal/captive-invalid');
    return null;
  }

  r.get('/portal/captive', async (ctx) => {
    const at = await sessionAtAddress(deps.db, ctx.ip);
    const account = at ? await captiveAccount(deps.db, at.subscriptionId, now(), deps.config.ISP_TIME_ZONE) : null;
    if (!at || !account || account.access === 'terminated') return welcome(ctx, 'unknown');
    if (!restricted(account.access)) return welcome(ctx, 'active');
    await page(ctx, issueCaptiveToken(deps.signer, at.sessionKey, now()), account);
  });

  // The poll and the gateway's return: the page as our books have it (a pending payment keeps it polling).
  r.get(['/portal/captive/status/:token', '/portal/captive/done/:token'], async (ctx) => {
    const found = await fromToken(ctx);
    if (found) await page(ctx, found.token, found.account);
  });

  r.post('/portal/captive/pay/:token', async (ctx) => {
    const found = await fromToken(ctx);
    if (!found) return;
    const { token, account } = found;
    const provider = formBody(ctx).provider as Provider;
    if (!(await providersNow()).includes(provider)) throw new AppError('bad_request', 'unknown payment provider', 400);
    const payNow = account.restoreDue.payNow;
    if (!payNow || !restricted(account.access) || account.confirming) {
      ctx.status = 303;
      return ctx.redirect(`/portal/captive/status/${token}`);
    }
    try {
      const link = await deps.engine.createPaymentLink(payNow.throughInvoiceId, provider, { returnPath: `/portal/captive/done/${token}`, andEarlier: true });
      ctx.status = 303;
      ctx.redirect(link.url);
    } catch (err) {
      // createPaymentLink's expected failures: invoice_not_open, no_gateway, gateway_unavailable.
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'invoice_not_open') {
        // Paid in the meantime (another tab, the office): the page shows where things stand.
        ctx.status = 303;
        return ctx.redirect(`/portal/captive/status/${token}`);
      }
      ctx.status = err.status;
      await page(ctx, token, account, 'portal.captive.pay.unavailable');
    }
  });

  return r;
}
