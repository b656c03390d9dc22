/**
 * Where a subscription hangs off the network (ARCHITECTURE.md, "Network operations"): the device
 * its drop cable or radio link comes from (subscriptions.device_id: an ODP, an access point, …),
 * the port on it (device_port) and the customer's location (latitude, longitude) for the map.
 *
 * Checked in the saving transaction, under the same advisory lock as every change of the device
 * tree (network/devices/device-placement.ts `lockTopology`; billing may not import network/, so
 * the key is repeated here): the device exists, the port is within its port_count and not taken
 * by another subscription or a device hanging off that port (a port carries one cable).
 */
import type { Knex } from '../../lib/db.js';

export interface SubscriptionPlacement {
  deviceId: number | null;
  /** 1-4096, only with a device. */
  devicePort: number | null;
  /** Decimal degrees (WGS 84), both or neither. */
  latitude: number | null;
  longitude: number | null;
}

/** Field errors (locale keys) for hanging subscription `subscriptionId` at `p`; empty when it may be saved. */
export async function checkSubscriptionPlacement(trx: Knex.Transaction, subscriptionId: number, p: SubscriptionPlacement): Promise<Record<string, string>> {
  if (p.deviceId === null) return p.devicePort === null ? {} : { device_port: 'devices.error.port_without_parent' };
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', ['device-topology']);
  const device = await trx('devices').where({ id: p.deviceId }).first('id', 'port_count');
  if (!device) return { device_id: 'devices.error.device_unknown' };
  if (p.devicePort === null) return {};
  if (device.port_count !== null && p.devicePort > Number(device.port_count)) return { device_port: 'devices.error.port_out_of_range' };
  const { rows } = await trx.raw(
    `SELECT 1 FROM devices WHERE parent_id = ? AND parent_port = ?
     UNION ALL SELECT 1 FROM subscriptions WHERE device_id = ? AND device_port = ? AND id <> ? LIMIT 1`,
    [p.deviceId, p.devicePort, p.deviceId, p.devicePort, subscriptionId],
  );
  return rows.length ? { device_port: 'devices.error.port_taken' } : {};
}
