/**
 * Where the hotspot login page may send a guest's credentials: the router's `link-login-only`
 * arrives in the query string, so anyone can craft a link to our page with their own URL in it.
 * The page only posts to a target that is
 * - http(s), without user:password@, and
 * - on a private, CGNAT, link-local or loopback address (RFC 1918 10/8, 172.16/12, 192.168/16;
 *   RFC 6598 100.64/10; 169.254/16; 127/8; IPv6 fc00::/7, fe80::/10, ::1) — a hotspot's own
 *   address, as the guest's phone reaches it; or
 * - on the address of a registered NAS (a router on a public address); or
 * - a host name listed in the `hotspot` settings row, `{"loginHosts": ["wifi.example.net"]}`: a
 *   hotspot profile with a dns-name sends that name in link-login-only, and only the router's
 *   own DNS resolves it, so we cannot check where it points and the ISP names it instead.
 * Anything else is refused and no form is shown: no open redirect, no code or CHAP response
 * handed to an arbitrary host.
 */
import net from 'node:net';
import type { Knex } from '../../lib/db.js';

const PRIVATE = new net.BlockList();
for (const [address, prefix] of [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10], ['169.254.0.0', 16], ['127.0.0.0', 8]] as const) {
  PRIVATE.addSubnet(address, prefix, 'ipv4');
}
PRIVATE.addSubnet('fc00::', 7, 'ipv6');
PRIVATE.addSubnet('fe80::', 10, 'ipv6');
PRIVATE.addAddress('::1', 'ipv6');

export interface LoginTargetRules {
  /** Addresses of registered NAS (host text as PostgreSQL's host() gives it). */
  nasAddresses: ReadonlySet<string>;
  /** Host names the ISP allows (lower case). */
  hosts: ReadonlySet<string>;
}

/** True for an address in the private, CGNAT, link-local or loopback ranges above. */
export function isPrivateAddress(address: string): boolean {
  if (net.isIPv4(address)) return PRIVATE.check(address, 'ipv4');
  if (net.isIPv6(address)) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    return mapped ? PRIVATE.check(mapped, 'ipv4') : PRIVATE.check(address, 'ipv6');
  }
  return false;
}

/**
 * The login URL to post to, normalized (WHATWG URL: `http://0x0a.1.1.1/` becomes
 * `http://10.1.1.1/`), or null when `raw` is not an allowed target.
 */
export function allowedLoginTarget(raw: string, rules: LoginTargetRules): string | null {
  if (!raw || raw.length > 500) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return null;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const ok = net.isIP(host) ? isPrivateAddress(host) || rules.nasAddresses.has(host) : rules.hosts.has(host);
  return ok ? url.href : null;
}

/** The rules from the database (NAS addresses, the `hotspot` settings row), cached for `ttlMs`. */
export function createLoginTargetRules(db: Knex, ttlMs = 30_000): () => Promise<LoginTargetRules> {
  let cached: { at: number; rules: LoginTargetRules } | null = null;
  return async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.rules;
    const nas = (await db('nas').where({ is_active: true }).select(db.raw('host(ip_address) AS ip'))) as Array<{ ip: string }>;
    const row = await db('settings').where({ key: 'hotspot' }).first('value');
    const listed = (row?.value as { loginHosts?: unknown } | undefined)?.loginHosts;
    const hosts = Array.isArray(listed) ? listed.filter((h): h is string => typeof h === 'string').map((h) => h.trim().toLowerCase()).filter(Boolean) : [];
    cached = { at: Date.now(), rules: { nasAddresses: new Set(nas.map((n) => n.ip)), hosts: new Set(hosts) } };
    return cached.rules;
  };
}
