/**
 * Generates a batch of hotspot vouchers: the batch row (plan or own rate limit, limits, price),
 * then `quantity` unique codes (voucher-code.ts) inserted in bulk, in one transaction with its
 * audit row. A code that is already a voucher's (the UNIQUE index) or a subscription's username
 * (it would log in as the subscription) is drawn again, so the batch always has exactly
 * `quantity` vouchers. The audit row holds the batch's terms, never the codes.
 *
 * The input is validated by the caller's form (admin/vouchers/batch-form.ts checks the rate-limit
 * syntax); here the invariants the database also enforces are checked once more, as values.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { DEFAULT_CODE_LENGTH, MAX_CODE_LENGTH, MIN_CODE_LENGTH, randomVoucherCode } from '../access/voucher-code.js';

export const MAX_BATCH_QUANTITY = 10_000;

export interface BatchInput {
  name: string;
  /** The plan whose rate limit applies (and its pool, group, idle timeout), or null. */
  planId: number | null;
  /** Mikrotik-Rate-Limit of the batch itself (wins over the plan's), or null. */
  rateLimit: string | null;
  /** Total seconds online across sessions, or null. */
  timeLimitSeconds: number | null;
  /** Total octets (upload + download) across sessions, or null. */
  dataLimitBytes: number | null;
  /** Seconds from the first login until the voucher expires, or null. */
  validitySeconds: number | null;
  /** Rupiah per voucher. */
  price: number;
  /** 1 to 10,000. */
  quantity: number;
  /** Characters per code (default 8). */
  codeLength?: number;
}

export type GenerateOutcome =
  | { ok: true; batchId: number; quantity: number }
  | { ok: false; code: 'invalid'; field: string }
  | { ok: false; code: 'plan_not_found' };

const positiveOrNull = (v: number | null, max: number): boolean => v === null || (Number.isSafeInteger(v) && v > 0 && v <= max);

/** The first field that breaks an invariant, or null. */
function invalidField(input: BatchInput): string | null {
  if (!input.name.trim() || input.name.length > 100) return 'name';
  if (input.planId === null && !input.rateLimit) return 'rate_limit';
  if (!positiveOrNull(input.timeLimitSeconds, 2_147_483_647)) return 'time_limit';
  if (!positiveOrNull(input.dataLimitBytes, Number.MAX_SAFE_INTEGER)) return 'data_limit';
  if (!positiveOrNull(input.validitySeconds, 2_147_483_647)) return 'validity';
  if (input.timeLimitSeconds === null && input.dataLimitBytes === null && input.validitySeconds === null) return 'time_limit';
  if (!Number.isSafeInteger(input.price) || input.price < 0) return 'price';
  if (!Number.isSafeInteger(input.quantity) || input.quantity < 1 || input.quantity > MAX_BATCH_QUANTITY) return 'quantity';
  const len = input.codeLength ?? DEFAULT_CODE_LENGTH;
  if (!Number.isSafeInteger(len) || len < MIN_CODE_LENGTH || len > MAX_CODE_LENGTH) return 'code_length';
  return null;
}

/** Inserts `count` new codes into the batch; returns how many went in (fewer when some were taken). */
async function insertCodes(trx: Knex.Transaction, batchId: number, count: number, length: number): Promise<number> {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(randomVoucherCode(length));
  const { rowCount } = await trx.raw(
    `INSERT INTO vouchers (batch_id, code)
     SELECT ?, c FROM unnest(?::text[]) AS c
      WHERE NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.username = c)
     ON CONFLICT (code) DO NOTHING`,
    [batchId, [...codes]],
  );
  return rowCount ?? 0;
}

/**
 * Creates the batch and its vouchers, audited as `voucher_batch_created`.
 * @returns the new batch id, or why nothing was created.
 */
export async function generateBatch(db: Knex, actor: AuditActor, input: BatchInput): Promise<GenerateOutcome> {
  const field = invalidField(input);
  if (field) return { ok: false, code: 'invalid', field };
  const length = input.codeLength ?? DEFAULT_CODE_LENGTH;
  return db.transaction(async (trx) => {
    if (input.planId !== null && !(await trx('plans').where({ id: input.planId }).first('id'))) {
      return { ok: false, code: 'plan_not_found' } as const;
    }
    const terms = {
      name: input.name.trim(),
      plan_id: input.planId,
      rate_limit: input.rateLimit,
      time_limit_seconds: input.timeLimitSeconds,
      data_limit_bytes: input.dataLimitBytes,
      validity_seconds: input.validitySeconds,
      price: input.price,
      quantity: input.quantity,
    };
    const [row] = await trx('voucher_batches').insert({ ...terms, created_by: actor.staffUserId }).returning('id');
    const batchId = Number(row.id);
    let inserted = 0;
    // 10,000 codes of 40 bits among at most millions: a second round is rare, a third rarer still.
    for (let round = 0; inserted < input.quantity; round++) {
      if (round === 20) throw new Error(`could not draw ${input.quantity} unique voucher codes of ${length} characters`);
      inserted += await insertCodes(trx, batchId, input.quantity - inserted, length);
    }
    await recordAudit(trx, actor, { action: 'voucher_batch_created', objectType: 'voucher_batch', objectId: batchId, after: { ...terms, code_length: length } });
    return { ok: true, batchId, quantity: inserted } as const;
  });
}
