/**
 * Sign-in, sign-out (this browser, or everywhere), password change and language choice.
 * POST /admin/login is the one state-changing route without a session; it is protected by the
 * sign-in brakes (sign-in.ts) and SameSite cookies instead of a CSRF token.
 */
import Router from '@koa/router';
import type { AdminState } from '../context.js';
import { actorOf, guard } from '../context.js';
import { formBody, LANGUAGE_COOKIE } from '../../lib/http/request.js';
import { SESSION_COOKIE, setSessionCookie } from '../staff-sessions.js';
import type { AdminDeps } from '../deps.js';
import { changeOwnPassword, setStaffLocale, signOutEverywhere } from './staff-account.js';
import { signIn } from './sign-in.js';
import { homePath, permissionsOf } from '../../lib/permissions.js';
import { t } from '../../lib/i18n.js';

/** Only a path of this console, so a sign-in link cannot send staff elsewhere (open redirect). */
const safeNext = (next: unknown): string => (typeof next === 'string' && /^\/admin(\/[^/\\]|$|\?)/.test(next) ? next : '/admin');

export function createAuthRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();

  r.get('/admin/login', (ctx) => {
    if (ctx.state.staff) return ctx.redirect(homePath(ctx.state.staff.permissions));
    if (ctx.query.lang === 'id' || ctx.query.lang === 'en') {
      ctx.cookies.set(LANGUAGE_COOKIE, ctx.query.lang, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 24 * 3600 * 1000 });
      return ctx.redirect('/admin/login');
    }
    deps.render(ctx, 'admin/login', { title: t(ctx.state.locale, 'page_title.sign_in'), next: safeNext(ctx.query.next) });
  });

  r.post('/admin/login', async (ctx) => {
    const b = formBody(ctx);
    const username = String(b.username ?? '').slice(0, 64);
    const result = await signIn(
      {
        db: deps.db, redis: deps.redis, clock: deps.clock, prefix: deps.prefix,
        lockoutFailures: deps.config.STAFF_LOCKOUT_FAILURES, lockoutMinutes: deps.config.STAFF_LOCKOUT_MINUTES, rounds: deps.config.PASSWORD_HASH_ROUNDS,
      },
      { username, password: String(b.password ?? ''), ip: ctx.ip },
    );
    if (!result.ok) {
      // The reason (locked, unknown name…) is for the log; the page says the same for all of them.
      deps.log.warn({ username, ip: ctx.ip, code: result.code, reason: 'reason' in result ? result.reason : undefined }, 'staff sign-in refused');
      ctx.status = result.code === 'rate_limited' ? 429 : 401;
      return deps.render(ctx, 'admin/login', { title: t(ctx.state.locale, 'page_title.sign_in'), username, next: safeNext(b.next), error: `login.${result.code}` });
    }
    const { token } = await deps.sessions.create(result.staff.id, result.staff.session_version, deps.clock.now());
    setSessionCookie(ctx, token);
    // No page asked for: the staff member's start page (a collector has no dashboard: the customers).
    const next = safeNext(b.next);
    ctx.redirect(result.staff.must_change_password ? '/admin/password' : next === '/admin' ? homePath(permissionsOf(result.staff.role)) : next);
  });

  r.post('/admin/logout', ...guard(), async (ctx) => {
    await deps.sessions.destroy(ctx.cookies.get(SESSION_COOKIE));
    setSessionCookie(ctx, null);
    ctx.redirect('/admin/login');
  });

  r.post('/admin/logout-everywhere', ...guard(), async (ctx) => {
    await signOutEverywhere(deps.db, actorOf(ctx));
    setSessionCookie(ctx, null);
    ctx.redirect('/admin/login');
  });

  r.get('/admin/password', ...guard(), (ctx) => deps.render(ctx, 'admin/password', { title: t(ctx.state.locale, 'nav.password'), forced: ctx.state.staff!.must_change_password }));

  r.post('/admin/password', ...guard(), async (ctx) => {
    const b = formBody(ctx);
    const staff = ctx.state.staff!;
    const result = await changeOwnPassword(
      deps.db, actorOf(ctx), { current: String(b.current ?? ''), password: String(b.password ?? ''), confirm: String(b.confirm ?? '') }, deps.config.PASSWORD_HASH_ROUNDS,
    );
    if (!result.ok) {
      ctx.status = 422;
      return deps.render(ctx, 'admin/password', { title: t(ctx.state.locale, 'nav.password'), forced: staff.must_change_password, errors: result.errors });
    }
    // Every other session ended with the old session_version; this browser gets a new one.
    await deps.sessions.destroy(ctx.cookies.get(SESSION_COOKIE));
    const { token } = await deps.sessions.create(staff.id, result.sessionVersion, deps.clock.now());
    setSessionCookie(ctx, token);
    ctx.redirect(`${homePath(staff.permissions)}?saved=password`);
  });

  r.post('/admin/language', ...guard(), async (ctx) => {
    const locale = formBody(ctx).locale === 'en' ? 'en' : 'id';
    await setStaffLocale(deps.db, ctx.state.staff!.id, locale);
    ctx.redirect(safeNext(ctx.get('Referer') ? new URL(ctx.get('Referer'), 'http://x').pathname : '/admin'));
  });

  return r;
}
