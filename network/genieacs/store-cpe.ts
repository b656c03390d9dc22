/**
 * Keeps cpes in step with one GenieACS device document: the row by genieacs_id, or a link staff
 * made by serial before GenieACS knew the device (adopted: genieacs_id filled in), or a new row.
 * Then, when the CPE is not linked yet, it is linked to the subscription whose PPPoE username it
 * reports (one CPE per subscription; a terminated subscription is never linked). Used by the
 * scheduled sync (sync-cpes.ts), the inform endpoint and "refresh".
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { dataModelOf, deviceIdentity } from './device-params.js';
import type { FieldMapping } from './field-mapping.js';
import type { NbiDevice } from './nbi-client.js';
import { readCpeState } from './read-cpe-state.js';

/** Who links a CPE found by the sync or an inform, in the audit log. */
export const SYNC_ACTOR: AuditActor = { staffUserId: null, username: 'system genieacs', ip: null };

export interface StoredCpe {
  id: number;
  subscriptionId: number | null;
  /** Linked by this call (serial adoption or PPPoE username), for the caller's count and audit. */
  linkedNow: 'serial' | 'pppoe' | null;
}

/**
 * @param mapping the device's mapping (field-mapping.ts `mappingFor`)
 * @param now when this reading was taken (synced_at)
 */
export async function storeCpe(db: Knex, device: NbiDevice, mapping: FieldMapping, now: Date): Promise<StoredCpe> {
  const id = deviceIdentity(device);
  const state = readCpeState(device, mapping);
  const lastInform = device._lastInform ? new Date(device._lastInform) : null;
  const values = {
    genieacs_id: device._id, serial: (id.serial || device._id).slice(0, 64), oui: id.oui || null, product_class: id.productClass || null,
    manufacturer: id.manufacturer || null, data_model: dataModelOf(device), pppoe_username: state.pppoeUsername,
    last_inform: lastInform && !Number.isNaN(lastInform.getTime()) ? lastInform : null,
    inform_interval: state.informInterval !== null && state.informInterval > 0 ? Math.min(Math.round(state.informInterval), 2_000_000_000) : null,
    state: JSON.stringify(state), synced_at: now,
  };
  return db.transaction(async (trx) => {
    let linkedNow: StoredCpe['linkedNow'] = null;
    let row = await trx('cpes').where({ genieacs_id: device._id }).forUpdate().first('id', 'subscription_id');
    if (!row && id.serial) {
      // A link staff made by serial, waiting for GenieACS to know the device.
      row = await trx('cpes').whereNull('genieacs_id').whereRaw('lower(serial) = lower(?)', [id.serial]).forUpdate().first('id', 'subscription_id');
      if (row?.subscription_id) linkedNow = 'serial';
    }
    let cpeId: number;
    if (row) {
      cpeId = Number(row.id);
      await trx('cpes').where({ id: cpeId }).update(values);
    } else {
      const [r] = await trx('cpes').insert(values).returning('id');
      cpeId = Number(r.id);
    }
    let subscriptionId = row?.subscription_id ? Number(row.subscription_id) : null;
    if (subscriptionId === null && state.pppoeUsername) {
      const sub = await trx('subscriptions as s').where('s.username', state.pppoeUsername).whereNot('s.status', 'terminated')
        .whereNotExists(trx('cpes').whereRaw('cpes.subscription_id = s.id')).first('s.id');
      if (sub) {
        subscriptionId = Number(sub.id);
        await trx('cpes').where({ id: cpeId }).update({ subscription_id: subscriptionId, linked_by: 'pppoe' });
        linkedNow = 'pppoe';
      }
    }
    if (linkedNow && subscriptionId !== null) {
      await recordAudit(trx, SYNC_ACTOR, { action: 'cpe_linked', objectType: 'subscription', objectId: subscriptionId, after: { serial: values.serial, genieacsId: device._id, by: linkedNow } });
    }
    return { id: cpeId, subscriptionId, linkedNow };
  });
}
