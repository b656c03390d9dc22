/**
 * Renders portal pages: the full page in the portal layout (small, one stylesheet, htmx only when
 * a page asks for it with `htmx: true`), or only a fragment when htmx asks (`HX-Request`, not a
 * boosted navigation). Every page gets the language, the ISP time zone, the ISP's name and
 * the CSRF token.
 */
import type Koa from 'koa';
import type { Views } from '../lib/http/views.js';
import type { PortalState } from './context.js';

export interface PortalRender {
  /**
   * @param view template under views/ (e.g. `portal/captive/page`)
   * @param fragment template rendered alone for an htmx request
   */
  (ctx: Koa.ParameterizedContext<PortalState>, view: string, data: Record<string, unknown>, fragment?: string): void;
}

export function createPortalRender(views: Views, opts: { timeZone: string }): PortalRender {
  return (ctx, view, data, fragment) => {
    const page = { company: ctx.state.company ?? '', ...data, locale: ctx.state.locale, lang: ctx.state.locale, timeZone: opts.timeZone, csrf: ctx.state.csrf ?? '', path: ctx.path };
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = fragment && ctx.get('HX-Request') && !ctx.get('HX-Boosted') ? views.fragment(fragment, page) : views.render(view, page, 'portal');
  };
}
