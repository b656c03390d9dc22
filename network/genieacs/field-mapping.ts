/**
 * Field mappings (table cpe_field_mappings): where each field the console shows lives in a CPE's
 * parameter tree, per data model and optionally per vendor and model. The most specific row
 * wins: vendor and model, then vendor only, then the data model's default (vendor '' model '').
 * A vendor matches the device's Manufacturer or OUI, a model its ProductClass, case-insensitively.
 *
 * Defaults (seeded by the migration) follow Broadband Forum TR-098 (InternetGatewayDevice:1) and
 * TR-181 (Device:2): DeviceInfo.ModelName / SoftwareVersion / UpTime (seconds),
 * WANPPPConnection.{i}.ConnectionStatus / Username / Password and PPP.Interface.{i}.…,
 * ManagementServer.PeriodicInformInterval (seconds), WLANConfiguration.{i}.SSID /
 * TotalAssociations / PreSharedKey.1.KeyPassphrase and WiFi.SSID.{i}.SSID /
 * WiFi.AccessPoint.{i}.AssociatedDeviceNumberOfEntries / Security.KeyPassphrase, and TR-181
 * Optical.Interface.{i}.OpticalSignalLevel (0.001 dBm, hence divisor 1000). TR-098 has no
 * standard optical level: vendors report it under their own names (e.g. Huawei
 * `…WANDevice.1.X_GponInterafceConfig.RXPower`, ZTE `…WANDevice.1.X_ZTE-COM_WANPONInterfaceConfig.RXPower`;
 * as seen in operators' provisioning scripts, not verified here): add a vendor row for them.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';

export const FIELD_NAMES = [
  'model', 'firmware', 'uptime', 'wan_state', 'pppoe_username', 'pppoe_password', 'rx_power', 'inform_interval',
  'wifi_ssid', 'wifi_clients', 'wifi_password',
] as const;
export type FieldName = (typeof FIELD_NAMES)[number];
export type DataModel = 'igd' | 'tr181';

export interface FieldMapping {
  id: number;
  dataModel: DataModel;
  vendor: string;
  model: string;
  fields: Record<FieldName, string>;
  /** Reported optical level ÷ divisor = dBm. */
  rxPowerDivisor: number;
  version: number;
}

const toMapping = (r: Record<string, unknown>): FieldMapping => {
  const raw = (r.fields ?? {}) as Record<string, unknown>;
  const fields = Object.fromEntries(FIELD_NAMES.map((f) => [f, typeof raw[f] === 'string' ? raw[f] : ''])) as Record<FieldName, string>;
  return { id: Number(r.id), dataModel: r.data_model as DataModel, vendor: String(r.vendor), model: String(r.model), fields, rxPowerDivisor: Number(r.rx_power_divisor), version: Number(r.version) };
};

/** Every mapping, defaults first. */
export async function listMappings(db: Knex): Promise<FieldMapping[]> {
  const rows = await db('cpe_field_mappings').orderBy([{ column: 'data_model' }, { column: 'vendor' }, { column: 'model' }]);
  return rows.map(toMapping);
}

/** The mapping for a device of `dataModel` by `identity` (see the header for the order). */
export async function mappingFor(db: Knex, dataModel: DataModel, identity: { manufacturer: string; oui: string; productClass: string }): Promise<FieldMapping> {
  const rows = (await db('cpe_field_mappings').where({ data_model: dataModel })).map(toMapping);
  const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
  const vendorOk = (m: FieldMapping): boolean => m.vendor === '' || eq(m.vendor, identity.manufacturer) || eq(m.vendor, identity.oui);
  const modelOk = (m: FieldMapping): boolean => m.model === '' || eq(m.model, identity.productClass);
  const score = (m: FieldMapping): number => (m.vendor ? 2 : 0) + (m.model ? 1 : 0);
  const best = rows.filter((m) => vendorOk(m) && modelOk(m)).sort((a, b) => score(b) - score(a))[0];
  if (!best) throw new Error(`no default CPE field mapping for ${dataModel}`);
  return best;
}

export type SaveMappingOutcome = { ok: true; id: number } | { ok: false; code: 'invalid'; errors: Record<string, string> } | { ok: false; code: 'stale' | 'not_found' };

const PATH = /^(InternetGatewayDevice|Device)(\.([A-Za-z0-9_-]+|\*|\{i\}))+$/;

/**
 * Creates (id null) or updates a mapping. `input`: data_model, vendor, model, rx_power_divisor,
 * and one path per field (blank: not reported). A path must start with the data model's root;
 * the Wi-Fi paths need `{i}`. Audited (`cpe_mapping_saved`).
 */
export async function saveMapping(db: Knex, actor: AuditActor, id: number | null, version: number, input: Record<string, unknown>): Promise<SaveMappingOutcome> {
  const text = (k: string, max: number): string => (typeof input[k] === 'string' ? (input[k] as string).trim().slice(0, max) : '');
  const errors: Record<string, string> = {};
  const dataModel = text('data_model', 10);
  if (dataModel !== 'igd' && dataModel !== 'tr181') errors.data_model = 'error.invalid';
  const root = dataModel === 'igd' ? 'InternetGatewayDevice.' : 'Device.';
  const fields: Record<string, string> = {};
  for (const f of FIELD_NAMES) {
    const p = text(f, 300);
    if (p && (!PATH.test(p) || !p.startsWith(root))) errors[f] = 'genieacs.error.path';
    else if (p && f.startsWith('wifi_') && !p.includes('{i}')) errors[f] = 'genieacs.error.path_instance';
    fields[f] = p;
  }
  const divisor = Number(text('rx_power_divisor', 6) || '1');
  if (!Number.isInteger(divisor) || divisor < 1 || divisor > 100000) errors.rx_power_divisor = 'error.invalid';
  if (Object.keys(errors).length) return { ok: false, code: 'invalid', errors };
  const row = { data_model: dataModel, vendor: text('vendor', 64), model: text('model', 64), fields: JSON.stringify(fields), rx_power_divisor: divisor };
  return db.transaction(async (trx) => {
    let savedId: number;
    if (id === null) {
      const clash = await trx('cpe_field_mappings').where({ data_model: row.data_model }).whereRaw('lower(vendor) = lower(?) AND lower(model) = lower(?)', [row.vendor, row.model]).first('id');
      if (clash) return { ok: false, code: 'invalid', errors: { vendor: 'genieacs.error.mapping_exists' } } as const;
      const [r] = await trx('cpe_field_mappings').insert(row).returning('id');
      savedId = Number(r.id);
    } else {
      const current = await trx('cpe_field_mappings').where({ id }).forUpdate().first();
      if (!current) return { ok: false, code: 'not_found' } as const;
      if (Number(current.version) !== version) return { ok: false, code: 'stale' } as const;
      // The defaults keep their place: vendor and model stay '' and the data model stays.
      const keep = current.vendor === '' && current.model === '' ? { data_model: current.data_model, vendor: '', model: '' } : {};
      await trx('cpe_field_mappings').where({ id }).update({ ...row, ...keep, version: trx.raw('version + 1'), updated_at: trx.fn.now() });
      savedId = id;
    }
    await recordAudit(trx, actor, { action: 'cpe_mapping_saved', objectType: 'cpe_field_mapping', objectId: savedId, after: { ...row, fields } });
    return { ok: true, id: savedId } as const;
  });
}
