/**
 * Before a login is refused as "already logged in elsewhere" (simultaneous use,
 * aaa/policy/decide.ts rule 3): asks the router over the RouterOS API whether the open sessions
 * that fill the limit are still there, and closes the rows of those it no longer has.
 *
 * Why: when a Disconnect-Request went unanswered (RFC 5176; aaa/nas/nas-control.ts) or the
 * router lost a session without an Accounting-Stop (RFC 2866 §5.1), the open row blocks the
 * subscriber's next login until a Stop arrives or the stale-session sweep closes it minutes
 * later. The router's own list is the truth: MikroTik manual "API"; menus "PPP → Active"
 * (`/ppp/active`, key `name`) and "IP → Hotspot → Active" (`/ip/hotspot/active`, key `user`);
 * their `session-id` is the Acct-Session-Id the router reports in accounting.
 *
 * Not on the normal path: only a login the limit would refuse gets here, only sessions on a NAS
 * with RouterOS API credentials are asked about, each router once per check with a short bound
 * (`timeoutMs`), and a session the router says it holds is believed for `activeTtlMs` without
 * asking again (a phone retrying every few seconds does not hammer the router). A router that
 * does not answer, refuses the login or errs changes nothing: the refusal stands.
 *
 * A closed row gets Acct-Terminate-Cause `Stale-Session` and stop time = its last update, as the
 * sweep closes them (aaa/accounting/sweep-stale-sessions.ts), so a later Interim-Update of a
 * session that did live on reopens it.
 */
import { STALE_CAUSE } from '../accounting/accounting-statements.js';
import type { OpenSessionAccess } from '../../billing/access/subscription-access.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { withRouterOs, type RouterOsLogin, type RouterOsOutcome } from '../../lib/routeros/api-connection.js';

/** One entry of the router's active list: its Acct-Session-Id when the router gives it. */
export interface ActiveEntry { sessionId: string | null }

/** Lists the router's active sessions of `username` (never throws: `{ ok: false, error }`). */
export type ListActiveSessions = (login: RouterOsLogin, serviceType: 'pppoe' | 'hotspot', username: string, timeoutMs: number) => Promise<RouterOsOutcome<ActiveEntry[]>>;

const MENUS = {
  pppoe: { path: '/ppp/active', key: 'name' },
  hotspot: { path: '/ip/hotspot/active', key: 'user' },
} as const;

/** `/ppp/active/print ?name=<user> =.proplist=.id,session-id` (hotspot: `/ip/hotspot/active`, `?user=`). */
export const listActiveSessions: ListActiveSessions = (login, serviceType, username, timeoutMs) => {
  const menu = MENUS[serviceType];
  return withRouterOs(login, timeoutMs, async (api) => {
    const rows = (await api.write(`${menu.path}/print`, [`?${menu.key}=${username}`, '=.proplist=.id,session-id'])) as Array<Record<string, string>>;
    return rows.map((r) => ({ sessionId: r['session-id'] || null }));
  });
};

export interface StaleSessionCheckDeps {
  db: Knex;
  secrets: SecretBox;
  log: Logger;
  listActive?: ListActiveSessions;
  /** Bound on one router's answer, milliseconds (default 1500: a NAS waits a few seconds for RADIUS). */
  timeoutMs?: number;
  /** How long a session the router says it holds is not asked about again, milliseconds (default 60 s). */
  activeTtlMs?: number;
  /** Epoch milliseconds now (tests). */
  now?: () => number;
}

export interface StaleSessionCheck {
  /**
   * The subscriber's open sessions that remain after asking their routers; the rows of those the
   * router no longer holds are closed. Resolves with `sessions` itself when nothing was closed.
   */
  recheck(sub: { id: number; username: string; serviceType: 'pppoe' | 'hotspot' }, sessions: readonly OpenSessionAccess[]): Promise<readonly OpenSessionAccess[]>;
}

interface NasLogin { ip: string; login: RouterOsLogin }

export function createStaleSessionCheck(deps: StaleSessionCheckDeps): StaleSessionCheck {
  const listActive = deps.listActive ?? listActiveSessions;
  const timeoutMs = deps.timeoutMs ?? 1500;
  const activeTtlMs = deps.activeTtlMs ?? 60_000;
  const now = deps.now ?? Date.now;
  /** Session key → until when the router's "still there" is believed. */
  const believedActive = new Map<string, number>();

  async function logins(ips: string[]): Promise<NasLogin[]> {
    const rows = await deps.db('nas').whereRaw('ip_address = ANY(?::inet[])', [ips]).whereNotNull('routeros_username').whereNotNull('routeros_password_enc')
      .select(deps.db.raw('host(ip_address) AS ip'), 'routeros_api_host', 'routeros_api_port', 'routeros_api_tls', 'routeros_username', 'routeros_password_enc');
    return rows.map((n) => ({
      ip: String(n.ip),
      login: { host: n.routeros_api_host ?? String(n.ip), port: n.routeros_api_port ?? 8728, tls: Boolean(n.routeros_api_tls), username: n.routeros_username, password: deps.secrets.open(n.routeros_password_enc) },
    }));
  }

  async function ask(sub: { id: number; username: string; serviceType: 'pppoe' | 'hotspot' }, sessions: readonly OpenSessionAccess[]): Promise<readonly OpenSessionAccess[]> {
    const t = now();
    for (const [k, until] of believedActive) if (until <= t) believedActive.delete(k);
    const candidates = sessions.filter((s) => !believedActive.has(s.sessionKey));
    if (!candidates.length) return sessions;
    const routers = await logins([...new Set(candidates.map((s) => s.nasIpAddress))]);
    const gone = new Set<string>();
    await Promise.all(routers.map(async ({ ip, login }) => {
      const onRouter = candidates.filter((s) => s.nasIpAddress === ip);
      const listed = await listActive(login, sub.serviceType, sub.username, timeoutMs);
      if (!listed.ok) {
        deps.log.warn({ subscriptionId: sub.id, nasIp: ip, error: listed.error }, 'simultaneous use: router not asked, login refused as before');
        return;
      }
      const ids = new Set(listed.value.map((e) => e.sessionId));
      // Without session ids the router's list only tells "none" from "some".
      const byId = listed.value.length > 0 && !ids.has(null);
      for (const s of onRouter) {
        if (listed.value.length === 0 || (byId && !ids.has(s.acctSessionId))) gone.add(s.sessionKey);
        else believedActive.set(s.sessionKey, t + activeTtlMs);
      }
    }));
    if (!gone.size) return sessions;
    const closed = await deps.db('accounting_sessions').whereIn('session_key', [...gone]).whereNull('stop_time')
      .update({ stop_time: deps.db.ref('update_time'), terminate_cause: STALE_CAUSE });
    deps.log.info({ subscriptionId: sub.id, closed, sessions: gone.size }, 'simultaneous use: sessions the router no longer holds closed');
    return sessions.filter((s) => !gone.has(s.sessionKey));
  }

  return {
    async recheck(sub, sessions) {
      try {
        return await ask(sub, sessions);
      } catch (err) {
        deps.log.error({ err, subscriptionId: sub.id }, 'simultaneous use: routers not asked, login refused as before');
        return sessions;
      }
    },
  };
}
