/**
 * The CPE linked to a subscription, as the console's panel and the portal's Wi-Fi page show it,
 * and the checks every action shares (GenieACS on, a CPE linked, known to GenieACS).
 *
 * Offline: the last inform is older than `offlineFactor` × the CPE's periodic inform interval
 * (ManagementServer.PeriodicInformInterval, TR-069 Amendment 6 §3.2.1: the CPE informs at least
 * that often), or DEFAULT_INFORM_INTERVAL when it does not report one.
 */
import type { Knex } from '../../lib/db.js';
import { DEFAULT_INFORM_INTERVAL, genieClient, loadGenieSettings, type GenieDeps } from './genieacs-settings.js';
import type { NbiClient } from './nbi-client.js';
import type { CpeState } from './read-cpe-state.js';

export interface LinkedCpe {
  id: number;
  genieacsId: string | null;
  serial: string;
  manufacturer: string | null;
  productClass: string | null;
  oui: string | null;
  dataModel: 'igd' | 'tr181' | null;
  linkedBy: 'serial' | 'pppoe' | null;
  lastInform: Date | null;
  syncedAt: Date | null;
  state: Partial<CpeState>;
  /** Last inform older than offlineFactor × inform interval, or never seen. */
  offline: boolean;
}

export async function linkedCpe(db: Knex, subscriptionId: number, now: Date, offlineFactor: number): Promise<LinkedCpe | null> {
  const r = await db('cpes').where({ subscription_id: subscriptionId }).first();
  if (!r) return null;
  const lastInform = r.last_inform ? new Date(r.last_inform) : null;
  const interval = Number(r.inform_interval) > 0 ? Number(r.inform_interval) : DEFAULT_INFORM_INTERVAL;
  return {
    id: Number(r.id), genieacsId: r.genieacs_id, serial: r.serial, manufacturer: r.manufacturer, productClass: r.product_class, oui: r.oui,
    dataModel: r.data_model, linkedBy: r.linked_by, lastInform, syncedAt: r.synced_at ? new Date(r.synced_at) : null,
    state: (r.state ?? {}) as Partial<CpeState>,
    offline: !lastInform || now.getTime() - lastInform.getTime() > offlineFactor * interval * 1000,
  };
}

export type Ready =
  | { ok: true; client: NbiClient; cpe: LinkedCpe & { genieacsId: string } }
  | { ok: false; code: 'off' | 'no_cpe' | 'not_seen' };

/** GenieACS configured, a CPE linked to `subscriptionId`, and known to GenieACS. */
export async function readyCpe(deps: GenieDeps & { clock: { now(): Date } }, subscriptionId: number): Promise<Ready> {
  const client = await genieClient(deps);
  if (!client) return { ok: false, code: 'off' };
  const { settings } = await loadGenieSettings(deps.db);
  const cpe = await linkedCpe(deps.db, subscriptionId, deps.clock.now(), settings.offlineFactor);
  if (!cpe) return { ok: false, code: 'no_cpe' };
  if (!cpe.genieacsId) return { ok: false, code: 'not_seen' };
  return { ok: true, client, cpe: cpe as LinkedCpe & { genieacsId: string } };
}
