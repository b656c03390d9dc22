/**
 * The MikroTik hotspot's external login page (/portal/hotspot):
 *
 * - GET /portal/hotspot/login: the router sends the guest here (its login.html redirects with GET:
 *   link-login-only, link-orig, mac, ip, username, error, chap-id, chap-challenge; see README
 *   "Hotspot vouchers"). The page takes a voucher code, or a username and password, and the
 *   browser posts them straight to the router's link-login-only — never to us: with chap-id the
 *   password field carries hex MD5(chap-id + password + chap-challenge) computed by
 *   public/hotspot-login.js, as RouterOS's own login.html does (HTTP-CHAP); without it, the
 *   password itself (HTTP-PAP). The router's error text is shown. The form is only rendered for a
 *   link-login-only that login-target.ts allows (a registered NAS, or a host the ISP listed); the
 *   page the guest first asked for (link-orig) goes along as `dst` only as an http(s) URL.
 * - GET /portal/hotspot/status?code=…: what a voucher has left (time, data, validity), at most
 *   STATUS_LOOKUPS per client address in STATUS_WINDOW_SECONDS, so the page cannot be used to
 *   try codes.
 */
import Router from '@koa/router';
import { voucherBalance } from '../../billing/vouchers/voucher-balance.js';
import { normalizeVoucherCode, looksLikeVoucherCode } from '../../billing/access/voucher-code.js';
import { formatData, formatDuration } from '../../billing/vouchers/voucher-terms.js';
import { queryValue } from '../../lib/http/request.js';
import type { PortalState } from '../context.js';
import type { PortalDeps } from '../deps.js';
import { allowedLoginTarget, createLoginTargetRules } from './login-target.js';
import { chapParams, originalPage } from './router-params.js';
import { t } from '../../lib/i18n.js';

export const STATUS_LOOKUPS = 20;
export const STATUS_WINDOW_SECONDS = 600;

export function createHotspotRoutes(deps: PortalDeps): Router<PortalState> {
  const r = new Router<PortalState>();
  const rules = createLoginTargetRules(deps.db);

  /** Counts one lookup for `ip`; false once the address used up its lookups of the window. */
  async function lookupAllowed(ip: string): Promise<boolean> {
    const key = `${deps.prefix}:hotspot-status:${ip}`;
    const [[, count]] = (await deps.redis.multi().incr(key).expire(key, STATUS_WINDOW_SECONDS, 'NX').exec()) as [[unknown, number], unknown];
    return Number(count) <= STATUS_LOOKUPS;
  }

  r.get('/portal/hotspot/login', async (ctx) => {
    const q = (name: string, max = 500): string => queryValue(ctx.query[name], max).trim();
    const target = allowedLoginTarget(q('link-login-only'), await rules());
    const chap = chapParams(q('chap-id', 16), q('chap-challenge', 400));
    const routerError = q('error', 300);
    ctx.set('Referrer-Policy', 'no-referrer');
    if (!target) ctx.status = q('link-login-only') ? 400 : 200;
    deps.render(ctx, 'portal/hotspot/login', {
      title: t(ctx.state.locale, 'page_title.hotspot'),
      action: target,
      refused: !target && Boolean(q('link-login-only')),
      direct: !q('link-login-only'),
      dst: originalPage(q('link-orig')),
      routerError,
      chap,
      username: q('username', 64),
      mode: q('username', 64) ? 'member' : 'voucher',
      mac: q('mac', 40),
      ip: q('ip', 45),
    });
  });

  r.get('/portal/hotspot/status', async (ctx) => {
    const typed = queryValue(ctx.query.code, 40);
    const code = normalizeVoucherCode(typed);
    const data: Record<string, unknown> = { title: t(ctx.state.locale, 'page_title.voucher'), code: typed };
    if (code) {
      if (!(await lookupAllowed(ctx.ip))) {
        ctx.status = 429;
        ctx.set('Retry-After', String(STATUS_WINDOW_SECONDS));
        data.rateLimited = true;
      } else {
        const balance = looksLikeVoucherCode(code) ? await voucherBalance(deps.db, code, deps.clock.now()) : null;
        if (!balance) {
          ctx.status = 404;
          data.notFound = true;
        } else {
          const locale = ctx.state.locale;
          data.balance = {
            ...balance,
            timeLeft: formatDuration(balance.timeLeftSeconds, locale),
            timeLimit: formatDuration(balance.timeLimitSeconds, locale),
            dataLeft: formatData(balance.dataLeftBytes, locale),
            dataLimit: formatData(balance.dataLimitBytes, locale),
            validity: formatDuration(balance.validitySeconds, locale),
            unlimitedTime: balance.timeLimitSeconds === null,
            unlimitedData: balance.dataLimitBytes === null,
          };
        }
      }
    }
    deps.render(ctx, 'portal/hotspot/status', data);
  });

  return r;
}
