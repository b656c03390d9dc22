/**
 * The first step of every console request (after body parsing, web/admin-routes.ts): who is
 * signed in. The staff member is re-read from staff_users on every request, so a deactivation,
 * role change or "sign out everywhere" (session_version raised) takes effect at once. A full page
 * also gets the header's facts: the open staff alerts (staff with alerts.view) and the ISP's name.
 */
import type Koa from 'koa';
import { loadBillingSettings } from '../../billing/settings/billing-settings.js';
import type { Knex } from '../../lib/db.js';
import { LANGUAGE_COOKIE } from '../../lib/http/request.js';
import { countOpenAlerts } from '../../lib/staff-alert-inbox.js';
import type { AdminState } from '../context.js';
import { loadCustomerScope } from '../../billing/customers/customer-scope.js';
import { permissionsOf } from '../../lib/permissions.js';
import { pickStaff } from '../staff-row.js';
import { SESSION_COOKIE, type StaffSessions } from '../staff-sessions.js';

/** Loads the session and its staff member into ctx.state (nothing when signed out). */
export function loadStaff(deps: { db: Knex; sessions: StaffSessions }): Koa.Middleware<AdminState> {
  return async (ctx, next) => {
    ctx.state.locale = ctx.cookies.get(LANGUAGE_COOKIE) === 'en' ? 'en' : 'id';
    const session = await deps.sessions.get(ctx.cookies.get(SESSION_COOKIE));
    if (session) {
      const row = await deps.db('staff_users').where({ id: session.staffUserId }).first();
      if (row && row.is_active && Number(row.session_version) === session.sessionVersion) {
        const staff = pickStaff(row);
        ctx.state.staff = { ...staff, permissions: permissionsOf(staff.role), scope: await loadCustomerScope(deps.db, staff) };
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
