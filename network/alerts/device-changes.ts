/**
 * What the prober (network/ping/) and the SNMP poller (network/snmp/) hand over after each round:
 * the devices whose up/down state changed after flap damping, and the interfaces whose
 * operational status changed (RFC 2863 ifOperStatus). This file turns them into staff alerts,
 * grouped by topology (an OLT going down with the ODCs and ODPs behind it raises one alert, for the
 * OLT), and ends the outages of devices that came back. See ARCHITECTURE.md, "Network operations".
 */
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import { raiseStaffAlerts, type StaffAlert } from '../../lib/staff-alerts.js';
import { publishNetworkAlerts, type AlertPublisher } from './publish.js';
import { endOutagesForDevices } from './outages.js';
import { loadAlertRules } from './rules.js';
import { devicesWithDownAncestor } from './topology-queries.js';

/** One device's state change after flap damping (network/ping/). */
export interface DeviceStateChange {
  deviceId: number;
  from: 'unknown' | 'up' | 'down';
  to: 'up' | 'down';
  at: Date;
}

/** One interface's ifOperStatus change seen by the SNMP poller (IF-MIB, RFC 2863 §3.1.13). */
export interface InterfaceChange {
  deviceId: number;
  interfaceId: number;
  ifIndex: number;
  from: string;
  to: string;
  at: Date;
}

/** What the handlers need: a Container fits. `redis` (optional) publishes new alerts for the live dashboard. */
export interface AlertDeps {
  db: Knex;
  clock: Clock;
  log?: Logger;
  redis?: AlertPublisher;
}

interface DeviceRow {
  id: string;
  name: string;
  kind: string;
}

/**
 * Raises `device_down` / `device_up` staff alerts for `changes` (one round) and ends the open
 * outages of devices that came up (SLA credits and end notices follow, see ./outages.ts).
 * A device with an ancestor that is down (now, or in this same round) raises nothing: the alert of
 * the topmost down device names how many devices went down with it. Alert keys are
 * `device_down:<id>:<at ms>`, so a retried round raises each alert once.
 */
export async function handleDeviceChanges(deps: AlertDeps, changes: readonly DeviceStateChange[]): Promise<void> {
  if (changes.length === 0) return;
  const ids = [...new Set(changes.map((c) => c.deviceId))];
  const downIds = changes.filter((c) => c.to === 'down').map((c) => c.deviceId);
  const upIds = changes.filter((c) => c.to === 'up').map((c) => c.deviceId);
  // Down: grouped under an ancestor that is down or went down this round. Up: under one that came
  // up this round (one "up again" for the OLT, not for each ODP behind it) or is still down.
  const coveredDown = await devicesWithDownAncestor(deps.db, downIds, downIds);
  const coveredUp = await devicesWithDownAncestor(deps.db, upIds, upIds);
  const rows: DeviceRow[] = await deps.db('devices').whereIn('id', ids).select('id', 'name', 'kind');
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  const alerts: StaffAlert[] = [];
  for (const c of changes) {
    const d = byId.get(c.deviceId);
    if (!d) continue;
    const covered = c.to === 'down' ? coveredDown : coveredUp;
    if (covered.has(c.deviceId)) continue; // grouped under the alert of its topmost ancestor
    const alsoDown = [...covered].filter(([, top]) => top === c.deviceId).map(([id]) => id);
    alerts.push({
      kind: c.to === 'down' ? 'device_down' : 'device_up',
      key: `device_${c.to}:${c.deviceId}:${c.at.getTime()}`,
      message:
        c.to === 'down'
          ? `${d.kind.toUpperCase()} ${d.name} is down` + (alsoDown.length > 0 ? ` (${alsoDown.length} device(s) behind it also down)` : '')
          : `${d.kind.toUpperCase()} ${d.name} is up again` + (alsoDown.length > 0 ? ` (with ${alsoDown.length} device(s) behind it)` : ''),
      details: { deviceId: c.deviceId, deviceName: d.name, deviceKind: d.kind, at: c.at.toISOString(), from: c.from, grouped: alsoDown },
    });
  }
  await raiseStaffAlerts(deps.db, alerts);
  await publishNetworkAlerts(deps, alerts);
  const up = changes.filter((c) => c.to === 'up');
  if (up.length > 0) await endOutagesForDevices(deps, up.map((c) => ({ deviceId: c.deviceId, at: c.at })));
}

/**
 * Raises `interface_down` / `interface_up` alerts when the rule `interface_down` is on. A change on
 * a device that is itself down raises nothing (the device alert says it). Key:
 * `interface_<to>:<interfaceId>:<at ms>`.
 */
export async function handleInterfaceChanges(deps: AlertDeps, changes: readonly InterfaceChange[]): Promise<void> {
  if (changes.length === 0) return;
  const rules = await loadAlertRules(deps.db);
  if (!rules.interfaceDown) return;
  const relevant = changes.filter((c) => (c.to === 'down' || c.to === 'lowerLayerDown' || c.to === 'up') && c.from !== c.to);
  if (relevant.length === 0) return;
  const deviceIds = [...new Set(relevant.map((c) => c.deviceId))];
  const down = new Set<number>(
    (await deps.db('device_state').whereIn('device_id', deviceIds).where('state', 'down').pluck('device_id')).map(Number),
  );
  const ifRows: Array<{ id: string; name: string; device_name: string }> = await deps
    .db('device_interfaces as i')
    .join('devices as d', 'd.id', 'i.device_id')
    .whereIn('i.id', relevant.map((c) => c.interfaceId))
    .select('i.id', 'i.name', 'd.name as device_name');
  const names = new Map(ifRows.map((r) => [Number(r.id), r]));
  const alerts: StaffAlert[] = [];
  for (const c of relevant) {
    if (down.has(c.deviceId)) continue;
    const isDown = c.to !== 'up';
    if (!isDown && c.from !== 'down' && c.from !== 'lowerLayerDown') continue; // only "up again" after a down
    const n = names.get(c.interfaceId);
    const label = n ? `${n.device_name} ${n.name || `ifIndex ${c.ifIndex}`}` : `device ${c.deviceId} ifIndex ${c.ifIndex}`;
    alerts.push({
      kind: isDown ? 'interface_down' : 'interface_up',
      key: `interface_${isDown ? 'down' : 'up'}:${c.interfaceId}:${c.at.getTime()}`,
      message: isDown ? `Interface ${label} is down (${c.to})` : `Interface ${label} is up again`,
      details: { deviceId: c.deviceId, interfaceId: c.interfaceId, ifIndex: c.ifIndex, from: c.from, to: c.to, at: c.at.toISOString() },
    });
  }
  await raiseStaffAlerts(deps.db, alerts);
  await publishNetworkAlerts(deps, alerts);
}
