/**
 * A device document read through its field mapping into what the console and the portal show
 * (cached in cpes.state by the sync, the inform endpoint and "refresh"). Never a password: the
 * mapping's pppoe_password and wifi_password paths are only written (set-wifi.ts, push-pppoe.ts).
 */
import { deviceIdentity, instancesOf, paramValue } from './device-params.js';
import type { FieldMapping } from './field-mapping.js';
import type { NbiDevice } from './nbi-client.js';

export interface WifiState {
  /** The instance number ({i} of the mapping's Wi-Fi paths). */
  instance: number;
  ssid: string;
  /** Associated stations, when reported. */
  clients: number | null;
}

export interface CpeState {
  model: string | null;
  firmware: string | null;
  /** Seconds since the CPE booted (DeviceInfo.UpTime). */
  uptimeSeconds: number | null;
  /** e.g. Connected, Disconnected, Connecting (TR-098 ConnectionStatus / TR-181 PPP ConnectionStatus). */
  wanState: string | null;
  pppoeUsername: string | null;
  /** Optical receive level in dBm, when the device reports one. */
  rxPowerDbm: number | null;
  /** ManagementServer.PeriodicInformInterval, seconds. */
  informInterval: number | null;
  wifi: WifiState[];
}

const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));
const num = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};

export function readCpeState(device: NbiDevice, mapping: FieldMapping): CpeState {
  const f = mapping.fields;
  const rx = num(paramValue(device, f.rx_power));
  const wifi = f.wifi_ssid
    ? instancesOf(device, f.wifi_ssid).map((i) => ({
      instance: i,
      ssid: String(paramValue(device, f.wifi_ssid.replace('{i}', String(i))) ?? ''),
      clients: f.wifi_clients ? num(paramValue(device, f.wifi_clients.replace('{i}', String(i)))) : null,
    }))
    : [];
  return {
    model: str(paramValue(device, f.model)) ?? (deviceIdentity(device).productClass || null),
    firmware: str(paramValue(device, f.firmware)),
    uptimeSeconds: num(paramValue(device, f.uptime)),
    wanState: str(paramValue(device, f.wan_state)),
    pppoeUsername: str(paramValue(device, f.pppoe_username)),
    rxPowerDbm: rx === null ? null : Math.round((rx / mapping.rxPowerDivisor) * 100) / 100,
    informInterval: num(paramValue(device, f.inform_interval)),
    wifi,
  };
}

/**
 * The NBI `projection` that carries every mapped field: each path up to its first `*` or `{i}`
 * (GenieACS projects whole subtrees), plus the identity and last inform.
 */
export function projectionFor(mappings: readonly FieldMapping[]): string[] {
  const out = new Set(['_id', '_deviceId', '_lastInform']);
  for (const m of mappings) {
    for (const p of Object.values(m.fields)) {
      if (!p) continue;
      const cut = p.split('.').findIndex((s) => s === '*' || s === '{i}');
      out.add(cut < 0 ? p : p.split('.').slice(0, cut).join('.'));
    }
  }
  return [...out];
}
