/**
 * The staff alerts' inbox, shared by the console (admin/alerts/) and the REST API
 * (api/resources/alerts.ts), so it lives in the kernel beside their writer (lib/staff-alerts.ts):
 * what a person must look at (a router that answered no attempt to
 * end a session, a payment whose amount does not match, a reversed payment). Whoever needs a
 * person writes a `staff_alerts` row; billing/notifications/relay-staff-alerts.ts relays it to the
 * staff Telegram chat, independently of this. Here: the open ones counted for the header,
 * listed newest first a page at a time, and acknowledged by a staff member (audited, once).
 */
import { recordAudit, type AuditActor } from './audit.js';
import type { Knex } from './db.js';

export const ALERTS_PAGE_SIZE = 50;

export interface StaffAlertRow {
  id: number;
  kind: string;
  message: string;
  /** The alert's details (JSON) as text, for a staff member to read. */
  details: string;
  created_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by_name: string | null;
}

/** How many alerts nobody acknowledged yet (index staff_alerts_open). */
export async function countOpenAlerts(db: Knex): Promise<number> {
  const row = await db('staff_alerts').whereNull('acknowledged_at').count<{ n: string }>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/**
 * Open alerts (or, with `acknowledged`, the acknowledged ones) newest first; `page` from 1.
 * `hasNext` is read from one extra row.
 */
export async function listAlerts(db: Knex, opts: { acknowledged: boolean; page: number }): Promise<{ rows: StaffAlertRow[]; page: number; hasNext: boolean }> {
  const page = Math.max(1, Math.min(opts.page, 10_000));
  const q = db('staff_alerts as a').leftJoin('staff_users as s', 's.id', 'a.acknowledged_by')
    .select('a.id', 'a.kind', 'a.message', db.raw('a.details::text AS details'), 'a.created_at', 'a.acknowledged_at', 's.name as acknowledged_by_name')
    .orderBy([{ column: opts.acknowledged ? 'a.acknowledged_at' : 'a.created_at', order: 'desc' }, { column: 'a.id', order: 'desc' }])
    .limit(ALERTS_PAGE_SIZE + 1).offset((page - 1) * ALERTS_PAGE_SIZE);
  if (opts.acknowledged) q.whereNotNull('a.acknowledged_at');
  else q.whereNull('a.acknowledged_at');
  const rows = (await q) as StaffAlertRow[];
  return { rows: rows.slice(0, ALERTS_PAGE_SIZE).map((r) => ({ ...r, id: Number(r.id), details: r.details === '{}' ? '' : r.details })), page, hasNext: rows.length > ALERTS_PAGE_SIZE };
}

/**
 * Marks an open alert acknowledged by `actor`, audited in the same transaction.
 * @returns false when there is no such open alert (unknown, or acknowledged already).
 */
export async function acknowledgeAlert(db: Knex, id: number, actor: AuditActor): Promise<boolean> {
  return db.transaction(async (trx) => {
    const [row] = await trx('staff_alerts').where({ id }).whereNull('acknowledged_at')
      .update({ acknowledged_at: trx.fn.now(), acknowledged_by: actor.staffUserId }).returning(['id', 'kind', 'message']);
    if (!row) return false;
    await recordAudit(trx, actor, { action: 'staff_alert_acknowledged', objectType: 'staff_alert', objectId: id, after: { kind: row.kind, message: row.message } });
    return true;
  });
}
