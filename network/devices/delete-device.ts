/**
 * Deleting a device. What hung off it stays, detached: its child devices lose their parent and
 * port (devices.parent_id is ON DELETE SET NULL; the port is cleared with it, a port of nothing
 * means nothing) and its subscriptions their device and port (subscriptions.device_id, likewise).
 * Its interfaces, state and samples go with it (ON DELETE CASCADE / rows of a gone device).
 * Audited (`device_deleted`) with the device as it was (no secret) and what was detached.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { lockTopology } from './device-placement.js';
import { auditedDevice } from './save-device.js';

export type DeleteDeviceOutcome = { ok: true; children: number; subscriptions: number } | { ok: false; code: 'not_found' };

export async function deleteDevice(db: Knex, actor: AuditActor, id: number): Promise<DeleteDeviceOutcome> {
  return db.transaction(async (trx): Promise<DeleteDeviceOutcome> => {
    await lockTopology(trx);
    const before = await trx('devices').where({ id }).forUpdate().first();
    if (!before) return { ok: false, code: 'not_found' };
    const children = await trx('devices').where({ parent_id: id }).update({ parent_id: null, parent_port: null });
    const subscriptions = await trx('subscriptions').where({ device_id: id }).update({ device_id: null, device_port: null });
    await trx('devices').where({ id }).delete();
    await recordAudit(trx, actor, { action: 'device_deleted', objectType: 'device', objectId: id, before: auditedDevice(before), after: { children_detached: children, subscriptions_detached: subscriptions } });
    return { ok: true, children, subscriptions };
  });
}
