/**
 * The staff console's request state and guards. Every request first gets its signed-in staff
 * member (auth/load-staff.ts, mounted by web/admin-routes.ts); each route then carries, in order,
 * the sign-in gate, the CSRF check on every state-changing request, and its permission check.
 */
import { timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import { AppError } from '../lib/errors.js';
import type { Locale } from '../lib/i18n.js';
import type { AuditActor } from '../lib/audit.js';
import type { CustomerScope } from '../billing/customers/customer-scope.js';
import type { Permission } from '../lib/permissions.js';
import type { StaffRow } from './staff-row.js';
import type { StaffSession } from './staff-sessions.js';
import { formBody } from '../lib/http/request.js';

export interface SignedInStaff extends StaffRow {
  permissions: ReadonlySet<Permission>;
  /** The customers this staff member reaches (customer-scope.ts): everyone, or their areas' only. */
  scope: CustomerScope;
}

export interface AdminState {
  staff?: SignedInStaff;
  session?: StaffSession;
  locale: Locale;
  /** Open staff alerts, for the header of a full page (staff with alerts.view only). */
  openAlerts?: number;
  /** The ISP's name from the billing settings, for the header of a full page. */
  companyName?: string;
}

/** Where a signed-out request goes; htmx gets HX-Redirect so the whole page changes, not a fragment. */
export function redirectToSignIn(ctx: Koa.Context): void {
  const back = ctx.method === 'GET' && !ctx.get('HX-Request') ? `?next=${encodeURIComponent(ctx.originalUrl)}` : '';
  if (ctx.get('HX-Request')) {
    ctx.status = 204;
    ctx.set('HX-Redirect', `/admin/login${back}`);
  } else ctx.redirect(`/admin/login${back}`);
}

/** Signed-in staff only; one who must change the password first is sent there. */
export function requireStaff(): Koa.Middleware<AdminState> {
  return async (ctx, next) => {
    const staff = ctx.state.staff;
    if (!staff) return redirectToSignIn(ctx);
    if (staff.must_change_password && !ctx.path.startsWith('/admin/password') && ctx.path !== '/admin/logout') {
      return ctx.redirect('/admin/password');
    }
    await next();
  };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * State-changing requests must carry the session's CSRF token, as the form field `_csrf` or the
 * `X-CSRF-Token` header (htmx sends it from the layout's hx-headers). Source: OWASP CSRF
 * Prevention Cheat Sheet, synchronizer token pattern.
 * @throws AppError `csrf_invalid` (403).
 */
export function verifyCsrf(): Koa.Middleware<AdminState> {
  return async (ctx, next) => {
    if (!SAFE.has(ctx.method)) {
      const expected = ctx.state.session?.csrf;
      const given = String(formBody(ctx)._csrf ?? ctx.get('X-CSRF-Token') ?? '');
      if (!expected || !given || !same(given, expected)) throw new AppError('csrf_invalid', 'csrf_invalid', 403);
    }
    await next();
  };
}

/** @throws AppError `forbidden` (403) when the signed-in staff member lacks `permission`. */
export function requirePermission(permission: Permission): Koa.Middleware<AdminState> {
  return async (ctx, next) => {
    if (!ctx.state.staff?.permissions.has(permission)) throw new AppError('forbidden', 'forbidden', 403);
    await next();
  };
}

/** The audit actor of this request. */
export function actorOf(ctx: Koa.ParameterizedContext<AdminState>): AuditActor {
  const staff = ctx.state.staff;
  if (!staff) throw new AppError('unauthenticated', 'not signed in', 401);
  return { staffUserId: staff.id, username: staff.username, ip: ctx.ip || null };
}

/**
 * The middleware every console route but sign-in carries: signed in, CSRF on state changes, and
 * `permission` when given. Spelled out on each route so no route can be mounted unguarded.
 */
export function guard(permission?: Permission): Array<Koa.Middleware<AdminState>> {
  return permission ? [requireStaff(), verifyCsrf(), requirePermission(permission)] : [requireStaff(), verifyCsrf()];
}
