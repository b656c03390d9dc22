/**
 * The device tree (ARCHITECTURE.md, "Network operations"): each device hangs off at most one
 * parent (devices.parent_id: OLT → ODC → ODP; NAS router → switch → access point) and each
 * subscription off at most one device (subscriptions.device_id, usually an ODP port or an access
 * point). Alerts group by it (one OLT down raises one alert for everyone behind it), outages mark
 * the subscriptions behind a device, the map draws its links.
 *
 * Every walk is one recursive CTE (PostgreSQL WITH RECURSIVE). The save use case refuses a parent
 * that would close a loop (createsCycle), but the walks still use UNION (not UNION ALL) or a depth
 * bound, so a loop written by hand in SQL ends the walk instead of hanging it.
 */
import type { Knex } from '../../lib/db.js';

type Db = Knex | Knex.Transaction;

/** A walk never goes deeper than this (the largest port number: a tree deeper than that is a loop). */
const MAX_DEPTH = 4096;

const ids = (rows: Array<{ id: string | number }>): number[] => rows.map((r) => Number(r.id));

/** Every device below `deviceId` (children, their children, …), nearest first, then by id; not the device itself. */
export async function descendantsOf(db: Db, deviceId: number): Promise<number[]> {
  const { rows } = await db.raw(
    `WITH RECURSIVE below(id, depth) AS (
       SELECT d.id, 1 FROM devices d WHERE d.parent_id = ?
       UNION
       SELECT d.id, b.depth + 1 FROM devices d JOIN below b ON d.parent_id = b.id WHERE b.depth < ?
     )
     SELECT id FROM below GROUP BY id ORDER BY min(depth), id`,
    [deviceId, MAX_DEPTH],
  );
  return ids(rows).filter((id) => id !== deviceId);
}

/** The devices above `deviceId`: its parent first, then the parent's parent, … up to the root. Empty for a root or an unknown id. */
export async function deviceAncestors(db: Db, deviceId: number): Promise<number[]> {
  const { rows } = await db.raw(
    `WITH RECURSIVE up(id, parent_id, depth) AS (
       SELECT d.id, d.parent_id, 0 FROM devices d WHERE d.id = ?
       UNION ALL
       SELECT d.id, d.parent_id, u.depth + 1 FROM devices d JOIN up u ON d.id = u.parent_id WHERE u.depth < ? AND d.id <> ?
     )
     SELECT id FROM up WHERE depth > 0 ORDER BY depth`,
    [deviceId, MAX_DEPTH, deviceId],
  );
  return [...new Set(ids(rows))];
}

/** Ids of the subscriptions hanging off `deviceId` or any device below it (subscriptions.device_id), ascending. */
export async function subscriptionsBehind(db: Db, deviceId: number): Promise<number[]> {
  const { rows } = await db.raw(
    `WITH RECURSIVE tree(id) AS (
       SELECT d.id FROM devices d WHERE d.id = ?
       UNION
       SELECT d.id FROM devices d JOIN tree t ON d.parent_id = t.id
     )
     SELECT s.id FROM subscriptions s JOIN tree t ON s.device_id = t.id ORDER BY s.id`,
    [deviceId],
  );
  return ids(rows);
}

/**
 * Whether hanging `deviceId` off `parentId` would close a loop: the parent is the device itself
 * or one of its descendants (the device appears among the new parent's ancestors).
 */
export async function createsCycle(db: Db, deviceId: number, parentId: number): Promise<boolean> {
  if (deviceId === parentId) return true;
  const { rows } = await db.raw(
    `WITH RECURSIVE up(id, parent_id) AS (
       SELECT d.id, d.parent_id FROM devices d WHERE d.id = ?
       UNION
       SELECT d.id, d.parent_id FROM devices d JOIN up u ON d.id = u.parent_id
     )
     SELECT EXISTS (SELECT 1 FROM up WHERE id = ?) AS cycle`,
    [parentId, deviceId],
  );
  return Boolean(rows[0]?.cycle);
}
