/**
 * What staff do to a subscription's CPE from its page: refresh (GenieACS task `refreshObject` of
 * the whole tree, then the cached state is read again), reboot (`reboot`), factory reset
 * (`factoryReset`, only with `confirmed`), link by serial and unlink. Tasks go to
 * `POST /devices/<id>/tasks?connection_request` (GenieACS "API Reference"): `done` when the CPE
 * answered the connection request, `queued` when it runs at the next inform. Every action is
 * audited (`cpe_refreshed`, `cpe_rebooted`, `cpe_factory_reset`, `cpe_linked`, `cpe_unlinked`).
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import { readyCpe } from './linked-cpe.js';
import { NbiError, type NbiTask } from './nbi-client.js';
import { devicesBySerial, storeDevice, syncDevice, type SyncDeps } from './sync-cpes.js';
import { genieClient } from './genieacs-settings.js';

export type CpeActionOutcome =
  | { ok: true; state: 'done' | 'queued' }
  | { ok: false; code: 'off' | 'no_cpe' | 'not_seen' | 'not_confirmed' | 'unreachable' };

export type CpeAction = 'refresh' | 'reboot' | 'factory_reset';

const TASKS: Record<CpeAction, NbiTask> = {
  refresh: { name: 'refreshObject', objectName: '' },
  reboot: { name: 'reboot' },
  factory_reset: { name: 'factoryReset' },
};
/** The audit verb of each action (`cpe_<verb>`). */
interface AuditVerb { verb: 'refreshed' | 'rebooted' | 'factory_reset' }
const AUDIT: Record<CpeAction, AuditVerb> = { refresh: { verb: 'refreshed' }, reboot: { verb: 'rebooted' }, factory_reset: { verb: 'factory_reset' } };

/** @param confirmed required for factory_reset (the CPE loses every setting, the customer's Wi-Fi too). */
export async function runCpeAction(deps: SyncDeps, subscriptionId: number, action: CpeAction, actor: AuditActor, confirmed = false): Promise<CpeActionOutcome> {
  if (action === 'factory_reset' && !confirmed) return { ok: false, code: 'not_confirmed' };
  const ready = await readyCpe(deps, subscriptionId);
  if (!ready.ok) return ready;
  let state: 'done' | 'queued';
  try {
    state = (await ready.client.postTask(ready.cpe.genieacsId, TASKS[action])).state;
  } catch (err) {
    if (!(err instanceof NbiError)) throw err;
    deps.log.warn({ subscriptionId, action, err: err.message }, 'GenieACS task refused');
    return { ok: false, code: 'unreachable' };
  }
  if (action === 'refresh') await syncDevice(deps, ready.client, ready.cpe.genieacsId).catch(() => null);
  const past = AUDIT[action];
  await recordAudit(deps.db, actor, { action: `cpe_${past.verb}`, objectType: 'subscription', objectId: subscriptionId, after: { serial: ready.cpe.serial, state } });
  return { ok: true, state };
}

export type LinkOutcome = { ok: true; found: boolean } | { ok: false; code: 'invalid' | 'taken' | 'unreachable' };

/**
 * Links the CPE with `serial` to `subscriptionId` (replacing its current link). When GenieACS
 * knows the device it is read at once; otherwise the link waits for the sync to see it.
 */
export async function linkCpeBySerial(deps: SyncDeps, subscriptionId: number, serialInput: string, actor: AuditActor): Promise<LinkOutcome> {
  const serial = serialInput.trim();
  if (!/^[\x21-\x7e]{1,64}$/.test(serial)) return { ok: false, code: 'invalid' };
  const client = await genieClient(deps);
  let devices: Awaited<ReturnType<typeof devicesBySerial>> = [];
  if (client) {
    try {
      devices = await devicesBySerial(deps, client, serial);
    } catch (err) {
      if (!(err instanceof NbiError)) throw err;
      return { ok: false, code: 'unreachable' };
    }
  }
  const taken = await deps.db('cpes').whereRaw('lower(serial) = lower(?)', [serial]).whereNotNull('subscription_id').whereNot({ subscription_id: subscriptionId }).first('id');
  if (taken) return { ok: false, code: 'taken' };
  await deps.db.transaction(async (trx) => {
    await trx('cpes').where({ subscription_id: subscriptionId }).update({ subscription_id: null, linked_by: null });
    const existing = await trx('cpes').whereRaw('lower(serial) = lower(?)', [serial]).orderBy('id').first('id');
    if (existing) await trx('cpes').where({ id: existing.id }).update({ subscription_id: subscriptionId, linked_by: 'serial' });
    else await trx('cpes').insert({ serial, subscription_id: subscriptionId, linked_by: 'serial' });
    await recordAudit(trx, actor, { action: 'cpe_linked', objectType: 'subscription', objectId: subscriptionId, after: { serial, by: 'serial' } });
  });
  for (const d of devices) await storeDevice(deps, d);
  return { ok: true, found: devices.length > 0 };
}

/** Removes the link (the CPE stays known; the sync may link it again by PPPoE username). */
export async function unlinkCpe(deps: SyncDeps, subscriptionId: number, actor: AuditActor): Promise<boolean> {
  return deps.db.transaction(async (trx) => {
    const row = await trx('cpes').where({ subscription_id: subscriptionId }).first('id', 'serial', 'genieacs_id');
    if (!row) return false;
    // A link by serial that GenieACS never saw is only a link: it goes.
    if (!row.genieacs_id) await trx('cpes').where({ id: row.id }).delete();
    else await trx('cpes').where({ id: row.id }).update({ subscription_id: null, linked_by: null });
    await recordAudit(trx, actor, { action: 'cpe_unlinked', objectType: 'subscription', objectId: subscriptionId, before: { serial: row.serial } });
    return true;
  });
}
