/**
 * Marks vouchers of a batch as sold (handed to a reseller or a guest): either the vouchers staff
 * ticked, or the next `count` unused ones in code order of creation. Only unused vouchers change
 * (a voucher already sold, in use or finished stays as it is); the change and its audit row
 * (`vouchers_sold`: how many, and which, by id) commit together. Selling does not change what a
 * voucher can do: unused and sold vouchers log in alike.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';

export type SellInput = { batchId: number; voucherIds: number[] } | { batchId: number; count: number };

export type SellOutcome = { ok: true; sold: number } | { ok: false; code: 'batch_not_found' | 'nothing_selected' };

/** How many voucher ids the audit row lists (the count is always exact). */
const AUDIT_IDS = 1000;

export async function markVouchersSold(db: Knex, actor: AuditActor, now: Date, input: SellInput): Promise<SellOutcome> {
  const selection = 'voucherIds' in input ? input.voucherIds.filter((id) => Number.isSafeInteger(id) && id > 0) : null;
  const count = 'count' in input ? input.count : 0;
  if (selection ? selection.length === 0 : !(Number.isSafeInteger(count) && count > 0)) return { ok: false, code: 'nothing_selected' };
  return db.transaction(async (trx) => {
    // The batch row is locked: two cashiers selling "the next 10" at once get different vouchers.
    const batch = await trx('voucher_batches').where({ id: input.batchId }).forUpdate().first('id');
    if (!batch) return { ok: false, code: 'batch_not_found' } as const;
    const chosen = selection
      ? trx('vouchers').select('id').where({ batch_id: input.batchId, status: 'unused' }).whereIn('id', selection)
      : trx('vouchers').select('id').where({ batch_id: input.batchId, status: 'unused' }).orderBy('id').limit(count);
    const rows = (await trx('vouchers')
      .whereIn('id', chosen)
      .update({ status: 'sold', sold_at: now, sold_by: actor.staffUserId })
      .returning('id')) as Array<{ id: number }>;
    const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    if (ids.length) {
      await recordAudit(trx, actor, {
        action: 'vouchers_sold', objectType: 'voucher_batch', objectId: input.batchId,
        after: { count: ids.length, voucher_ids: ids.slice(0, AUDIT_IDS) },
      });
    }
    return { ok: true, sold: ids.length } as const;
  });
}
