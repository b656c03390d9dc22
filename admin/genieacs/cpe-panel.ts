/**
 * The CPE panel of the subscription page (views/partials/admin/cpe-panel.hbs): whether GenieACS
 * is on, the linked CPE's cached state (network/genieacs/linked-cpe.ts) as shown, and whether it
 * is offline. Staff with devices.view see it; the actions need devices.edit.
 */
import type { Knex } from '../../lib/db.js';
import { linkedCpe } from '../../network/genieacs/linked-cpe.js';
import { loadGenieSettings } from '../../network/genieacs/genieacs-settings.js';

/** Seconds as `1d 2:03:04` or `2:03:04` (as the subscription page shows session durations). */
function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86_400);
  const hms = `${Math.floor((s % 86_400) / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return days ? `${days}d ${hms}` : hms;
}

export interface CpePanel {
  enabled: boolean;
  subscriptionId: number;
  cpe: null | {
    serial: string;
    known: boolean;
    manufacturer: string | null;
    model: string | null;
    firmware: string | null;
    uptime: string | null;
    wanState: string | null;
    rxPower: string | null;
    wifi: Array<{ instance: number; ssid: string; clients: number | null }>;
    lastInform: Date | null;
    offline: boolean;
    linkedBy: string | null;
    dataModel: string | null;
  };
}

export async function loadCpePanel(db: Knex, subscriptionId: number, now: Date): Promise<CpePanel> {
  const { settings } = await loadGenieSettings(db);
  const cpe = await linkedCpe(db, subscriptionId, now, settings.offlineFactor);
  if (!cpe) return { enabled: settings.enabled, subscriptionId, cpe: null };
  const s = cpe.state;
  return {
    enabled: settings.enabled,
    subscriptionId,
    cpe: {
      serial: cpe.serial, known: cpe.genieacsId !== null, manufacturer: cpe.manufacturer, model: s.model ?? cpe.productClass,
      firmware: s.firmware ?? null, uptime: typeof s.uptimeSeconds === 'number' ? formatDuration(s.uptimeSeconds) : null,
      wanState: s.wanState ?? null, rxPower: typeof s.rxPowerDbm === 'number' ? `${s.rxPowerDbm.toFixed(2)} dBm` : null,
      wifi: s.wifi ?? [], lastInform: cpe.lastInform, offline: cpe.offline, linkedBy: cpe.linkedBy,
      dataModel: cpe.dataModel === 'igd' ? 'TR-098 (InternetGatewayDevice)' : cpe.dataModel === 'tr181' ? 'TR-181 (Device)' : null,
    },
  };
}
