/**
 * The signed-in customer's settings: the portal password (changing it ends every other session;
 * this browser gets a new one) and contact details (phone, email; optimistic `version`, 409 when
 * stale).
 */
import type Router from '@koa/router';
import { MIN_PASSWORD_LENGTH } from '../../lib/password.js';
import { formBody } from '../../lib/http/request.js';
import { t } from '../../lib/i18n.js';
import type { PortalState } from '../context.js';
import { HOME, notFound, type AccountKit } from './account-kit.js';
import { setPortalPassword, updateContactDetails } from './account-settings.js';
import { setCustomerCookie } from './customer-sessions.js';

export function addSettingsRoutes(r: Router<PortalState>, kit: AccountKit): void {
  const { deps, sessions, account, page, actorOf } = kit;

  r.get(`${HOME}/password`, ...account((ctx) => {
    page(ctx, 'password', { title: t(ctx.state.locale, 'portal.account.nav.password'), first: ctx.query.first === '1' && !ctx.state.customer.has_password, minPassword: MIN_PASSWORD_LENGTH });
  }));

  r.post(`${HOME}/password`, ...account(async (ctx) => {
    const b = formBody(ctx);
    const result = await setPortalPassword(deps.db, actorOf(ctx), {
      current: String(b.current ?? '').slice(0, 200), password: String(b.password ?? '').slice(0, 200), confirm: String(b.confirm ?? '').slice(0, 200),
    }, deps.config.PASSWORD_HASH_ROUNDS, deps.clock.now());
    if (!result.ok) {
      ctx.status = 422;
      return page(ctx, 'password', { title: t(ctx.state.locale, 'portal.account.nav.password'), errors: result.errors, minPassword: MIN_PASSWORD_LENGTH });
    }
    // Every other session ended with the old version; this browser gets a new session.
    await sessions.destroy(ctx.state.sessionToken);
    const token = await sessions.create({ ...ctx.state.session, sessionVersion: result.sessionVersion }, deps.clock.now());
    setCustomerCookie(ctx, token);
    ctx.redirect(`${HOME}?saved=password`);
  }));

  r.get(`${HOME}/contact`, ...account((ctx) => {
    const c = ctx.state.customer;
    page(ctx, 'contact', { title: t(ctx.state.locale, 'portal.account.contact.heading'), values: { phone: c.phone ?? '', email: c.email ?? '' }, version: c.version, saved: ctx.query.saved === '1' });
  }));

  r.post(`${HOME}/contact`, ...account(async (ctx) => {
    const b = formBody(ctx);
    const values = { phone: String(b.phone ?? '').slice(0, 100), email: String(b.email ?? '').slice(0, 300) };
    const result = await updateContactDetails(deps.db, actorOf(ctx), Number(b.version), values);
    if (result.ok) return ctx.redirect(`${HOME}/contact?saved=1`);
    if (result.code === 'not_found') throw notFound();
    ctx.status = result.code === 'stale' ? 409 : 422;
    page(ctx, 'contact', { title: t(ctx.state.locale, 'portal.account.contact.heading'), values, version: result.code === 'stale' ? ctx.state.customer.version : b.version, errors: result.code === 'invalid' ? result.errors : {}, stale: result.code === 'stale' });
  }));
}
