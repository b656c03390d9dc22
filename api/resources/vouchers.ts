/**
 * /vouchers/batches: hotspot voucher batches: list (filter `plan_id`), get (with the vouchers
 * counted by status) and create. Create is the console's use case (billing/vouchers/generate-batch.ts:
 * the batch and `quantity` unique codes in one transaction, audited `voucher_batch_created` with
 * the terms, never the codes) run through the engine with the token's staff member as actor; the
 * rate limit is checked as the console's form checks it (lib/routeros/rate-limit.ts, RouterOS
 * `rx/tx [burst …]` syntax, sent as Mikrotik-Rate-Limit). Limits are in seconds and bytes (the
 * console's form takes hours, days and GB; the API takes the base units). The codes themselves:
 * api/resources/voucher-codes.ts.
 */
import { z } from 'zod';
import { VOUCHER_STATUSES, type VoucherStatus } from '../../billing/access/voucher-access.js';
import { DEFAULT_CODE_LENGTH, MAX_CODE_LENGTH, MIN_CODE_LENGTH } from '../../billing/access/voucher-code.js';
import { generateBatch, MAX_BATCH_QUANTITY } from '../../billing/vouchers/generate-batch.js';
import type { Knex } from '../../lib/db.js';
import { isValidRateLimit } from '../../lib/routeros/rate-limit.js';
import { paginate } from '../framework/pagination.js';
import { validationProblem } from '../framework/problem.js';
import { route, type ApiRoute } from '../framework/route.js';
import { found, idParams, instant, iso, pageOf, pageQuery } from './common.js';

const INT32_MAX = 2_147_483_647;

const batch = z.object({
  id: z.number().int(), name: z.string(), plan_id: z.number().int().nullable(),
  rate_limit: z.string().nullable().describe("The batch's own Mikrotik-Rate-Limit; null: the plan's"),
  time_limit_seconds: z.number().int().nullable().describe('Total seconds online across sessions'),
  data_limit_bytes: z.number().int().nullable().describe('Total octets (upload + download) across sessions'),
  validity_seconds: z.number().int().nullable().describe('Seconds from the first login until the voucher expires'),
  price: z.number().int().describe('Whole rupiah per voucher'), quantity: z.number().int(),
  created_by: z.number().int().nullable().describe('Staff id'), created_at: instant,
  counts: z.object(Object.fromEntries(VOUCHER_STATUSES.map((s) => [s, z.number().int()])) as Record<VoucherStatus, z.ZodNumber>).describe('Vouchers by status'),
}).meta({ id: 'VoucherBatch' });

const batchInput = z.object({
  name: z.string().trim().min(1).max(100),
  plan_id: z.number().int().min(1).nullable().default(null).describe("The plan whose rate limit (and pool, group, idle timeout) applies"),
  rate_limit: z.string().trim().max(100).nullable().default(null).refine((v) => v === null || v === '' || isValidRateLimit(v), 'not a RouterOS rate limit (rx/tx [burst-rx/burst-tx …])')
    .describe('Mikrotik-Rate-Limit of the batch (wins over the plan\'s); required without plan_id'),
  time_limit_seconds: z.number().int().min(1).max(INT32_MAX).nullable().default(null),
  data_limit_bytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable().default(null),
  validity_seconds: z.number().int().min(1).max(INT32_MAX).nullable().default(null),
  price: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0).describe('Whole rupiah per voucher'),
  quantity: z.number().int().min(1).max(MAX_BATCH_QUANTITY),
  code_length: z.number().int().min(MIN_CODE_LENGTH).max(MAX_CODE_LENGTH).default(DEFAULT_CODE_LENGTH),
}).superRefine((v, ctx) => {
  if (v.plan_id === null && !v.rate_limit) ctx.addIssue({ code: 'custom', path: ['rate_limit'], message: 'required without plan_id' });
  if (v.time_limit_seconds === null && v.data_limit_bytes === null && v.validity_seconds === null) {
    ctx.addIssue({ code: 'custom', path: ['time_limit_seconds'], message: 'one of time_limit_seconds, data_limit_bytes or validity_seconds is required' });
  }
}).meta({ id: 'VoucherBatchInput' });

/** generate-batch.ts's field names → the API's. */
const FIELD: Record<string, string> = { time_limit: 'time_limit_seconds', data_limit: 'data_limit_bytes', validity: 'validity_seconds' };

