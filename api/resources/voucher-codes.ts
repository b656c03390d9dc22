/**
 * Voucher codes: a batch's vouchers (filter `status`) and one voucher by its code, with its
 * status and use. A code is the voucher itself (whoever reads it can log in), so, as in the
 * console (admin/vouchers/routes.ts), whole codes are answered only with vouchers.manage; with
 * vouchers.view alone `code` shows its last three characters (`•••••K7Q`) and `code_masked` is
 * true. A page of whole codes is an export: it is audited `voucher_batch_exported` (as the
 * console's CSV is) with `via: "api"`. Looking a voucher up needs its whole code already.
 */
import { z } from 'zod';
import { VOUCHER_STATUSES } from '../../billing/access/voucher-access.js';
import { normalizeVoucherCode } from '../../billing/access/voucher-code.js';
import { recordAudit } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { paginate } from '../framework/pagination.js';
import { httpProblem } from '../framework/problem.js';
import type { ApiCaller } from '../framework/route.js';
import { route, type ApiRoute } from '../framework/route.js';
import { found, idParams, instant, iso, pageOf, pageQuery } from './common.js';

const voucher = z.object({
  id: z.number().int(), batch_id: z.number().int(),
  code: z.string().describe('The whole code with vouchers.manage; else masked but for its last three characters'),
  code_masked: z.boolean(),
  status: z.enum(VOUCHER_STATUSES as [string, ...string[]]).describe('unused → sold → active (first login) → used / expired'),
  sold_at: instant, first_used_at: instant, expires_at: instant, ended_at: instant,
  used_seconds: z.number().int().describe('Seconds online so far, across sessions'),
  used_octets: z.string().regex(/^\d+$/).describe('Octets (upload + download) so far, exact decimal text'),
}).meta({ id: 'Voucher' });

const COLUMNS = (db: Knex): unknown[] => ['v.id', 'v.batch_id', 'v.code', 'v.status', 'v.sold_at', 'v.first_used_at', 'v.expires_at', 'v.ended_at', 'v.used_seconds', db.raw('v.used_octets::text AS used_octets')];

/** `•••••K7Q`: enough to tell vouchers apart, not enough to use one. */
export const maskCode = (code: string): string => `${'•'.repeat(Math.max(0, code.length - 3))}${code.slice(-3)}`;

function toVoucher(r: Record<string, unknown>, reveal: boolean): z.infer<typeof voucher> {
  const code = String(r.code);
  return {
    id: Number(r.id), batch_id: Number(r.batch_id), code: reveal ? code : maskCode(code), code_masked: !reveal, status: String(r.status),
    sold_at: iso(r.sold_at), first_used_at: iso(r.first_used_at), expires_at: iso(r.expires_at), ended_at: iso(r.ended_at),
    used_seconds: Number(r.used_seconds), used_octets: String(r.used_octets),
  };
}

const reveals = (caller: ApiCaller): boolean => caller.permissions.has('vouchers.manage');

export const voucherCodeRoutes: ApiRoute[] = [
  route({
    method: 'get', path: '/vouchers/batches/{id}/codes', operationId: 'listVoucherCodes', tag: 'Vouchers', summary: "A batch's vouchers", permission: 'vouchers.view',
    description: 'Whole codes with vouchers.manage (each page audited as an export), masked otherwise.',
    params: idParams, problems: [404],
    query: pageQuery.extend({ status: z.enum(VOUCHER_STATUSES as [string, ...string[]]).optional() }),
    response: { status: 200, schema: pageOf(voucher, 'Voucher'), description: 'A page of the batch\'s vouchers, newest first' },
    async handler({ params, query, caller, deps }) {
      found(await deps.db('voucher_batches').where({ id: params.id }).first('id'));
      const q = deps.db('vouchers as v').where('v.batch_id', params.id).select(COLUMNS(deps.db) as string[]);
      if (query.status) q.where('v.status', query.status);
      const page = await paginate<Record<string, unknown> & { id: number }>(q, 'v.id', query);
      const reveal = reveals(caller);
      if (reveal && page.data.length) {
        await recordAudit(deps.db, caller.actor, { action: 'voucher_batch_exported', objectType: 'voucher_batch', objectId: params.id, after: { via: 'api', status: query.status ?? 'all', count: page.data.length } });
      }
      return { body: { data: page.data.map((r) => toVoucher(r, reveal)), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'get', path: '/vouchers/codes/{code}', operationId: 'getVoucherByCode', tag: 'Vouchers', summary: 'A voucher and its status, by its whole code', permission: 'vouchers.view',
    description: 'Any case, spaces and dashes ignored (as the login page reads a typed code).',
    params: z.object({ code: z.string().min(1).max(40).describe('The whole voucher code') }), problems: [404],
    response: { status: 200, schema: voucher, description: 'The voucher' },
    async handler({ params, caller, deps }) {
      const code = normalizeVoucherCode(params.code);
      if (!code) throw httpProblem(404);
      return { body: toVoucher(found(await deps.db('vouchers as v').where('v.code', code).first(COLUMNS(deps.db) as string[])), reveals(caller)) };
    },
  }),
];

