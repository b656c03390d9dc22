/**
 * The portal's request pipeline: the page language (the `isp_lang` cookie, else the browser's
 * Accept-Language, else Indonesian) and CSRF protection for every state-changing request.
 *
 * CSRF uses the double-submit cookie pattern (OWASP CSRF Prevention Cheat Sheet): the captive
 * portal and hotspot pages have no session to hold a synchronizer token, so a random token lives
 * in the HttpOnly cookie `isp_portal_csrf`, every page carries it (`{{csrf}}`, as the form field
 * `_csrf` or htmx's `X-CSRF-Token` header from the layout), and a POST must present the same value.
 * SameSite=Lax on the cookie keeps other sites' forms from sending it at all; it is Secure when the
 * request is https (ctx.secure, proxy-aware: lib/http/client-address.ts). On top of it, a POST
 * from another origin is refused (lib/http/origin-check.ts, web/portal-routes.ts).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import { AppError } from '../lib/errors.js';
import type { Locale } from '../lib/i18n.js';
import { formBody, LANGUAGE_COOKIE } from '../lib/http/request.js';

export interface PortalState {
  locale: Locale;
  /** This browser's CSRF token (rendered into every page). */
  csrf: string;
  /** The ISP's name (billing settings), shown in every page's header. */
  company: string;
}

export const PORTAL_CSRF_COOKIE = 'isp_portal_csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The page language: cookie, then Accept-Language, then Indonesian. */
export function portalLocale(ctx: Koa.Context): Locale {
  const cookie = ctx.cookies.get(LANGUAGE_COOKIE);
  if (cookie === 'en' || cookie === 'id') return cookie;
  return /^en\b/i.test(ctx.get('accept-language')) ? 'en' : 'id';
}

/**
 * Sets ctx.state.locale and ctx.state.csrf (issuing the cookie on first visit) and refuses a
 * state-changing request whose `_csrf` field / `X-CSRF-Token` header does not match the cookie.
 * @throws AppError `csrf_invalid` (403).
 */
export function portalContext(): Koa.Middleware<PortalState> {
  return async (ctx, next) => {
    ctx.state.locale = portalLocale(ctx);
    const cookie = ctx.cookies.get(PORTAL_CSRF_COOKIE) ?? '';
    if (!SAFE.has(ctx.method)) {
      const given = String(formBody(ctx)._csrf ?? ctx.get('X-CSRF-Token') ?? '');
      if (!/^[A-Za-z0-9_-]{43}$/.test(cookie) || !given || !same(given, cookie)) throw new AppError('csrf_invalid', 'csrf_invalid', 403);
    }
    let token = cookie;
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) {
      token = randomBytes(32).toString('base64url');
      ctx.cookies.set(PORTAL_CSRF_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/portal', overwrite: true });
    }
    ctx.state.csrf = token;
    await next();
  };
}
