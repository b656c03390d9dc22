/**
 * Who sees /metrics and the details of /health: a caller with `Authorization: Bearer
 * <METRICS_TOKEN>`, or a direct request from this host (the client address, ctx.ip after
 * TRUSTED_PROXIES, is loopback and no proxy forwarded it). Behind a proxy on the same host every
 * TCP peer is 127.0.0.1, so a forwarded request needs the token, whatever address it names.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';

const LOOPBACK = /^(127\.|::1$)/;
/** Headers a reverse proxy adds: any of them means the request came through one. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'x-real-ip', 'forwarded'];
/** Both sides hashed first, so the comparison takes the same time whatever the token's length. */
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** True for the token's bearer (`token` unset: nobody by token) or an unforwarded loopback request. */
export function isTrustedCaller(ctx: Koa.Context, token: string | undefined): boolean {
  const given = /^Bearer (.+)$/.exec(ctx.get('authorization'))?.[1];
  if (token && given && timingSafeEqual(digest(given), digest(token))) return true;
  return LOOPBACK.test(ctx.ip) && !FORWARDING_HEADERS.some((h) => ctx.get(h));
}
