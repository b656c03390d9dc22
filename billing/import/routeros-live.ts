/**
 * Reads the accounts of a live MikroTik over the RouterOS API (MikroTik manual "API"; the
 * connection is lib/routeros/api-connection.ts `withRouterOs`, node-routeros): `/ppp/profile`,
 * `/ppp/secret`, `/ip/hotspot/user/profile` and `/ip/hotspot/user` printed, then mapped as an
 * export would be (routeros-items.ts). The router is a registered NAS (by its IP) with an API
 * user and password; the API user needs the `read` and `sensitive` policies, or RouterOS leaves
 * the passwords out (those accounts are then refused: `no_password`). A router without the
 * hotspot menu (a trap `no such command`) simply has no hotspot users. Read only: nothing on the
 * router changes.
 */
import { describeRouterOsError, withRouterOs } from '../../lib/routeros/api-connection.js';
import type { Knex } from '../../lib/db.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { ImportBatch } from './import-model.js';
import { batchFromRouterOs, type RouterOsItem, type RouterOsItems } from './routeros-items.js';

/** Bound on the whole exchange (connect, login, four prints), milliseconds. */
export const LIVE_IMPORT_TIMEOUT_MS = 30_000;

export type LiveImportOutcome = { ok: true; batch: ImportBatch } | { ok: false; error: 'nas_not_found' | 'no_api_login' | string };

const MENUS: Array<[keyof RouterOsItems, string]> = [
  ['pppProfiles', '/ppp/profile'],
  ['pppSecrets', '/ppp/secret'],
  ['hotspotProfiles', '/ip/hotspot/user/profile'],
  ['hotspotUsers', '/ip/hotspot/user'],
];

/**
 * Reads the router registered as NAS `nasIp`. Never throws for the router's faults: an
 * unknown NAS, one without an API login, an unreachable router, a refused login or the deadline
 * come back as `{ ok: false, error }` (never containing the password).
 */
export async function readLiveRouterOs(deps: { db: Knex; secrets: SecretBox }, nasIp: string, timeoutMs = LIVE_IMPORT_TIMEOUT_MS): Promise<LiveImportOutcome> {
  const nas = await deps.db('nas').whereRaw('ip_address = ?::inet', [nasIp])
    .first(deps.db.raw('host(ip_address) AS ip'), 'routeros_api_host', 'routeros_api_port', 'routeros_api_tls', 'routeros_username', 'routeros_password_enc');
  if (!nas) return { ok: false, error: 'nas_not_found' };
  if (!nas.routeros_username || !nas.routeros_password_enc) return { ok: false, error: 'no_api_login' };
  const login = {
    host: String(nas.routeros_api_host ?? nas.ip), port: Number(nas.routeros_api_port ?? 8728), tls: Boolean(nas.routeros_api_tls),
    username: String(nas.routeros_username), password: deps.secrets.open(nas.routeros_password_enc),
  };
  const outcome = await withRouterOs(login, timeoutMs, async (api) => {
    const items: RouterOsItems = { pppProfiles: [], pppSecrets: [], hotspotProfiles: [], hotspotUsers: [] };
    for (const [key, menu] of MENUS) {
      let rows: Array<Record<string, string>>;
      try {
        rows = (await api.write(`${menu}/print`)) as Array<Record<string, string>>;
      } catch (err) {
        if (menu.startsWith('/ip/hotspot') && /no such command/i.test(describeRouterOsError(err))) continue;
        throw err;
      }
      items[key] = rows.map((fields): RouterOsItem => ({ origin: `${menu} ${fields['.id'] ?? ''}`.trim(), fields }));
    }
    return items;
  });
  return outcome.ok ? { ok: true, batch: batchFromRouterOs('mikrotik', outcome.value) } : outcome;
}
