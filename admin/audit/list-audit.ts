/** The audit log screen: newest first, filtered by staff member and by object, paginated; and its CSV. */
import type { Knex } from '../../lib/db.js';

export const AUDIT_PAGE_SIZE = 50;

export interface AuditQuery {
  staffUserId: number | null;
  objectType: string;
  objectId: string;
  page: number;
}

function filtered(db: Knex, query: Omit<AuditQuery, 'page'>): Knex.QueryBuilder {
  const b = db('audit_log');
  if (query.staffUserId) b.where('staff_user_id', query.staffUserId);
  if (query.objectType) b.where('object_type', query.objectType);
  if (query.objectId) b.where('object_id', query.objectId);
  return b;
}

export async function listAudit(db: Knex, query: AuditQuery): Promise<{ rows: Array<Record<string, unknown>>; page: number; hasNext: boolean }> {
  const b = filtered(db, query);
  const page = Math.max(1, query.page);
  // One row more than a page tells whether a next page exists, without counting the whole log.
  const rows: Array<Record<string, unknown>> = await b.orderBy('id', 'desc').limit(AUDIT_PAGE_SIZE + 1).offset((page - 1) * AUDIT_PAGE_SIZE)
    .select('id', 'created_at', 'actor', 'action', 'object_type', 'object_id', 'before', 'after', db.raw('host(ip_address) AS ip'));
  return {
    rows: rows.slice(0, AUDIT_PAGE_SIZE).map((r) => ({ ...r, before: r.before ? JSON.stringify(r.before) : '', after: r.after ? JSON.stringify(r.after) : '' })),
    page,
    hasNext: rows.length > AUDIT_PAGE_SIZE,
  };
}

/** Staff members to filter by. */
export async function auditStaffOptions(db: Knex): Promise<Array<{ id: number; username: string }>> {
  return db('staff_users').orderBy('username').select('id', 'username');
}

/**
 * Every entry the filters match, newest first, for the CSV export: read in chunks of 1,000 by id
 * (keyset), so exporting a log of millions costs the same per row at the end as at the start.
 */
export async function* allAudit(db: Knex, query: Omit<AuditQuery, 'page'>): AsyncGenerator<Record<string, unknown>> {
  let below: number | null = null;
  for (;;) {
    const b = filtered(db, query);
    if (below !== null) b.where('id', '<', below);
    const rows: Array<Record<string, unknown>> = await b.orderBy('id', 'desc').limit(1000)
      .select('id', 'created_at', 'actor', 'action', 'object_type', 'object_id', 'before', 'after', db.raw('host(ip_address) AS ip'));
    yield* rows;
    if (rows.length < 1000) return;
    below = Number(rows[rows.length - 1]!.id);
  }
}
