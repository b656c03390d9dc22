/**
 * The areas assigned to a staff member (`staff_areas`, migration 20261207000600): a collector
 * reaches only the customers of these areas (billing/customers/customer-scope.ts, read on every request, so a
 * change applies at their next click). An admin sets the whole list at once on the member's page:
 * the areas ticked, plus one typed in (a new area, before any customer has it). Audited as
 * `staff_areas_changed` with the lists before and after, in the same transaction.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { AREA_MAX, areaValue } from '../../billing/customers/save-customer.js';

/** The most areas one staff member may hold (a form cannot send an unbounded list). */
export const MAX_STAFF_AREAS = 100;

/** Staff member `staffId`'s areas, by name. */
export async function loadStaffAreas(db: Knex, staffId: number): Promise<string[]> {
  const rows = (await db('staff_areas').where({ staff_user_id: staffId }).orderBy('area').select('area')) as Array<{ area: string }>;
  return rows.map((r) => r.area);
}

/** The areas an admin may tick for `staffId`: every area customers have, and the member's own. */
export async function areaChoices(db: Knex, staffId: number): Promise<string[]> {
  const { rows } = await db.raw(
    `SELECT area FROM customers WHERE area IS NOT NULL
      UNION SELECT area FROM staff_areas WHERE staff_user_id = ?
      ORDER BY area`,
    [staffId],
  );
  return (rows as Array<{ area: string }>).map((r) => r.area);
}

/**
 * The areas a form sends: the ticked `area` values (one or many) and the typed `new_area`, each
 * trimmed with blanks collapsed (areaValue), empty ones dropped, duplicates once.
 * @returns null when one is longer than AREA_MAX or there are more than MAX_STAFF_AREAS.
 */
export function areasFromForm(body: Record<string, unknown>): string[] | null {
  const raw = [...[body.area ?? []].flat(), body.new_area ?? ''];
  const areas = [...new Set(raw.filter((v) => typeof v === 'string').map(areaValue).filter((a): a is string => a !== null))].sort();
  if (areas.some((a) => a.length > AREA_MAX) || areas.length > MAX_STAFF_AREAS) return null;
  return areas;
}

export type SetAreasOutcome = { ok: true } | { ok: false; code: 'not_found' | 'invalid' };

/** Replaces staff member `staffId`'s areas with `areas` (null: refused as invalid). */
export async function setStaffAreas(db: Knex, actor: AuditActor, staffId: number, areas: string[] | null): Promise<SetAreasOutcome> {
  if (!areas) return { ok: false, code: 'invalid' };
  return db.transaction(async (trx) => {
    const member = await trx('staff_users').where({ id: staffId }).forUpdate().first('id');
    if (!member) return { ok: false, code: 'not_found' } as const;
    const before = await loadStaffAreas(trx, staffId);
    if (before.join('\n') === areas.join('\n')) return { ok: true } as const;
    await trx('staff_areas').where({ staff_user_id: staffId }).delete();
    if (areas.length) await trx('staff_areas').insert(areas.map((area) => ({ staff_user_id: staffId, area })));
    await recordAudit(trx, actor, { action: 'staff_areas_changed', objectType: 'staff_user', objectId: staffId, before: { areas: before }, after: { areas } });
    return { ok: true } as const;
  });
}
