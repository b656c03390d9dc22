/**
 * What a MikroTik router says is online, over the RouterOS API (MikroTik manual "API"; menus
 * "PPP → Active" `/ppp/active` and "IP → Hotspot → Active" `/ip/hotspot/active`; "IP → Firewall
 * → Address Lists" `/ip/firewall/address-list`), with lib/routeros/api-connection.ts `withRouterOs`.
 *
 * - PPP active entries carry `name` (the PPP secret / RADIUS User-Name), `address` (the client's
 *   IP), `caller-id`, `uptime` and `session-id` (the Acct-Session-Id the router reports in
 *   accounting, e.g. `0x81a00003`).
 * - Hotspot active entries carry `user`, `address`, `mac-address`, `uptime`; `session-id` when the
 *   RouterOS version shows it (matching falls back to user + address without it).
 * - The walled garden's address list: RADIUS `Mikrotik-Address-List` adds the client's address
 *   as a dynamic entry of that list for the session's lifetime (ARCHITECTURE.md, "RADIUS and
 *   MikroTik facts"): `print ?list=<name>` answers who is isolated now.
 * A router without the hotspot package traps `no such command`: it simply has no hotspot
 * sessions. An address list the API user may not read leaves `isolated` null (not checked).
 */
import type { RouterOSAPI } from 'node-routeros';
import { describeRouterOsError } from '../../lib/routeros/api-connection.js';

/** One active session on the router. */
export interface RouterSession {
  menu: '/ppp/active' | '/ip/hotspot/active';
  /** The router's item id (`*1A`), for `remove`. */
  id: string;
  username: string;
  /** The client's IPv4/IPv6 address, or null. */
  address: string | null;
  /** Acct-Session-Id when the router shows it. */
  sessionId: string | null;
  /** Seconds online (from `uptime`), or null when absent or unreadable. */
  uptimeSeconds: number | null;
}

export interface RouterState {
  sessions: RouterSession[];
  /** Addresses in the walled garden's address list; null when the list could not be read. */
  isolated: Set<string> | null;
}

type Rows = Array<Record<string, string>>;

const MENUS = [
  { path: '/ppp/active', user: 'name' },
  { path: '/ip/hotspot/active', user: 'user' },
] as const;

/** Prints both active menus and the address list `addressList` with a logged-in client. */
export async function readRouterState(api: RouterOSAPI, addressList: string): Promise<RouterState> {
  const sessions: RouterSession[] = [];
  for (const menu of MENUS) {
    let rows: Rows;
    try {
      rows = (await api.write(`${menu.path}/print`)) as Rows;
    } catch (err) {
      if (menu.path === '/ip/hotspot/active' && /no such command/i.test(describeRouterOsError(err))) continue;
      throw err;
    }
    for (const r of rows) {
      const username = r[menu.user];
      if (!r['.id'] || !username) continue;
      sessions.push({
        menu: menu.path, id: r['.id'], username, address: r.address || null,
        sessionId: r['session-id'] || null, uptimeSeconds: parseRouterOsDuration(r.uptime),
      });
    }
  }
  let isolated: Set<string> | null = null;
  try {
    const rows = (await api.write('/ip/firewall/address-list/print', [`?list=${addressList}`, '=.proplist=address,disabled'])) as Rows;
    isolated = new Set(rows.filter((r) => r.disabled !== 'true' && r.address).map((r) => r.address!.replace(/\/32$/, '')));
  } catch {
    // Not readable (policy, no firewall menu): the walled-garden check is skipped for this router.
  }
  return { sessions, isolated };
}

/**
 * RouterOS durations as the API prints them: `1w2d3h4m5s`, any part optional (`45s`, `3h0m1s`),
 * or `hh:mm:ss` on old versions. Returns seconds, or null for anything else.
 */
export function parseRouterOsDuration(text: string | undefined): number | null {
  if (!text) return null;
  const clock = /^(\d+):(\d{2}):(\d{2})$/.exec(text);
  if (clock) return Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
  const m = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:\d+ms)?$/.exec(text);
  if (!m || text === '') return null;
  const [w, d, h, min, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number];
  return (((w * 7 + d) * 24 + h) * 60 + min) * 60 + s;
}
