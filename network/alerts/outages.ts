/**
 * Opening and ending outages (the outages / outage_subscriptions tables,
 * migrations/20261207001400_network_alerts.ts). An outage opens for a device down longer than the
 * rule's `outageAfterMinutes` whose ancestors are all up (the topmost down device: one outage for
 * an OLT, not one per ODP behind it), with every subscription behind it that is not already in
 * another open outage; it ends when the device is up. Notices and SLA credits follow in the
 * outage round (./outage-round.ts).
 */
import type { Knex } from '../../lib/db.js';
import { raiseStaffAlerts } from '../../lib/staff-alerts.js';
import { subscriptionsBehind } from '../devices/topology.js';

export interface OpenedOutage {
  id: number;
  deviceId: number;
  deviceName: string;
  startedAt: Date;
  affected: number;
}

/** Ends the open outage of each device that came up, at the time it came up. Returns the outage ids ended. */
export async function endOutagesForDevices(deps: { db: Knex }, ups: ReadonlyArray<{ deviceId: number; at: Date }>): Promise<number[]> {
  const ended: number[] = [];
  for (const u of ups) {
    const ids: Array<{ id: string }> = await deps.db('outages')
      .where({ device_id: u.deviceId })
      .whereNull('ended_at')
      .update({ ended_at: deps.db.raw('greatest(started_at, ?::timestamptz)', [u.at]) })
      .returning('id');
    ended.push(...ids.map((r) => Number(r.id)));
  }
  return ended;
}

/**
 * Opens an outage for each device down since `now − afterMinutes` or earlier, with no ancestor
 * down and no open outage of its own; raises one `outage_started` staff alert each (key
 * `outage_started:<id>`). Idempotent: a second call opens nothing new.
 */
export async function openDueOutages(db: Knex, now: Date, afterMinutes: number): Promise<OpenedOutage[]> {
  const cutoff = new Date(now.getTime() - afterMinutes * 60_000);
  const { rows: due } = await db.raw<{ rows: Array<{ id: string; name: string; kind: string; since: Date }> }>(
    `SELECT d.id, d.name, d.kind, s.since
       FROM device_state s JOIN devices d ON d.id = s.device_id
      WHERE s.state = 'down' AND s.since <= ?
        AND NOT EXISTS (SELECT 1 FROM outages o WHERE o.device_id = d.id AND o.ended_at IS NULL)
        AND NOT EXISTS (
          WITH RECURSIVE up(id, depth) AS (
            SELECT d.parent_id, 1 WHERE d.parent_id IS NOT NULL
            UNION ALL
            SELECT p.parent_id, up.depth + 1 FROM up JOIN devices p ON p.id = up.id WHERE p.parent_id IS NOT NULL AND up.depth < 64
          )
          SELECT 1 FROM up JOIN device_state a ON a.device_id = up.id WHERE a.state = 'down')
      ORDER BY d.id`,
    [cutoff],
  );
  const opened: OpenedOutage[] = [];
  for (const d of due) {
    const outage = await db.transaction(async (trx) => {
      const [o] = await trx('outages')
        .insert({ device_id: d.id, started_at: d.since })
        .onConflict(trx.raw('(device_id) WHERE ended_at IS NULL'))
        .ignore()
        .returning('id');
      if (!o) return null;
      const id = Number(o.id);
      const behind = await subscriptionsBehind(trx, Number(d.id));
      let affected = 0;
      if (behind.length > 0) {
        const { rowCount } = await trx.raw(
          `INSERT INTO outage_subscriptions (outage_id, subscription_id)
           SELECT ?, s.id FROM subscriptions s
            WHERE s.id = ANY(?::bigint[]) AND s.status <> 'terminated'
              AND NOT EXISTS (SELECT 1 FROM outage_subscriptions os JOIN outages o ON o.id = os.outage_id
                               WHERE os.subscription_id = s.id AND o.ended_at IS NULL)`,
          [id, behind],
        );
        affected = rowCount ?? 0;
      }
      await trx('outages').where({ id }).update({ affected });
      await raiseStaffAlerts(trx, [{
        kind: 'outage_started',
        key: `outage_started:${id}`,
        message: `Outage: ${d.kind.toUpperCase()} ${d.name} down since ${new Date(d.since).toISOString()}, ${affected} subscription(s) affected`,
        details: { outageId: id, deviceId: Number(d.id), deviceName: d.name, startedAt: new Date(d.since).toISOString(), affected },
      }]);
      return { id, deviceId: Number(d.id), deviceName: d.name, startedAt: new Date(d.since), affected };
    });
    if (outage) opened.push(outage);
  }
  return opened;
}
