/**
 * The client behind a reverse proxy (nginx, Caddy in front of the web role, terminating TLS):
 * when the TCP peer is one of TRUSTED_PROXIES (parsed by lib/trusted-proxies.ts),
 * - ctx.ip becomes the address that proxy says it received the request from (X-Forwarded-For,
 *   read right to left, skipping further trusted proxies);
 * - ctx.protocol (so ctx.secure, and the Secure flag of the cookies we set) comes from
 *   X-Forwarded-Proto (`http` or `https`), and ctx.host (ctx.hostname, ctx.href) from
 *   X-Forwarded-Host: Koa's `app.proxy` behaviour, decided per request by the peer.
 * A peer not in the list changes none of them, so nobody spoofs an address or "https" by sending
 * the headers directly. Used by the sign-in limits (per address), the audit log, the captive
 * portal (which finds the subscriber by the address), cookies, the Origin check and /metrics.
 *
 * Sources: MDN X-Forwarded-For ("Selecting an IP address": the rightmost untrusted entry),
 * X-Forwarded-Proto, X-Forwarded-Host; Koa request.protocol / request.host with `app.proxy`.
 */
import net from 'node:net';
import type Koa from 'koa';

/** Strips an IPv4-mapped IPv6 prefix: '::ffff:10.0.0.5' → '10.0.0.5'. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

function trusted(list: net.BlockList, address: string): boolean {
  const a = plainAddress(address);
  return net.isIPv4(a) ? list.check(a, 'ipv4') : net.isIPv6(a) ? list.check(a, 'ipv6') : false;
}

/** The first value of a comma-separated forwarding header ('' when absent), as Koa reads them. */
const first = (value: string): string => value.split(',')[0]!.trim();
/** host[:port] (a name, an IPv4 address or a bracketed IPv6 address): nothing else is taken as a host. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** Shadows Koa's request getter `name` on this one request with `value`. */
function own(request: Koa.Request, name: 'protocol' | 'host', value: string): void {
  Object.defineProperty(request, name, { value, configurable: true, enumerable: true });
}

/**
 * Middleware setting ctx.request.ip (always plain, no ::ffff:) and, when the peer is a trusted
 * proxy, the request's protocol and host from X-Forwarded-Proto / X-Forwarded-Host (values that
 * are not `http`/`https` or not a host[:port] are ignored). Mount it first: ctx.cookies reads
 * ctx.secure when first used.
 */
export function clientAddress(trustedProxies: net.BlockList | null): Koa.Middleware {
  return async (ctx, next) => {
    const peer = plainAddress(ctx.socket.remoteAddress ?? '');
    let ip = peer;
    if (trustedProxies && trusted(trustedProxies, peer)) {
      const hops = ctx.get('x-forwarded-for').split(',').map((s) => plainAddress(s.trim())).filter((s) => net.isIP(s));
      while (hops.length) {
        const hop = hops.pop()!;
        ip = hop;
        if (!trusted(trustedProxies, hop)) break;
      }
      const proto = first(ctx.get('x-forwarded-proto')).toLowerCase();
      if (proto === 'http' || proto === 'https') own(ctx.request, 'protocol', proto);
      const host = first(ctx.get('x-forwarded-host'));
      if (HOST.test(host)) own(ctx.request, 'host', host);
    }
    ctx.request.ip = ip;
    await next();
  };
}
