/**
 * The staff console's request pipeline, in order: the signed-in staff member from the session
 * cookie (re-read from staff_users on every request, so a deactivation, role change or "sign out
 * everywhere" takes effect at once), the sign-in gate, the CSRF check on every state-changing
 * request, and per-route permission checks.
 */
import { timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import type { Knex } from '../lib/db.js';
import { AppError } from '../lib/errors.js';
import type { Locale } from '../lib/i18n.js';
import type { AuditActor } from '../lib/audit.js';
import { permissionsOf, type Permission } from './permissions.js';
import { countOpenAlerts } from './alerts/staff-alerts.js';
import { loadBillingSettings } from '../billing/settings/billing-settings.js';
import { pickStaff, type StaffRow } from './auth/sign-in.js';
import type { StaffSession, StaffSessions } from './auth/staff-sessions.js';
import { formBody, LANGUAGE_COOKIE, SESSION_COOKIE } from './request.js';

export interface SignedInStaff extends StaffRow {
  permissions: ReadonlySet<Permission>;
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

/** Loads the session and its staff member into ctx.state (nothing when signed out). */
export function loadStaff(deps: { db: Knex; sessions: StaffSessions }): Koa.Middleware<AdminState> {
  return async (ctx, next) => {
    ctx.state.locale = ctx.cookies.get(LANGUAGE_COOKIE) === 'en' ? 'en' : 'id';
    const session = await deps.sessions.get(ctx.cookies.get(SESSION_COOKIE));
    if (session) {
      const row = await deps.db('staff_users').where({ id: session.staffUserId }).first();
      if (row && row.is_active && Number(row.session_version) === session.sessionVersion) {
        const staff = pickStaff(row);
        ctx.state.staff = { ...staff, permissions: permissionsOf(staff.role) };
        ctx.state.session = session;
        ctx.state.locale = staff.locale;
        // The header's count: full pages only (not htmx fragments, not form posts).
        if (ctx.method === 'GET' && (!ctx.get('HX-Request') || ctx.get('HX-Boosted')) && ctx.state.staff.permissions.has('alerts.view')) ctx.state.openAlerts = await countOpenAlerts(deps.db);
      }
    }
    if (ctx.method === 'GET' && (!ctx.get('HX-Request') || ctx.get('HX-Boosted'))) ctx.state.companyName = (await loadBillingSettings(deps.db)).companyName;
    await next();
  };
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
