/**
 * The audit log screen: newest first, filtered by staff member and by object, paginated, each
 * entry as a sentence and "field: before → after" lines (audit-text.ts); and its CSV.
 */
import type { Knex } from '../../lib/db.js';
import type { Locale } from '../../lib/i18n.js';
import { auditObjectOf, auditObjects } from './audit-objects.js';
import { auditChanges, auditSentence, type AuditChange, type AuditSentence } from './audit-text.js';

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

/** One entry as the screen shows it: the sentence, the changed fields, and the stored JSON (`raw`). */
export interface AuditRow {
  id: number;
  created_at: Date;
  actor: string | null;
  ip: string | null;
  sentence: AuditSentence;
  changes: AuditChange[];
  raw: string;
}

type Details = Record<string, unknown> | null;

/** One page of entries in `locale`, newest first. */
export async function listAudit(db: Knex, query: AuditQuery, locale: Locale): Promise<{ rows: AuditRow[]; page: number; hasNext: boolean }> {
  const b = filtered(db, query);
  const page = Math.max(1, query.page);
  // One row more than a page tells whether a next page exists, without counting the whole log.
  const rows: Array<Record<string, unknown>> = await b.orderBy('id', 'desc').limit(AUDIT_PAGE_SIZE + 1).offset((page - 1) * AUDIT_PAGE_SIZE)
    .select('id', 'created_at', 'actor', 'action', 'object_type', 'object_id', 'before', 'after', db.raw('host(ip_address) AS ip'));
  const shown = rows.slice(0, AUDIT_PAGE_SIZE);
  const objects = await auditObjects(db, shown as Array<{ object_type: unknown; object_id: unknown }>);
  return {
    rows: shown.map((r) => ({
      id: Number(r.id),
      created_at: r.created_at as Date,
      actor: (r.actor as string | null) ?? null,
      ip: (r.ip as string | null) ?? null,
      sentence: auditSentence(locale, String(r.action), auditObjectOf(objects, r as { object_type: unknown; object_id: unknown })),
      changes: auditChanges(locale, r.before as Details, r.after as Details),
      raw: JSON.stringify({ action: r.action, object_type: r.object_type, object_id: r.object_id, before: r.before, after: r.after }, null, 2),
    })),
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
