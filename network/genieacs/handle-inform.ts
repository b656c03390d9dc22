/**
 * What `POST /integrations/genieacs/inform` does (web/genieacs-inform-routes.ts): GenieACS's
 * provision script calls an extension on every inform, and the extension posts
 * `{ "deviceId": "<_id>" }` here with the shared token (`Authorization: Bearer <token>`). The
 * device is read from the NBI at once (cache, links by serial or PPPoE username), so the console
 * shows a new CPE and its last inform without waiting for the scheduled sync. A device read less
 * than MIN_INTERVAL_MS ago is not read again (a CPE booting informs several times in a row).
 * The example provision script and extension are in README.md "CPE management (GenieACS)".
 */
import { loadGenieSettings, genieClient, informTokenMatches } from './genieacs-settings.js';
import { NbiError } from './nbi-client.js';
import { syncDevice, type SyncDeps } from './sync-cpes.js';

export const MIN_INTERVAL_MS = 30_000;

export type InformOutcome =
  | { status: 200; body: { ok: true; linked: boolean; known: boolean; skipped?: 'recent' } }
  | { status: 400 | 401 | 502 | 503; body: { ok: false; error: string } };

export async function handleInform(deps: SyncDeps, token: string, body: unknown): Promise<InformOutcome> {
  const { settings } = await loadGenieSettings(deps.db);
  if (!informTokenMatches(settings, deps.secrets, token)) return { status: 401, body: { ok: false, error: 'bad_token' } };
  const deviceId = (body as { deviceId?: unknown } | null)?.deviceId;
  if (typeof deviceId !== 'string' || deviceId.length < 1 || deviceId.length > 256) return { status: 400, body: { ok: false, error: 'device_id_required' } };
  const client = await genieClient(deps);
  if (!client) return { status: 503, body: { ok: false, error: 'genieacs_off' } };
  const recent = await deps.db('cpes').where({ genieacs_id: deviceId }).where('synced_at', '>', new Date(deps.clock.now().getTime() - MIN_INTERVAL_MS)).first('subscription_id');
  if (recent) return { status: 200, body: { ok: true, linked: recent.subscription_id !== null, known: true, skipped: 'recent' } };
  try {
    const stored = await syncDevice(deps, client, deviceId);
    return { status: 200, body: { ok: true, linked: Boolean(stored?.subscriptionId), known: stored !== null } };
  } catch (err) {
    if (!(err instanceof NbiError)) throw err;
    deps.log.warn({ err: err.message }, 'GenieACS inform: the NBI did not answer');
    return { status: 502, body: { ok: false, error: 'nbi_unreachable' } };
  }
}
