/**
 * Voucher batches for the console: one page of batches, newest first, each with its plan's name,
 * who made it, and its vouchers counted by status (one index-only GROUP BY over the page's
 * batches: vouchers_batch_status); and one batch with the same figures.
 */
import type { Knex } from '../../lib/db.js';
import { VOUCHER_STATUSES, type VoucherStatus } from '../../billing/access/voucher-access.js';

export const BATCH_PAGE_SIZE = 25;

export interface BatchRow {
  id: number;
  name: string;
  plan_id: number | null;
  plan_name: string | null;
  plan_rate_limit: string | null;
  rate_limit: string | null;
  time_limit_seconds: number | null;
  data_limit_bytes: number | null;
  validity_seconds: number | null;
  price: number;
  quantity: number;
  created_by_name: string | null;
  created_at: Date;
  counts: Record<VoucherStatus, number>;
}

export interface BatchList {
  rows: BatchRow[];
  total: number;
  page: number;
  pages: number;
}

const COLUMNS = [
  'b.id', 'b.name', 'b.plan_id', 'p.name as plan_name', 'p.rate_limit as plan_rate_limit', 'b.rate_limit', 'b.time_limit_seconds',
  'b.data_limit_bytes', 'b.validity_seconds', 'b.price', 'b.quantity', 's.name as created_by_name', 'b.created_at',
];

async function withCounts(db: Knex, rows: Array<Omit<BatchRow, 'counts'>>): Promise<BatchRow[]> {
  const counts = new Map<number, Record<VoucherStatus, number>>(
    rows.map((r) => [Number(r.id), Object.fromEntries(VOUCHER_STATUSES.map((s) => [s, 0])) as Record<VoucherStatus, number>]),
  );
  if (rows.length) {
    const grouped = (await db('vouchers').whereIn('batch_id', [...counts.keys()]).groupBy('batch_id', 'status')
      .select('batch_id', 'status').count({ n: '*' })) as Array<{ batch_id: number; status: VoucherStatus; n: number | string }>;
    for (const g of grouped) counts.get(Number(g.batch_id))![g.status] = Number(g.n);
  }
  return rows.map((r) => ({ ...r, id: Number(r.id), counts: counts.get(Number(r.id))! }));
}

/** One page of batches, newest first; a page past the end gives the last page. */
export async function listBatches(db: Knex, page: number): Promise<BatchList> {
  const total = Number(((await db('voucher_batches').count({ n: '*' })) as Array<{ n: string | number }>)[0]?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / BATCH_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  const rows = await db('voucher_batches as b')
    .leftJoin('plans as p', 'p.id', 'b.plan_id')
    .leftJoin('staff_users as s', 's.id', 'b.created_by')
    .select(COLUMNS)
    .orderBy('b.id', 'desc')
    .limit(BATCH_PAGE_SIZE)
    .offset((current - 1) * BATCH_PAGE_SIZE);
  return { rows: await withCounts(db, rows), total, page: current, pages };
}

/** One batch with its counts, or null. */
export async function loadBatch(db: Knex, id: number): Promise<BatchRow | null> {
  const row = await db('voucher_batches as b')
    .leftJoin('plans as p', 'p.id', 'b.plan_id')
    .leftJoin('staff_users as s', 's.id', 'b.created_by')
    .where('b.id', id)
    .first(COLUMNS);
  return row ? (await withCounts(db, [row]))[0]! : null;
}

/** Active plans for the batch form (hotspot plans first). */
export async function planChoices(db: Knex): Promise<Array<{ id: number; name: string; rate_limit: string }>> {
  const rows = await db('plans').where({ is_active: true }).orderByRaw(`service_type = 'hotspot' DESC, name`).select('id', 'name', 'rate_limit');
  return rows.map((r: { id: number; name: string; rate_limit: string }) => ({ ...r, id: Number(r.id) }));
}
