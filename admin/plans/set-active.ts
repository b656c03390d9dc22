/**
 * Deactivating and reactivating a plan or a router: one flag, `is_active`, with the row's
 * `version` raised (an open edit form then sees it changed) and the change audited as
 * `<objectType>_deactivated` / `<objectType>_reactivated`. Doing what is already done changes
 * and audits nothing.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';

/** `{ ok: false }` when there is no such row. */
export async function setActive(db: Knex, actor: AuditActor, target: { table: 'plans' | 'nas'; objectType: 'plan' | 'nas' }, id: number, active: boolean): Promise<{ ok: boolean }> {
  return db.transaction(async (trx) => {
    const before = await trx(target.table).where({ id }).forUpdate().first('id', 'is_active', 'version');
    if (!before) return { ok: false };
    if (before.is_active === active) return { ok: true };
    await trx(target.table).where({ id }).update({ is_active: active, version: Number(before.version) + 1 });
    await recordAudit(trx, actor, {
      action: `${target.objectType}_${active ? 'reactivated' : 'deactivated'}`, objectType: target.objectType, objectId: id,
      before: { is_active: !active }, after: { is_active: active },
    });
    return { ok: true };
  });
}
