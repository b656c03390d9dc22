/**
 * Print pages (an invoice, a receipt): a whole HTML document of their own, without the console's
 * header and menu, with print CSS (A4, no link colours, a print button that does not print).
 * The console's render always wraps pages in the console layout, so these templates are rendered
 * by a Views instance of their own (made on first use, cached as the console's is in production),
 * with the same root data the console gives its pages (language, time zone).
 */
import type Koa from 'koa';
import { createViews, type Views } from '../../lib/http/views.js';
import type { AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';

let views: Views | null = null;

/** Renders `view` (a complete HTML document) for the signed-in staff member. */
export function printPage(ctx: Koa.ParameterizedContext<AdminState>, deps: AdminDeps, view: string, data: Record<string, unknown>): void {
  views ??= createViews({ cache: deps.config.NODE_ENV === 'production' });
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = views.fragment(view, { ...data, locale: ctx.state.locale, lang: ctx.state.locale, timeZone: deps.config.ISP_TIME_ZONE });
}
