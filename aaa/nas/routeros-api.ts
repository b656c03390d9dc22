/**
 * The last resort when a NAS ignores or refuses RFC 5176: end the subscriber's active session
 * over the RouterOS API (MikroTik manual "API"; menus "PPP → Active" and "IP → Hotspot → Active"),
 * with the `node-routeros` client.
 *
 * PPPoE: `/ppp/active/print ?name=<user>`, then `/ppp/active/remove =.id=<id>` per match.
 * Hotspot: the same under `/ip/hotspot/active` with `?user=<user>`.
 *
 * The connection itself (login, the client's quirks, the deadline, always closing) is
 * lib/routeros/api-connection.ts `withRouterOs`.
 */
import { describeRouterOsError, withRouterOs, type RouterOsLogin } from '../../lib/routeros/api-connection.js';

export interface RemoveActiveSessionInput extends RouterOsLogin {
  /** The PPP secret name or hotspot user of the session to end. */
  sessionUsername: string;
  serviceType: 'pppoe' | 'hotspot';
  /** Bound on the whole exchange (connect, login, print, remove), milliseconds. */
  timeoutMs: number;
}

export type RemoveActiveSessionResult = { ok: true; removed: number } | { ok: false; error: string };

export type RemoveActiveSession = (input: RemoveActiveSessionInput) => Promise<RemoveActiveSessionResult>;

const MENUS = {
  pppoe: { path: '/ppp/active', key: 'name' },
  hotspot: { path: '/ip/hotspot/active', key: 'user' },
} as const;

/**
 * Removes every active session of `sessionUsername` on the router. `removed` is how many were
 * found and removed (0: the router has none, so the subscriber is already off). Never throws:
 * unreachable router, refused login, a trap or the timeout come back as `{ ok: false, error }`
 * (the error never contains the password). The connection is always closed.
 */
export async function removeActiveSession(input: RemoveActiveSessionInput): Promise<RemoveActiveSessionResult> {
  const menu = MENUS[input.serviceType];
  const outcome = await withRouterOs(input, input.timeoutMs, async (api) => {
    const rows = (await api.write(`${menu.path}/print`, [`?${menu.key}=${input.sessionUsername}`, '=.proplist=.id'])) as Array<Record<string, string>>;
    let removed = 0;
    for (const row of rows) {
      const id = row['.id'];
      if (!id) continue;
      try {
        await api.write(`${menu.path}/remove`, [`=.id=${id}`]);
        removed++;
      } catch (err) {
        // The session ended between print and remove: that is what we wanted.
        if (!/no such item/i.test(describeRouterOsError(err))) throw err;
      }
    }
    return removed;
  });
  return outcome.ok ? { ok: true, removed: outcome.value } : outcome;
}
