/**
 * Server-side request forgery care for webhook endpoints (OWASP SSRF Prevention Cheat Sheet:
 * allow only http/https, resolve the name and refuse internal addresses, and check the address
 * actually connected to, so a name that re-resolves to 127.0.0.1 after the check, DNS rebinding,
 * is refused too). Staff type the URL, but a console account should not become a way to reach
 * the router API, PostgreSQL, Redis or a cloud metadata service on the server's own network.
 *
 * Refused unless WEBHOOK_ALLOW_PRIVATE_URLS is set (an endpoint on the ISP's own LAN, and tests):
 * the special-purpose ranges of the IANA registries (RFC 6890): "this network" 0/8, private
 * 10/8, 172.16/12, 192.168/16 (RFC 1918), shared CGNAT 100.64/10 (RFC 6598: subscribers'
 * addresses here), loopback 127/8, link-local 169.254/16 (RFC 3927; cloud metadata),
 * 192.0.0/24, benchmarking 198.18/15, documentation nets, multicast 224/4 and reserved 240/4;
 * IPv6 unspecified and loopback (RFC 4291 §2.5.2-3), IPv4-mapped ::ffff:0:0/96 (checked as IPv4),
 * NAT64 64:ff9b::/96 (RFC 6052), unique local fc00::/7 (RFC 4193), link-local fe80::/10,
 * documentation 2001:db8::/32 (RFC 3849) and multicast ff00::/8.
 */
import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const INTERNAL = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) INTERNAL.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['64:ff9b::', 96], ['fc00::', 7], ['fe80::', 10], ['2001:db8::', 32], ['ff00::', 8]] as const) {
  INTERNAL.addSubnet(net, bits, 'ipv6');
}

/** True when `address` (IPv4 or IPv6 text) is in a range refused above; a non-address is refused too. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why a URL cannot be an endpoint (a locale key suffix: `webhooks.error.<code>`). */
export type UrlProblem = 'url_invalid' | 'url_scheme' | 'url_credentials' | 'url_unresolvable' | 'url_internal';

/**
 * Checks a URL staff typed: absolute http(s), no user:password part, a name that resolves, and
 * (unless `allowInternal`) to public addresses only.
 * @returns null when acceptable, else the problem.
 */
export async function checkEndpointUrl(text: string, allowInternal: boolean): Promise<UrlProblem | null> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'url_invalid';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'url_scheme';
  if (url.username || url.password) return 'url_credentials';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await new Promise<Array<{ address: string }>>((resolve, reject) => dnsLookup(host, { all: true }, (err, a) => (err ? reject(err) : resolve(a))))).map((a) => a.address);
  } catch {
    return 'url_unresolvable';
  }
  if (!addresses.length) return 'url_unresolvable';
  if (!allowInternal && addresses.some(isInternalAddress)) return 'url_internal';
  return null;
}

/** The error a refused connection fails with (its `code`), so the delivery log can say why. */
export const INTERNAL_REFUSED = 'EWEBHOOK_INTERNAL_ADDRESS';

/**
 * A `lookup` for http.request that resolves as usual and fails with INTERNAL_REFUSED when the
 * address about to be connected to is internal: the check happens on the address used, at
 * connection time (DNS rebinding). An address literal in the URL does not go through `lookup`:
 * callers check it with isInternalAddress first.
 */
export function guardedLookup(allowInternal: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as unknown as Array<{ address: string; family: number }>;
      const refused = !allowInternal && list.some((a) => isInternalAddress(a.address));
      if (refused || !list.length) {
        const e = Object.assign(new Error(`${hostname} resolves to an internal address`), { code: INTERNAL_REFUSED });
        return callback(e, '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/**
 * `url` for logs, the audit trail and alerts: scheme, host and path, the query replaced by `?…`
 * (receivers often put a token there). An unparseable value is shown as `(invalid URL)`.
 */
export function urlForLog(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}
