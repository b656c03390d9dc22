/**
 * Sign-in without a password: a one-time code sent by the configured channel (WhatsApp/SMS,
 * portal/account/sign-in.ts; /portal/account/login/code and /verify), and a one-time link staff
 * handed over (billing/customers/sign-in-link.ts): a button first, so a link preview does not use
 * it up; a used or expired link is 410 Gone.
 */
import type Router from '@koa/router';
import { formBody } from '../../lib/http/request.js';
import { t } from '../../lib/i18n.js';
import type { PortalState } from '../context.js';
import { HOME, LOGIN, safeNext, type AccountKit } from './account-kit.js';
import { CODE_TTL_SECONDS, type PortalCustomerRow } from './sign-in.js';
import { createSignInLinks, SIGN_IN_LINK_PATH } from '../../billing/customers/sign-in-link.js';
import type { SignInFlow } from './sign-in-flow.js';

export function addCodeSignInRoutes(r: Router<PortalState>, kit: AccountKit, flow: SignInFlow): void {
  const { deps } = kit;
  const { signIn, loginPage, refusal, startSession } = flow;

  r.post(`${LOGIN}/code`, async (ctx) => {
    const b = formBody(ctx);
    const identifier = String(b.identifier ?? '').slice(0, 40);
    const result = await signIn.requestCode({ identifier, ip: ctx.ip });
    if (!result.ok) return loginPage(ctx, { identifier, ...refusal(ctx, result), next: safeNext(b.next) });
    deps.render(ctx, 'portal/account/code', { title: t(ctx.state.locale, 'portal.account.code.heading'), identifier, via: signIn.codeChannel(), minutes: CODE_TTL_SECONDS / 60, next: safeNext(b.next) });
  });

  r.post(`${LOGIN}/verify`, async (ctx) => {
    const b = formBody(ctx);
    const identifier = String(b.identifier ?? '').slice(0, 40);
    const result = await signIn.withCode({ identifier, code: String(b.code ?? '').slice(0, 20), ip: ctx.ip });
    if (!result.ok) {
      deps.log.warn({ ip: ctx.ip, code: result.code }, 'portal code sign-in refused');
      const shown = refusal(ctx, result);
      return deps.render(ctx, 'portal/account/code', { title: t(ctx.state.locale, 'portal.account.code.heading'), identifier, via: signIn.codeChannel(), minutes: CODE_TTL_SECONDS / 60, next: safeNext(b.next), ...shown, error: `portal.account.code.${result.code}` });
    }
    await startSession(ctx, result.customers, 'code', safeNext(b.next));
  });
}

export function addLinkSignInRoutes(r: Router<PortalState>, kit: AccountKit, flow: SignInFlow): void {
  const { deps } = kit;
  const { loginPage, startSession } = flow;
  const links = createSignInLinks({ redis: deps.redis, prefix: deps.prefix });

  async function findCustomersById(id: number): Promise<PortalCustomerRow[]> {
    const rows = await deps.db('customers').where({ id }).select('id', 'customer_number', 'name', 'phone', 'locale', 'portal_password_hash', 'portal_session_version');
    return rows.map((c) => ({ ...c, id: Number(c.id), portal_session_version: Number(c.portal_session_version) }));
  }

  r.get(`${SIGN_IN_LINK_PATH}/:token`, async (ctx) => {
    ctx.set('Referrer-Policy', 'no-referrer');
    const customerId = await links.peek(String(ctx.params.token));
    if (customerId === null) {
      ctx.status = 410;
      return loginPage(ctx, { error: 'portal.account.link.invalid' });
    }
    deps.render(ctx, 'portal/account/link', { title: t(ctx.state.locale, 'page_title.sign_in'), token: String(ctx.params.token) });
  });

  r.post(`${SIGN_IN_LINK_PATH}/:token`, async (ctx) => {
    const customerId = await links.redeem(String(ctx.params.token));
    const [customer] = customerId === null ? [] : await findCustomersById(customerId);
    if (!customer) {
      ctx.status = 410;
      return loginPage(ctx, { error: 'portal.account.link.invalid' });
    }
    await startSession(ctx, [customer], 'link', HOME);
  });
}
