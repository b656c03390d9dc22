/**
 * New staff alerts as they are written, for the live dashboard: one reader per process polls
 * `staff_alerts` by id (the primary key) and hands each new row on once.
 *
 * Why poll the table (every few seconds, only while a live stream is open) rather than
 * LISTEN/NOTIFY or Redis pub/sub: every writer goes through lib/staff-alerts.ts into this one
 * table (CoA failures from aaa/, payment problems from billing/, network alerts), so the table is
 * the one place that sees them all, with no change to any writer; NOTIFY would need a trigger and
 * a dedicated connection held outside knex's pool, and network/alerts/publish.ts's Redis channel
 * carries network alerts only. An index-only `id > $floor` read every 2 s is cheap.
 *
 * Ids are handed out when a row is inserted, not when its transaction commits, so a lower id can
 * appear after a higher one: rows above `floor` that were already delivered are remembered, and
 * the floor moves up to the highest delivered id only once that id has been seen for
 * `settleMs` (an alert that commits later than that after a newer one is not shown live; the
 * list at /admin/alerts has it). Ids never used (a rolled-back insert, ON CONFLICT DO NOTHING)
 * only keep the floor back until then.
 */
import type { Knex } from '../../lib/db.js';

export interface LiveAlert {
  id: number;
  kind: string;
  message: string;
  createdAt: Date;
}

export interface AlertFeed {
  /** The alerts written since the last call (the first call only sets the starting point and returns none). */
  poll(now: number): Promise<LiveAlert[]>;
}

const BATCH = 100;

export function createAlertFeed(db: Knex, opts: { settleMs?: number } = {}): AlertFeed {
  const settleMs = opts.settleMs ?? 30_000;
  let floor: number | null = null;
  /** Delivered ids above the floor, with when each was first seen. */
  const seen = new Map<number, number>();

  return {
    async poll(now) {
      if (floor === null) {
        const row = await db('staff_alerts').max<{ max: string | null }>({ max: 'id' }).first();
        floor = Number(row?.max ?? 0);
        return [];
      }
      const rows = (await db('staff_alerts').select('id', 'kind', 'message', 'created_at')
        .where('id', '>', floor).orderBy('id').limit(BATCH + seen.size)) as Array<{ id: string; kind: string; message: string; created_at: Date }>;
      const fresh: LiveAlert[] = [];
      for (const r of rows) {
        const id = Number(r.id);
        if (seen.has(id)) continue;
        seen.set(id, now);
        fresh.push({ id, kind: r.kind, message: r.message, createdAt: r.created_at });
      }
      // Move the floor up to the highest id seen long enough ago; forget what is below it.
      let settled = floor;
      for (const [id, at] of seen) if (now - at >= settleMs && id > settled) settled = id;
      floor = settled;
      for (const id of seen.keys()) if (id <= settled) seen.delete(id);
      return fresh;
    },
  };
}
