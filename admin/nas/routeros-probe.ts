/**
 * The routers screen's "test" button: is the router reachable, and do the stored RouterOS API
 * credentials work? Logs in over the API and reads `/system/identity/print` (MikroTik manual
 * "API"; the reply is one `!re` sentence with `=name=<identity>`), timing both steps.
 *
 * Why not Status-Server (RFC 5997) to the router's CoA port: RouterOS's `/radius incoming` is
 * documented to accept Disconnect-Request and CoA-Request only, and we found no source saying it
 * answers Status-Server; a CoA or Disconnect probe would act on sessions. The API exchange is
 * read-only and proves what nas-control's last resort (aaa/nas/routeros-api.ts) needs.
 */
import { performance } from 'node:perf_hooks';
import { withRouterOs, type RouterOsLogin } from '../../lib/routeros/api-connection.js';

export type RouterOsProbeResult =
  /** `loginMs`: connect and log in; `roundTripMs`: the identity print after login. Milliseconds. */
  | { ok: true; identity: string; loginMs: number; roundTripMs: number }
  /** `ms`: how long until the failure (the deadline at most). */
  | { ok: false; error: string; ms: number };

/** Never throws; the connection is always closed (lib/routeros/api-connection.ts). */
export async function probeRouterOs(login: RouterOsLogin, timeoutMs: number): Promise<RouterOsProbeResult> {
  const t0 = performance.now();
  const ms = (from: number, to = performance.now()): number => Math.max(0, Math.round(to - from));
  const outcome = await withRouterOs(login, timeoutMs, async (api) => {
    const loggedIn = performance.now();
    const rows = (await api.write('/system/identity/print')) as Array<Record<string, string>>;
    return { identity: rows[0]?.name ?? '', loginMs: ms(t0, loggedIn), roundTripMs: ms(loggedIn) };
  });
  return outcome.ok ? { ok: true, ...outcome.value } : { ok: false, error: outcome.error, ms: ms(t0) };
}