const COLUMNS = ['b.id', 'b.name', 'b.plan_id', 'b.rate_limit', 'b.time_limit_seconds', 'b.data_limit_bytes', 'b.validity_seconds', 'b.price', 'b.quantity', 'b.created_by', 'b.created_at'];
type BatchBody = z.infer<typeof batch>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The rows with their vouchers counted by status (one GROUP BY over the page's batches, index vouchers_batch_status). */
async function withCounts(db: Knex, rows: Array<Record<string, unknown>>): Promise<BatchBody[]> {
  const counts = new Map(rows.map((r) => [Number(r.id), Object.fromEntries(VOUCHER_STATUSES.map((s) => [s, 0])) as Record<VoucherStatus, number>]));
  if (rows.length) {
    const grouped = (await db('vouchers').whereIn('batch_id', [...counts.keys()]).groupBy('batch_id', 'status').select('batch_id', 'status').count({ n: '*' })) as Array<{ batch_id: number; status: VoucherStatus; n: string | number }>;
    for (const g of grouped) counts.get(Number(g.batch_id))![g.status] = Number(g.n);
  }
  return rows.map((r) => ({
    id: Number(r.id), name: String(r.name), plan_id: num(r.plan_id), rate_limit: (r.rate_limit as string | null) ?? null,
    time_limit_seconds: num(r.time_limit_seconds), data_limit_bytes: num(r.data_limit_bytes), validity_seconds: num(r.validity_seconds),
    price: Number(r.price), quantity: Number(r.quantity), created_by: num(r.created_by), created_at: iso(r.created_at), counts: counts.get(Number(r.id))!,
  }));
}

const load = async (db: Knex, id: number): Promise<BatchBody> => (await withCounts(db, [found(await db('voucher_batches as b').where('b.id', id).first(COLUMNS))]))[0]!;

export const voucherRoutes: ApiRoute[] = [
  route({
    method: 'get', path: '/vouchers/batches', operationId: 'listVoucherBatches', tag: 'Vouchers', summary: 'List voucher batches', permission: 'vouchers.view',
    query: pageQuery.extend({ plan_id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional() }),
    response: { status: 200, schema: pageOf(batch, 'VoucherBatch'), description: 'A page of batches, newest first' },
    async handler({ query, deps }) {
      const q = deps.db('voucher_batches as b').select(COLUMNS);
      if (query.plan_id) q.where('b.plan_id', query.plan_id);
      const page = await paginate<Record<string, unknown> & { id: number }>(q, 'b.id', query);
      return { body: { data: await withCounts(deps.db, page.data), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'get', path: '/vouchers/batches/{id}', operationId: 'getVoucherBatch', tag: 'Vouchers', summary: 'A voucher batch with its vouchers counted by status', permission: 'vouchers.view',
    params: idParams, problems: [404],
    response: { status: 200, schema: batch, description: 'The batch' },
    async handler({ params, deps }) {
      return { body: await load(deps.db, params.id) };
    },
  }),
  route({
    method: 'post', path: '/vouchers/batches', operationId: 'createVoucherBatch', tag: 'Vouchers', summary: 'Generate a batch of vouchers', permission: 'vouchers.manage',
    description: `1–${MAX_BATCH_QUANTITY} unique codes of ${MIN_CODE_LENGTH}–${MAX_CODE_LENGTH} characters; a plan or a rate limit, and at least one of a time limit, a data limit or a validity. Read the codes at /vouchers/batches/{id}/codes. Audited \`voucher_batch_created\`.`,
    body: batchInput,
    response: { status: 201, schema: batch, description: 'The new batch' },
    async handler({ body, caller, deps }) {
      const outcome = await deps.engine.run((u) => generateBatch(u.db, caller.actor, {
        name: body.name, planId: body.plan_id, rateLimit: body.rate_limit || null, timeLimitSeconds: body.time_limit_seconds,
        dataLimitBytes: body.data_limit_bytes, validitySeconds: body.validity_seconds, price: body.price, quantity: body.quantity, codeLength: body.code_length,
      }));
      if (!outcome.ok) {
        const field = outcome.code === 'plan_not_found' ? 'plan_id' : (FIELD[outcome.field] ?? outcome.field);
        throw validationProblem([{ pointer: `#/body/${field}`, detail: outcome.code === 'plan_not_found' ? 'no such plan' : 'invalid' }]);
      }
      return { status: 201, location: `/api/v1/vouchers/batches/${outcome.batchId}`, body: await load(deps.db, outcome.batchId) };
    },
  }),
];
