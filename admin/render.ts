/**
 * Renders console pages: the full page in the admin layout, or only a fragment when htmx asks
 * (`HX-Request`, not a boosted navigation), as ARCHITECTURE.md ("Conventions") sets out. Every page gets the
 * signed-in staff member, their permissions (for `{{#if (includes @root.permissions "…")}}`),
 * the CSRF token, the language, the ISP time zone and (full pages) the company name as `brand`.
 */
import type Koa from 'koa';
import type { Views } from '../lib/http/views.js';
import type { AdminState } from './context.js';

export interface AdminRender {
  /**
   * @param view template under views/ (e.g. `admin/customers/list`)
   * @param fragment template rendered alone for an htmx request (e.g. `partials/admin/customer-rows`)
   */
  (ctx: Koa.ParameterizedContext<AdminState>, view: string, data: Record<string, unknown>, fragment?: string): void;
}

export function createAdminRender(views: Views, timeZone: string): AdminRender {
  return (ctx, view, data, fragment) => {
    const staff = ctx.state.staff;
    const page = {
      ...data,
      locale: ctx.state.locale,
      lang: ctx.state.locale,
      timeZone,
      csrf: ctx.state.session?.csrf ?? '',
      staff: staff ? { name: staff.name, username: staff.username, role: staff.role } : null,
      permissions: staff ? [...staff.permissions] : [],
      path: ctx.path,
      openAlerts: ctx.state.openAlerts ?? null,
      brand: ctx.state.companyName ?? null,
    };
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = fragment && ctx.get('HX-Request') && !ctx.get('HX-Boosted') ? views.fragment(fragment, page) : views.render(view, page, 'admin');
  };
}
