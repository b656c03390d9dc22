/**
 * Response headers that tell the browser what our pages may do, on every response:
 *
 * - Content-Security-Policy: scripts, styles, images, fonts and requests only from this server
 *   (every asset is ours: the walled garden blocks CDNs); no plugins; no <base> elsewhere; the
 *   pages may not be framed (`frame-ancestors 'none'`, plus X-Frame-Options DENY for old
 *   browsers). Inline scripts are refused, except the print pages' `onclick="window.print()"`
 *   (allowed by its hash, CSP Level 3 'unsafe-hashes'). Inline styles are allowed: a few views
 *   carry style attributes and print-only <style> blocks, and htmx adds an indicator stylesheet.
 *   No `form-action`: the hotspot login page posts to the router, and a payment form's answer
 *   redirects to the gateway.
 * - X-Content-Type-Options: nosniff (a download is never run as a script or page).
 * - Referrer-Policy: same-origin (pay links and captive tokens in our URLs never reach another
 *   site; a route may set a stricter one).
 * - Strict-Transport-Security, only when the request is https (directly, or from a trusted proxy:
 *   client-address.ts): browsers then use https for this host for a year.
 *
 * Sources: W3C CSP Level 3 (§6.1 script-src, 'unsafe-hashes'; §6.4.2 frame-ancestors);
 * RFC 6797 (HSTS: ignored over plain http, so only sent over https); RFC 7034 (X-Frame-Options);
 * OWASP HTTP Security Response Headers Cheat Sheet.
 */
import type Koa from 'koa';

/** base64 SHA-256 of `window.print()`, the print pages' one inline handler. */
const PRINT_HANDLER = "'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU='";

/**
 * The policy, with `imgSources` (CSP host-sources such as `https://tile.openstreetmap.org`) added
 * to img-src: the network map sets it on its own page for the map tile host configured in the
 * settings (admin/network/map-routes.ts); every other page gets CONTENT_SECURITY_POLICY.
 */
export function contentSecurityPolicy(opts: { imgSources?: readonly string[] } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-hashes' ${PRINT_HANDLER}`,
    "style-src 'self' 'unsafe-inline'",
    ["img-src 'self' data:", ...(opts.imgSources ?? [])].join(' '),
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/** One year, in seconds (RFC 6797 §6.1.1 max-age). */
const HSTS_MAX_AGE = 365 * 24 * 3600;

/** Middleware setting the headers above before the route runs (a route may override one). */
export function securityHeaders(): Koa.Middleware {
  return async (ctx, next) => {
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
    if (ctx.secure) ctx.set('Strict-Transport-Security', `max-age=${HSTS_MAX_AGE}`);
    await next();
  };
}
