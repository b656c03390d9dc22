/**
 * The topology question alert grouping asks, for a whole round at once, as one recursive CTE over
 * devices.parent_id (OLT → ODC → ODP; NAS → switch → access point). network/devices/topology.ts
 * (deviceAncestors) answers it for one device. Depth is capped at 64 so a parent loop in bad data ends.
 */
import type { Knex } from '../../lib/db.js';

/**
 * For each of `ids` that has an ancestor which is down (device_state.state = 'down') or is one of
 * `sameRound`, maps it to the topmost such ancestor. Devices without one are absent.
 */
export async function devicesWithDownAncestor(db: Knex, ids: readonly number[], sameRound: readonly number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.raw<{ rows: Array<{ start_id: string; top_id: string }> }>(
    `WITH RECURSIVE up(start_id, id, depth) AS (
       SELECT d.id, d.parent_id, 1 FROM devices d WHERE d.id = ANY(?::bigint[]) AND d.parent_id IS NOT NULL
       UNION ALL
       SELECT up.start_id, d.parent_id, up.depth + 1 FROM up JOIN devices d ON d.id = up.id
        WHERE d.parent_id IS NOT NULL AND up.depth < 64
     )
     SELECT DISTINCT ON (up.start_id) up.start_id, up.id AS top_id
       FROM up LEFT JOIN device_state s ON s.device_id = up.id
      WHERE s.state = 'down' OR up.id = ANY(?::bigint[])
      ORDER BY up.start_id, up.depth DESC`,
    [[...ids], [...sameRound]],
  );
  return new Map(rows.map((r) => [Number(r.start_id), Number(r.top_id)]));
}
