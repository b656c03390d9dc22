/**
 * A batch's vouchers for its console page and CSV: search by code (a fragment, any case, or the
 * whole code only — `exact`, for staff who see codes masked: a fragment search would let them
 * rebuild a whole code from its answers), filter by status, offset pages of VOUCHER_PAGE_SIZE in
 * creation order. A batch holds at most 10,000 vouchers, so a code fragment is a scan of that
 * batch's rows through vouchers_batch_status.
 */
import type { Knex } from '../../lib/db.js';
import { VOUCHER_STATUSES, type VoucherStatus } from '../../billing/access/voucher-access.js';
import { normalizeVoucherCode } from '../../billing/access/voucher-code.js';

export const VOUCHER_PAGE_SIZE = 50;
export const VOUCHER_FILTERS = ['', ...VOUCHER_STATUSES] as const;

export interface VoucherListQuery {
  q: string;
  /** Match `q` against whole codes only (no fragments). */
  exact?: boolean;
  status: (typeof VOUCHER_FILTERS)[number];
  /** 1-based. */
  page: number;
}

export interface VoucherRow {
  id: number;
  code: string;
  status: VoucherStatus;
  sold_at: Date | null;
  first_used_at: Date | null;
  expires_at: Date | null;
  ended_at: Date | null;
  used_seconds: number;
  used_octets: number;
}

export interface VoucherList {
  rows: VoucherRow[];
  total: number;
  page: number;
  pages: number;
}

function filtered(db: Knex, batchId: number, query: VoucherListQuery): Knex.QueryBuilder {
  const b = db('vouchers').where({ batch_id: batchId });
  if (query.status) b.where({ status: query.status });
  const code = normalizeVoucherCode(query.q).replace(/[^A-Z0-9]/g, '');
  if (code) b.where('code', query.exact ? '=' : 'like', query.exact ? code : `%${code}%`);
  return b;
}

/** One page of the batch's vouchers; a page past the end gives the last page. */
export async function listVouchers(db: Knex, batchId: number, query: VoucherListQuery, pageSize = VOUCHER_PAGE_SIZE): Promise<VoucherList> {
  const total = Number(((await filtered(db, batchId, query).count({ n: '*' })) as Array<{ n: string | number }>)[0]?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, query.page), pages);
  const rows = await filtered(db, batchId, query)
    .select('id', 'code', 'status', 'sold_at', 'first_used_at', 'expires_at', 'ended_at', 'used_seconds', db.raw('least(used_octets, 9007199254740991) AS used_octets'))
    .orderBy('id')
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return { rows: rows.map((r: VoucherRow) => ({ ...r, id: Number(r.id) })), total, page, pages };
}
