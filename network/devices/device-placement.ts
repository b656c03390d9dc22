/**
 * Where a device hangs in the tree, checked against the database inside the saving transaction
 * (after `lockTopology`, so two saves cannot build a loop or take one port between them):
 * - the parent exists and is not the device itself or a device below it (topology.ts createsCycle);
 * - the port on the parent is within the parent's port_count (when it has one) and not taken by
 *   another device or a subscription on that parent: a port of an ODP carries one drop cable;
 * - a device's own port_count is not below a port already in use on it;
 * - a router's NAS exists.
 * Errors are `{ field: locale key }` as the form shows them.
 */
import type { Knex } from '../../lib/db.js';
import { createsCycle } from './topology.js';

/** One advisory lock for every change of the tree (devices.parent_id, ports, subscriptions.device_id). Source: PostgreSQL §9.28.10. */
export async function lockTopology(trx: Knex.Transaction): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', ['device-topology']);
}

/** The holder of `port` on device `deviceId` other than `except`, or null when the port is free. */
export async function portHolder(trx: Knex.Transaction, deviceId: number, port: number, except: { deviceId?: number; subscriptionId?: number } = {}): Promise<string | null> {
  const { rows } = await trx.raw(
    `SELECT 'device' AS kind FROM devices WHERE parent_id = ? AND parent_port = ? AND id <> ?
     UNION ALL
     SELECT 'subscription' FROM subscriptions WHERE device_id = ? AND device_port = ? AND id <> ?
     LIMIT 1`,
    [deviceId, port, except.deviceId ?? 0, deviceId, port, except.subscriptionId ?? 0],
  );
  return rows[0]?.kind ?? null;
}

/** The highest port in use on device `deviceId` (children and subscriptions), 0 when none. */
async function highestPortUsed(trx: Knex.Transaction, deviceId: number): Promise<number> {
  const { rows } = await trx.raw(
    `SELECT greatest((SELECT max(parent_port) FROM devices WHERE parent_id = ?), (SELECT max(device_port) FROM subscriptions WHERE device_id = ?)) AS n`,
    [deviceId, deviceId],
  );
  return Number(rows[0]?.n ?? 0);
}

export interface Placement {
  /** The device being saved (null: a new one). */
  id: number | null;
  kind: string;
  nasId: number | null;
  parentId: number | null;
  parentPort: number | null;
  portCount: number | null;
}

/** The placement's errors (empty: it may be saved). */
export async function checkPlacement(trx: Knex.Transaction, p: Placement): Promise<Record<string, string>> {
  const errors: Record<string, string> = {};
  if (p.nasId !== null && !(await trx('nas').where({ id: p.nasId }).first('id'))) errors.nas_id = 'devices.error.nas_unknown';
  if (p.parentId !== null) {
    const parent = await trx('devices').where({ id: p.parentId }).first('id', 'port_count');
    if (!parent) errors.parent_id = 'devices.error.parent_unknown';
    else if (p.id !== null && await createsCycle(trx, p.id, p.parentId)) errors.parent_id = 'devices.error.parent_cycle';
    else if (p.parentPort !== null) {
      if (parent.port_count !== null && p.parentPort > Number(parent.port_count)) errors.parent_port = 'devices.error.port_out_of_range';
      else if (await portHolder(trx, p.parentId, p.parentPort, { deviceId: p.id ?? 0 })) errors.parent_port = 'devices.error.port_taken';
    }
  }
  if (p.id !== null && p.portCount !== null && (await highestPortUsed(trx, p.id)) > p.portCount) errors.port_count = 'devices.error.ports_in_use';
  return errors;
}
