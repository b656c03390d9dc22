/**
 * A broadcast's delivery report, from the outbox rows it queued (broadcast_recipients →
 * notification_outbox): queued (pending), sent and failed counts, and the rows (customer,
 * number, status, last error), failures first. And the list of past broadcasts.
 */
import type { Knex } from '../../lib/db.js';

export interface BroadcastReport {
  broadcast: { id: number; staff_username: string; created_at: Date; message: string; recipients: number; without_phone: number; per_minute: number; filter: Record<string, unknown> };
  counts: { queued: number; sent: number; failed: number };
  rows: Array<{ customer_id: number | null; customer_number: string | null; name: string | null; recipient: string | null; status: string; last_error: string | null; sent_at: Date | null }>;
}

const SHOWN = 1000;

export async function broadcastReport(db: Knex, id: number): Promise<BroadcastReport | null> {
  const b = await db('broadcasts').where({ id }).first('id', 'staff_username', 'created_at', 'message', 'recipients', 'without_phone', 'per_minute', 'filter');
  if (!b) return null;
  const counted = (await db('broadcast_recipients as r').join('notification_outbox as o', 'o.id', 'r.outbox_id').where('r.broadcast_id', id)
    .groupBy('o.status').select('o.status', db.raw('count(*)::int AS n'))) as Array<{ status: string; n: number }>;
  const n = (s: string): number => counted.find((c) => c.status === s)?.n ?? 0;
  const rows = await db('broadcast_recipients as r').leftJoin('notification_outbox as o', 'o.id', 'r.outbox_id').leftJoin('customers as c', 'c.id', 'r.customer_id')
    .where('r.broadcast_id', id)
    .orderByRaw(`CASE o.status WHEN 'failed' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END, r.position`)
    .limit(SHOWN)
    .select('r.customer_id', 'c.customer_number', 'c.name', 'o.recipient', db.raw(`coalesce(o.status, 'gone') AS status`), 'o.last_error', 'o.sent_at');
  return {
    broadcast: { ...b, id: Number(b.id), filter: b.filter ?? {} },
    counts: { queued: n('pending'), sent: n('sent'), failed: n('failed') },
    rows: rows as BroadcastReport['rows'],
  };
}

/** The latest broadcasts, newest first. */
export async function listBroadcasts(db: Knex, limit = 50): Promise<Array<Record<string, unknown>>> {
  return db('broadcasts').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit)
    .select('id', 'staff_username', 'created_at', 'message', 'recipients', 'without_phone');
}
