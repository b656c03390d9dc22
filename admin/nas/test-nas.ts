/**
 * The routers screen's "test" button: a RouterOS API login and `/system/identity/print` with the
 * stored credentials (admin/nas/routeros-probe.ts, which says why not Status-Server), at the API
 * host (or the router's address) and port. The attempt and its result are audited, never the
 * password.
 */
import { probeRouterOs, type RouterOsProbeResult } from './routeros-probe.js';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import type { SecretBox } from '../../lib/secret-box.js';

/** Bound on the whole exchange, milliseconds: the button waits for it. */
export const NAS_TEST_TIMEOUT_MS = 5000;

export type NasTestOutcome =
  | { code: 'not_found' }
  /** No API user or password stored: nothing to test with. */
  | { code: 'no_credentials' }
  | { code: 'tested'; target: string; result: RouterOsProbeResult };

export async function testNas(deps: { db: Knex; secrets: SecretBox }, actor: AuditActor, id: number, timeoutMs = NAS_TEST_TIMEOUT_MS): Promise<NasTestOutcome> {
  const nas = await deps.db('nas').where({ id })
    .first(deps.db.raw('host(ip_address) AS ip'), 'routeros_api_host', 'routeros_api_port', 'routeros_api_tls', 'routeros_username', 'routeros_password_enc');
  if (!nas) return { code: 'not_found' };
  if (!nas.routeros_username || !nas.routeros_password_enc) return { code: 'no_credentials' };
  const host = String(nas.routeros_api_host ?? nas.ip);
  const port = Number(nas.routeros_api_port);
  const result = await probeRouterOs(
    { host, port, tls: Boolean(nas.routeros_api_tls), username: String(nas.routeros_username), password: deps.secrets.open(nas.routeros_password_enc) },
    timeoutMs,
  );
  const target = `${host}:${port}${nas.routeros_api_tls ? ' (api-ssl)' : ''}`;
  await recordAudit(deps.db, actor, { action: 'nas_tested', objectType: 'nas', objectId: id, after: { target, ...result } });
  return { code: 'tested', target, result };
}
