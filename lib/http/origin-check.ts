/**
 * Refuses a state-changing request (POST and the like) that a page of another site sent: the
 * browser names the page's origin in `Origin` (or, where it sends none, the `Referer`), and it
 * must be ours — the origin of the request itself (ctx.protocol and ctx.host, proxy-aware:
 * client-address.ts) or of PUBLIC_URL. `Origin: null` (a sandboxed frame, a privacy redirect) is
 * not ours. A request with neither header (an old browser, a script) passes here and is left to
 * the CSRF token (admin/context.ts, portal/context.ts) and, for the sign-in forms, the sign-in limits.
 *
 * Guards the sign-in forms (console, self-service, captive portal) against login CSRF, which
 * the session-bound CSRF token cannot cover before there is a session.
 *
 * Sources: OWASP CSRF Prevention Cheat Sheet ("Verifying Origin With Standard Headers");
 * RFC 6454 §7 (the Origin header, "null"); Fetch Standard (when browsers send Origin).
 */
import type Koa from 'koa';
import { AppError } from '../errors.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `scheme://host[:port]` of a URL, or null when it is not an absolute http(s) URL. */
function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * Whether the request's Origin (else Referer) is one of ours; true when it carries neither.
 * @param publicUrl PUBLIC_URL (optional): its origin is ours too (a proxy that rewrites Host).
 */
export function sameOrigin(ctx: Koa.Context, publicUrl: string | undefined): boolean {
  const claimed = ctx.get('origin') || ctx.get('referer');
  if (!claimed) return true;
  const origin = claimed === 'null' ? null : originOf(claimed);
  if (!origin) return false;
  const own = [originOf(`${ctx.protocol}://${ctx.host}`), publicUrl ? originOf(publicUrl) : null];
  return own.includes(origin);
}

/**
 * Refuses a state-changing request (any method but GET, HEAD, OPTIONS) from another origin.
 * @throws AppError `csrf_invalid` (403), shown by the area's error page like a bad CSRF token.
 */
export function checkOrigin(ctx: Koa.Context, publicUrl: string | undefined): void {
  if (!SAFE.has(ctx.method) && !sameOrigin(ctx, publicUrl)) throw new AppError('csrf_invalid', 'cross-origin request', 403);
}
