/**
 * The scheduled GenieACS sync (network job `genieacs-sync`, every 5 minutes in the worker role):
 * pages through every device the NBI knows (`GET /devices/?query={}&projection=…&skip=&limit=`,
 * GenieACS "API Reference"), caches each one's mapped state, adopts links staff made by serial and
 * links CPEs to subscriptions by the PPPoE username they report (store-cpe.ts). Also one device at
 * a time (`syncDevice`), for the inform endpoint and the "refresh" action.
 */
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { dataModelOf, deviceIdentity } from './device-params.js';
import { listMappings, mappingFor } from './field-mapping.js';
import { genieClient } from './genieacs-settings.js';
import type { NbiClient, NbiDevice } from './nbi-client.js';
import { projectionFor } from './read-cpe-state.js';
import { storeCpe, type StoredCpe } from './store-cpe.js';

export const SYNC_PAGE = 500;

export interface SyncDeps {
  db: Knex;
  secrets: SecretBox;
  log: Pick<Logger, 'info' | 'warn'>;
  clock: { now(): Date };
}

async function store(deps: SyncDeps, device: NbiDevice): Promise<StoredCpe> {
  const mapping = await mappingFor(deps.db, dataModelOf(device), deviceIdentity(device));
  return storeCpe(deps.db, device, mapping, deps.clock.now());
}

/** Every device: `{ skipped: 'off' }` when GenieACS is not configured, else counts. */
export async function syncCpes(deps: SyncDeps): Promise<{ skipped: 'off' } | { devices: number; linked: number }> {
  const client = await genieClient(deps);
  if (!client) return { skipped: 'off' };
  const projection = projectionFor(await listMappings(deps.db));
  let devices = 0;
  let linked = 0;
  for (let skip = 0; ; skip += SYNC_PAGE) {
    const page = await client.findDevices({}, { projection, skip, limit: SYNC_PAGE });
    for (const d of page) {
      const stored = await store(deps, d);
      devices++;
      if (stored.linkedNow) linked++;
    }
    if (page.length < SYNC_PAGE) break;
  }
  if (linked) deps.log.info({ devices, linked }, 'GenieACS sync linked CPEs');
  return { devices, linked };
}

/** One device by its GenieACS id; null when the NBI does not know it. */
export async function syncDevice(deps: SyncDeps, client: NbiClient, genieacsId: string): Promise<StoredCpe | null> {
  const projection = projectionFor(await listMappings(deps.db));
  const [device] = await client.findDevices({ _id: genieacsId }, { projection });
  return device ? store(deps, device) : null;
}

/** Devices reporting `serial` (GenieACS `_deviceId._SerialNumber`). */
export async function devicesBySerial(deps: SyncDeps, client: NbiClient, serial: string): Promise<NbiDevice[]> {
  const projection = projectionFor(await listMappings(deps.db));
  return client.findDevices({ '_deviceId._SerialNumber': serial }, { projection });
}

export { store as storeDevice };
