/**
 * Staff upload a bank statement (CSV of one of the four banks, parse-statement.ts); each credit
 * line is stored once (unique on its identity, so uploading the same file again, or an export
 * that overlaps it, adds and credits nothing) and matched on its exact amount against the unique
 * codes (issue-transfer-code.ts) whose window covers the day the bank posted it:
 * - one code → a settled bank_transfer payment credited through the ledger (credit-transfer.ts),
 *   the code `paid`, the line `matched`;
 * - several (an expired code's amount issued again while the first was still being paid) →
 *   `ambiguous`; none, or an amount with cents → `unmatched`: both listed for staff to match
 *   by hand (match-line-by-hand.ts).
 * Each line is matched in its own transaction with its row locked, so a line is credited at
 * most once even when two staff upload the same file at the same moment.
 */
import { AppError } from '../../../lib/errors.js';
import type { UseCaseDeps } from '../../use-case/use-case-deps.js';
import { creditTransfer } from './credit-transfer.js';
import { parseBankStatement } from './parse-statement.js';
import type { Bank } from './statement-layouts.js';

export interface ImportOutcome {
  uploadId: number;
  /** Credit lines read from the file. */
  lines: number;
  /** Of them, already stored from an earlier upload (nothing done). */
  seenBefore: number;
  /** Rows left out: debits, pending, footers. */
  skipped: number;
  matched: Array<{ lineId: number; paymentId: number; customerId: number; amount: number }>;
  unmatched: number[];
  ambiguous: number[];
}

/** Max upload, bytes (a month of a busy account is well under 1 MB). */
export const MAX_STATEMENT_BYTES = 2 * 1024 * 1024;

/**
 * @throws AppError `statement_too_large` (413), `statement_layout` / `statement_unreadable` (400).
 */
export async function importBankStatement(
  deps: UseCaseDeps,
  input: { bank: Bank; filename: string; content: Buffer; staffId: number | null },
): Promise<ImportOutcome> {
  if (input.content.length > MAX_STATEMENT_BYTES) throw new AppError('statement_too_large', 'the statement file is too large', 413);
  const parsed = parseBankStatement(input.bank, input.content);
  const { db } = deps;
  const [upload] = await db('bank_statement_uploads').insert({ bank: input.bank, filename: input.filename.slice(0, 200), uploaded_by: input.staffId, created_at: deps.clock.now() }).returning('id');
  const uploadId = Number(upload.id);
  const fresh: number[] = [];
  for (const l of parsed.lines) {
    const { rows } = await db.raw(
      `INSERT INTO bank_statement_lines (upload_id, bank, line_key, posted_on, description, amount_sen, balance_sen, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'unmatched') ON CONFLICT (line_key) DO NOTHING RETURNING id`,
      [uploadId, input.bank, l.key, l.postedOn, l.description, l.amountSen, l.balanceSen],
    );
    const id = (rows as Array<{ id: string }>)[0]?.id;
    if (id !== undefined) fresh.push(Number(id));
  }
  const out: ImportOutcome = { uploadId, lines: parsed.lines.length, seenBefore: parsed.lines.length - fresh.length, skipped: parsed.skipped, matched: [], unmatched: [], ambiguous: [] };
  for (const lineId of fresh) {
    const r = await matchLine(deps, lineId, input.staffId);
    if (r.status === 'matched') out.matched.push({ lineId, paymentId: r.paymentId, customerId: r.customerId, amount: r.amount });
    else out[r.status].push(lineId);
  }
  await db('bank_statement_uploads').where({ id: uploadId }).update({ lines_new: fresh.length, lines_seen_before: out.seenBefore, matched: out.matched.length });
  return out;
}

type LineResult = { status: 'matched'; paymentId: number; customerId: number; amount: number } | { status: 'unmatched' | 'ambiguous' };

/** Matches one stored `unmatched` line to its unique code, if exactly one fits. */
async function matchLine(deps: UseCaseDeps, lineId: number, staffId: number | null): Promise<LineResult> {
  return deps.effects.transaction(deps.db, async (trx): Promise<LineResult> => {
    const line = await trx('bank_statement_lines').where({ id: lineId }).forUpdate().first('id', 'bank', 'posted_on', 'description', 'amount_sen', 'status');
    if (line?.status !== 'unmatched') return { status: 'unmatched' };
    const sen = Number(line.amount_sen);
    if (sen % 100 !== 0) return { status: 'unmatched' };
    const amount = sen / 100;
    const postedOn = typeof line.posted_on === 'string' ? line.posted_on : new Date(line.posted_on).toISOString().slice(0, 10);
    const candidates = (await trx.raw(
      `SELECT id, customer_id, invoice_id, unique_code FROM bank_transfer_codes
        WHERE amount = ? AND status IN ('open', 'expired')
          AND (created_at AT TIME ZONE ?)::date <= ?::date AND (expires_at AT TIME ZONE ?)::date >= ?::date
        ORDER BY id FOR UPDATE`,
      [amount, deps.timeZone, postedOn, deps.timeZone, postedOn],
    )).rows as Array<{ id: string; customer_id: string; invoice_id: string; unique_code: number }>;
    if (candidates.length !== 1) {
      if (candidates.length > 1) await trx('bank_statement_lines').where({ id: lineId }).update({ status: 'ambiguous' });
      return { status: candidates.length > 1 ? 'ambiguous' : 'unmatched' };
    }
    const code = candidates[0]!;
    const customerId = Number(code.customer_id);
    const paymentId = await creditTransfer(trx, deps, {
      customerId, invoiceId: Number(code.invoice_id), amount,
      reference: `${String(line.bank).toUpperCase()} ${postedOn} ${line.description}`, note: `kode unik ${code.unique_code}`, staffId,
    });
    await trx('bank_transfer_codes').where({ id: code.id }).update({ status: 'paid', payment_id: paymentId });
    await trx('bank_statement_lines').where({ id: lineId }).update({ status: 'matched', code_id: code.id, payment_id: paymentId });
    return { status: 'matched', paymentId, customerId, amount };
  });
}
