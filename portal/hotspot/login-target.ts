/**
 * Where the hotspot login page may send a guest's credentials: the router's `link-login-only`
 * arrives in the query string, so anyone can craft a link to our page with their own URL in it
 * (a private or CGNAT address is no proof: it may be a machine on the attacker's own network, or
 * one the guest reaches through a VPN). The page only posts to a target that is
 * - http(s), without user:password@, and
 * - on the address of a registered, active NAS (host(ip_address) of the `nas` table); or
 * - a host listed in the `hotspot` settings row, `{"loginHosts": ["10.5.50.1", "wifi.example.net"]}`:
 *   the hotspot's own address as the guest's phone reaches it (the hotspot interface's address,
 *   which is usually not the address the router sends RADIUS from), or the dns-name of a hotspot
 *   profile (only the router's own DNS resolves it, so we cannot check where it points and the
 *   ISP names it instead).
 * Anything else is refused and no form is shown: no open redirect, no code or CHAP response
 * handed to an arbitrary host.
 */
import net from 'node:net';
import type { Knex } from '../../lib/db.js';

export interface LoginTargetRules {
  /** Addresses of registered NAS (host text as PostgreSQL's host() gives it). */
  nasAddresses: ReadonlySet<string>;
  /** Host names and addresses the ISP allows (lower case, IPv6 without brackets). */
  hosts: ReadonlySet<string>;
}

/** A host as a URL's hostname spells it (lower case, IP addresses canonical, IPv6 without brackets), or null. */
export function canonicalHost(text: string): string | null {
  const bare = text.trim().replace(/^\[(.*)\]$/, '$1');
  if (!bare) return null;
  try {
    return new URL(`http://${net.isIPv6(bare) ? `[${bare}]` : bare}/`).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return null;
  }
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
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const ok = rules.hosts.has(host) || (net.isIP(host) !== 0 && rules.nasAddresses.has(host));
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
    const hosts = Array.isArray(listed) ? listed.map((h) => (typeof h === 'string' ? canonicalHost(h) : null)).filter((h): h is string => h !== null) : [];
    cached = { at: Date.now(), rules: { nasAddresses: new Set(nas.map((n) => canonicalHost(n.ip) ?? n.ip)), hosts: new Set(hosts) } };
    return cached.rules;
  };
}
