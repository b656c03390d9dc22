/**
 * Changes the Wi-Fi name and/or passphrase of the CPE linked to a subscription: one GenieACS
 * `setParameterValues` task (GenieACS "API Reference", "Change WiFi SSID and password") on the
 * mapping's wifi_ssid / wifi_password paths with `{i}` = the chosen instance (default the first
 * the CPE reports, else 1), each value typed `xsd:string`. Used by the console, the customer
 * portal, and later the WhatsApp assistant:
 *
 *   setWifi(deps, subscriptionId, { ssid?, password?, instance? }, actor) → Promise<SetWifiOutcome>
 *
 * Validation: SSID 1–32 octets of UTF-8 (IEEE 802.11-2020 §9.4.2.2: the SSID element is 0–32
 * octets; an empty one is refused here); WPA2-Personal passphrase 8–63 printable ASCII characters
 * (IEEE 802.11-2020 Annex J.4.1, 32–126). Neither value is logged; the audit row
 * (`cpe_wifi_changed`) has the new SSID and only `password: "changed"`.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import { findParam } from './device-params.js';
import { mappingFor } from './field-mapping.js';
import { readyCpe } from './linked-cpe.js';
import { NbiError } from './nbi-client.js';
import { projectionFor } from './read-cpe-state.js';
import { syncDevice, type SyncDeps } from './sync-cpes.js';

export interface WifiChange {
  ssid?: string;
  password?: string;
  /** The Wi-Fi instance ({i}); default the first one the CPE reports. */
  instance?: number;
}

export type SetWifiOutcome =
  | { ok: true; state: 'done' | 'queued' }
  | { ok: false; code: 'invalid'; errors: Partial<Record<'ssid' | 'password', string>> }
  | { ok: false; code: 'off' | 'no_cpe' | 'not_seen' | 'not_supported' | 'unreachable' };

/** Field errors as locale keys; an empty object when valid. `undefined` fields are not changed. */
export function validateWifi(change: WifiChange): Partial<Record<'ssid' | 'password', string>> {
  const errors: Partial<Record<'ssid' | 'password', string>> = {};
  if (change.ssid !== undefined) {
    const bytes = Buffer.byteLength(change.ssid, 'utf8');
    if (bytes < 1 || bytes > 32 || /[\x00-\x1f\x7f]/.test(change.ssid)) errors.ssid = 'genieacs.error.ssid';
  }
  if (change.password !== undefined && !/^[\x20-\x7e]{8,63}$/.test(change.password)) errors.password = 'genieacs.error.wifi_password';
  if (change.ssid === undefined && change.password === undefined) errors.ssid = 'genieacs.error.nothing';
  return errors;
}

export async function setWifi(deps: SyncDeps, subscriptionId: number, change: WifiChange, actor: AuditActor): Promise<SetWifiOutcome> {
  const errors = validateWifi(change);
  if (Object.keys(errors).length) return { ok: false, code: 'invalid', errors };
  const ready = await readyCpe(deps, subscriptionId);
  if (!ready.ok) return ready;
  const { cpe, client } = ready;
  const mapping = await mappingFor(deps.db, cpe.dataModel ?? 'igd', { manufacturer: cpe.manufacturer ?? '', oui: cpe.oui ?? '', productClass: cpe.productClass ?? '' });
  const instance = change.instance ?? cpe.state.wifi?.[0]?.instance ?? 1;
  const paths = { ssid: mapping.fields.wifi_ssid, password: mapping.fields.wifi_password };
  if ((change.ssid !== undefined && !paths.ssid) || (change.password !== undefined && !paths.password)) return { ok: false, code: 'not_supported' };
  const values: Array<[string, string, string]> = [];
  try {
    // Paths with `*` are resolved on the device as GenieACS knows it.
    const needsDevice = [paths.ssid, paths.password].some((p) => p.includes('*'));
    const device = needsDevice ? (await client.findDevices({ _id: cpe.genieacsId }, { projection: projectionFor([mapping]) }))[0] : undefined;
    const concrete = (p: string): string | null => {
      const withInstance = p.replace('{i}', String(instance));
      return withInstance.includes('*') ? (findParam(device, withInstance)?.resolved ?? null) : withInstance;
    };
    for (const [key, value] of [['ssid', change.ssid], ['password', change.password]] as const) {
      if (value === undefined) continue;
      const path = concrete(paths[key]);
      if (!path) return { ok: false, code: 'not_supported' };
      values.push([path, value, 'xsd:string']);
    }
    const outcome = await client.postTask(cpe.genieacsId, { name: 'setParameterValues', parameterValues: values });
    if (outcome.state === 'done') await syncDevice(deps, client, cpe.genieacsId).catch(() => null);
    await recordAudit(deps.db, actor, {
      action: 'cpe_wifi_changed', objectType: 'subscription', objectId: subscriptionId,
      after: { serial: cpe.serial, instance, ...(change.ssid !== undefined ? { ssid: change.ssid } : {}), ...(change.password !== undefined ? { password: 'changed' } : {}), state: outcome.state },
    });
    return { ok: true, state: outcome.state };
  } catch (err) {
    if (!(err instanceof NbiError)) throw err;
    deps.log.warn({ subscriptionId, err: err.message }, 'GenieACS refused the Wi-Fi change');
    return { ok: false, code: 'unreachable' };
  }
}
