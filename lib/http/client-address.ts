/**
 * The client's address behind a reverse proxy (nginx, Caddy in front of the web role): when the
 * TCP peer is one of TRUSTED_PROXIES, ctx.ip becomes the address that proxy says it received the
 * request from (X-Forwarded-For, read right to left, skipping further trusted proxies). A peer
 * not in the list cannot set ctx.ip, so nobody spoofs an address by sending the header directly.
 * Used by the sign-in limits (per address), the audit log and the captive portal (which finds the
 * subscriber by the address).
 *
 * Source: MDN X-Forwarded-For ("Selecting an IP address": the rightmost untrusted entry).
 */
import net from 'node:net';
import type Koa from 'koa';

/** Strips an IPv4-mapped IPv6 prefix: '::ffff:10.0.0.5' → '10.0.0.5'. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/**
 * Parses TRUSTED_PROXIES: addresses or CIDR ranges, comma separated ('127.0.0.1, 10.0.0.0/8').
 * @throws Error naming the first entry that is neither.
 */
export function parseTrustedProxies(value: string | undefined): net.BlockList | null {
  const entries = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!entries.length) return null;
  const list = new net.BlockList();
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = net.isIPv4(address ?? '') ? 'ipv4' : net.isIPv6(address ?? '') ? 'ipv6' : null;
    const prefix = bits === undefined ? null : Number(bits);
    if (!family || extra !== undefined || (prefix !== null && (!/^\d{1,3}$/.test(bits!) || prefix > (family === 'ipv4' ? 32 : 128)))) {
      throw new Error(`TRUSTED_PROXIES: '${entry}' is not an IP address or CIDR range`);
    }
    if (prefix === null) list.addAddress(address!, family);
    else list.addSubnet(address!, prefix, family);
  }
  return list;
}

function trusted(list: net.BlockList, address: string): boolean {
  const a = plainAddress(address);
  return net.isIPv4(a) ? list.check(a, 'ipv4') : net.isIPv6(a) ? list.check(a, 'ipv6') : false;
}

/** Middleware setting ctx.request.ip from X-Forwarded-For when the peer is a trusted proxy; always plain (no ::ffff:). */
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
    }
    ctx.request.ip = ip;
    await next();
  };
}
