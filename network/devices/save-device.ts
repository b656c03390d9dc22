/**
 * The one writer of the `devices` table (migrations/20261207000800_network_devices.ts): adding
 * and editing a router, OLT, ODC, ODP, switch, access point, server, CPE or other device, from the
 * console (admin/devices/) and from anything else that registers devices (the simulator).
 *
 * - The form's rules (device-form.ts), then the tree's (device-placement.ts: parent, loop, port),
 *   all in one transaction under the topology lock.
 * - SNMP secrets sealed with the secret box (snmp-credentials.ts); a blank field keeps the stored
 *   one; never in the audit log (only `*_set` / `*_changed` flags).
 * - Edits refuse a stale form (`version`, as every console form).
 * - Audited (`device_created`, `device_updated`) in the same transaction.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { parseDeviceForm, type DeviceForm, type DeviceFormValues } from './device-form.js';
import { checkPlacement, lockTopology } from './device-placement.js';
import { sealSnmp, type SealedSnmp } from './snmp-credentials.js';

export interface DeviceDeps {
  db: Knex;
  secrets: SecretBox;
}

export type SaveDeviceOutcome =
  | { ok: true; id: number }
  | { ok: false; code: 'invalid'; errors: Record<string, string> }
  | { ok: false; code: 'stale' | 'not_found' };

const AUDITED = ['kind', 'name', 'address', 'nas_id', 'parent_id', 'parent_port', 'port_count', 'latitude', 'longitude', 'probe_ping', 'probe_snmp',
  'snmp_version', 'snmp_port', 'snmp_v3_user', 'snmp_v3_auth_protocol', 'snmp_v3_priv_protocol', 'note'] as const;
const SEALED = ['snmp_community_enc', 'snmp_v3_auth_key_enc', 'snmp_v3_priv_key_enc'] as const;

/** A device row as the audit log keeps it: no sealed value, only whether each is set. */
export function auditedDevice(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.fromEntries(AUDITED.map((k) => [k, row[k] ?? null]));
  for (const k of ['nas_id', 'parent_id', 'latitude', 'longitude'] as const) if (out[k] !== null) out[k] = Number(out[k]);
  if (typeof out.address === 'string') out.address = out.address.replace(/\/(32|128)$/, '');
  for (const k of SEALED) out[k.replace(/_enc$/, '_set')] = Boolean(row[k]);
  return out;
}

function columnsOf(v: DeviceForm, sealed: SealedSnmp): Record<string, unknown> {
  return {
    kind: v.kind, name: v.name, address: v.address, nas_id: v.nas_id, parent_id: v.parent_id, parent_port: v.parent_port, port_count: v.port_count,
    latitude: v.location?.lat ?? null, longitude: v.location?.lng ?? null, probe_ping: v.probe_ping, probe_snmp: v.probe_snmp,
    snmp_version: v.snmp_version, snmp_port: v.snmp_port,
    snmp_v3_user: v.snmp_version === '3' ? v.snmp_v3_user : null,
    snmp_v3_auth_protocol: v.snmp_version === '3' ? v.snmp_v3_auth_protocol : null,
    snmp_v3_priv_protocol: v.snmp_version === '3' ? v.snmp_v3_priv_protocol : null,
    note: v.note, ...sealed,
  };
}

/** A unique constraint raced past the checks: the field it belongs to. */
function takenField(err: unknown): Record<string, string> | null {
  const e = err as { code?: string; constraint?: string };
  if (e.code !== '23505') return null;
  if (e.constraint === 'devices_address') return { address: 'devices.error.address_taken' };
  if (e.constraint === 'devices_nas_id_key') return { nas_id: 'devices.error.nas_taken' };
  if (e.constraint === 'devices_parent_id_parent_port_key') return { parent_port: 'devices.error.port_taken' };
  return null;
}

/** Checks the taken address and NAS before writing (the constraints catch a race). */
async function takenErrors(trx: Knex.Transaction, v: DeviceForm, id: number | null): Promise<Record<string, string>> {
  const errors: Record<string, string> = {};
  if (v.address !== null && await trx('devices').whereRaw('address = ?::inet', [v.address]).whereNot('id', id ?? 0).first('id')) errors.address = 'devices.error.address_taken';
  if (v.nas_id !== null && await trx('devices').where({ nas_id: v.nas_id }).whereNot('id', id ?? 0).first('id')) errors.nas_id = 'devices.error.nas_taken';
  return errors;
}

async function save(deps: DeviceDeps, actor: AuditActor, id: number | null, version: number | null, input: DeviceFormValues): Promise<SaveDeviceOutcome> {
  const form = parseDeviceForm(input);
  if (!form.ok) return { ok: false, code: 'invalid', errors: form.errors };
  const v = form.data;
  try {
    return await deps.db.transaction(async (trx): Promise<SaveDeviceOutcome> => {
      await lockTopology(trx);
      const before = id === null ? null : await trx('devices').where({ id }).forUpdate().first();
      if (id !== null && !before) return { ok: false, code: 'not_found' };
      if (before && Number(before.version) !== version) return { ok: false, code: 'stale' };
      const { columns: sealed, missing } = sealSnmp(deps.secrets, v, before);
      const errors: Record<string, string> = {
        ...Object.fromEntries(missing.map((f) => [f, 'error.required'])),
        ...(await takenErrors(trx, v, id)),
        ...(await checkPlacement(trx, { id, kind: v.kind, nasId: v.nas_id, parentId: v.parent_id, parentPort: v.parent_port, portCount: v.port_count })),
      };
      if (Object.keys(errors).length) return { ok: false, code: 'invalid', errors };
      const columns = columnsOf(v, sealed);
      if (!before) {
        const [created] = await trx('devices').insert(columns).returning('*');
        await recordAudit(trx, actor, { action: 'device_created', objectType: 'device', objectId: Number(created.id), after: auditedDevice(created) });
        return { ok: true, id: Number(created.id) };
      }
      const [after] = await trx('devices').where({ id }).update({ ...columns, version: Number(before.version) + 1 }).returning('*');
      await recordAudit(trx, actor, {
        action: 'device_updated', objectType: 'device', objectId: id, before: auditedDevice(before),
        after: { ...auditedDevice(after), ...Object.fromEntries(SEALED.map((k) => [k.replace(/_enc$/, '_changed'), before[k] !== after[k]])) },
      });
      return { ok: true, id: id! };
    });
  } catch (err) {
    const field = takenField(err);
    if (field) return { ok: false, code: 'invalid', errors: field };
    throw err;
  }
}

/** Adds a device. */
export function addDevice(deps: DeviceDeps, actor: AuditActor, input: DeviceFormValues): Promise<SaveDeviceOutcome> {
  return save(deps, actor, null, null, input);
}

/** Saves an edit of device `id` made on the form opened at `version`. */
export function updateDevice(deps: DeviceDeps, actor: AuditActor, id: number, version: number, input: DeviceFormValues): Promise<SaveDeviceOutcome> {
  return save(deps, actor, id, version, input);
}
