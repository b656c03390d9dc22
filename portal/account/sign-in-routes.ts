/**
 * Password sign-in, sign-out and switching accounts (/portal/account/login, /logout, /switch).
 * The sign-in page also sets the page language (`?lang=id|en`, the `isp_lang` cookie).
 */
import type Router from '@koa/router';
import { LANGUAGE_COOKIE, formBody, queryValue } from '../../lib/http/request.js';
import type { PortalState } from '../context.js';
import { HOME, LOGIN, notFound, safeNext, type AccountKit } from './account-kit.js';
import { loadPortalCustomer } from './account-data.js';
import { CUSTOMER_COOKIE, setCustomerCookie } from './customer-sessions.js';
import type { SignInFlow } from './sign-in-flow.js';

export function addSignInRoutes(r: Router<PortalState>, kit: AccountKit, flow: SignInFlow): void {
  const { deps, sessions } = kit;
  const { signIn, loginPage, refusal, startSession } = flow;

  r.get(LOGIN, async (ctx) => {
    const lang = queryValue(ctx.query.lang, 2);
    if (lang === 'id' || lang === 'en') {
      ctx.cookies.set(LANGUAGE_COOKIE, lang, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 24 * 3600 * 1000 });
      return ctx.redirect(LOGIN);
    }
    if (await sessions.get(ctx.cookies.get(CUSTOMER_COOKIE))) return ctx.redirect(HOME);
    loginPage(ctx, { signedOut: ctx.query.signed_out === '1' });
  });

  r.post(LOGIN, async (ctx) => {
    const b = formBody(ctx);
    const identifier = String(b.identifier ?? '').slice(0, 40);
    const result = await signIn.withPassword({ identifier, password: String(b.password ?? '').slice(0, 200), ip: ctx.ip });
    if (!result.ok) {
      deps.log.warn({ ip: ctx.ip, code: result.code }, 'portal password sign-in refused');
      return loginPage(ctx, { identifier, ...refusal(ctx, result), next: safeNext(b.next) });
    }
    await startSession(ctx, result.customers, 'password', safeNext(b.next));
  });
}

export function addSignOutRoutes(r: Router<PortalState>, kit: AccountKit): void {
  const { deps, sessions, account } = kit;

  r.post(`${HOME}/logout`, async (ctx) => {
    await sessions.destroy(ctx.cookies.get(CUSTOMER_COOKIE));
    setCustomerCookie(ctx, null);
    ctx.redirect(`${LOGIN}?signed_out=1`);
  });

  /** Several customers sharing one phone: switch between them (only those the code was for). */
  r.post(`${HOME}/switch`, ...account(async (ctx) => {
    const s = ctx.state.session;
    const wanted = String(formBody(ctx).account ?? '');
    const i = (s.accountNumbers ?? []).findIndex((a) => a.number === wanted);
    const id = i >= 0 ? s.customerIds?.[i] : undefined;
    const target = id === undefined ? null : await loadPortalCustomer(deps.db, id);
    if (!target) throw notFound();
    await sessions.replace(ctx.state.sessionToken, { ...s, customerId: target.id, sessionVersion: target.portal_session_version });
    ctx.redirect(HOME);
  }));
}
