/**
 * Bank transfer with a unique code, matched from the four banks' statement exports
 * (test/fixtures/bank-statements/{bca,bri,mandiri,bni}.csv), against a real database: the
 * fixture's credit lines are read in each bank's number and date format, the line carrying
 * "invoice + code" pays the invoice once (the code's rupiah left as the customer's credit),
 * uploading the same file again credits nothing, and what no code explains is left for staff.
 *
 * Every DB test: plan 150,000, the December invoice issued on 24 Nov 2026 (withOneInvoice);
 * the customer asks for a transfer code that day; the bank posts the transfer on 25 Nov.
 */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createCustomer, createStaff } from '../../../test/helpers/factories.js';
import { ledgerSum, withOneInvoice } from '../../../test/helpers/billing-fixtures.js';
import { importBankStatement } from './import-bank-statement.js';
import { issueTransferCode } from './issue-transfer-code.js';
import { settleLineByHand } from './match-line-by-hand.js';
import { parseBankStatement } from './parse-statement.js';
import { parseStatementAmount } from './statement-amount.js';
import type { Bank } from './statement-layouts.js';

const fixture = (bank: Bank): Buffer => fs.readFileSync(new URL(`../../../test/fixtures/bank-statements/${bank}.csv`, import.meta.url));

describe('amounts as the banks print them', () => {
  test('Indonesian and English grouping, plain decimals, markers and signs → sen', () => {
    const cases: Array<[string, number | null, string | null]> = [
      ['1.500.123,00', 150_012_300, null], ['1,500,123.00', 150_012_300, null], ['1500123.00', 150_012_300, null],
      ['1500123', 150_012_300, null], ['150.000', 15_000_000, null], ['150,000', 15_000_000, null], ['Rp 1.500,5', 150_050, null],
      ['150,123.00 CR', 15_012_300, 'CR'], ['10.000,00 DB', 1_000_000, 'DB'], ['-25.000', 2_500_000, 'DB'], ["'0.00", 0, null],
      ['1.50.0', null, null], ['1,500.123,00', null, null], ['abc', null, null], ['', null, null],
    ];
    for (const [text, sen, direction] of cases) {
      const got = parseStatementAmount(text);
      assert.deepEqual(got && [got.sen, got.direction], sen === null ? null : [sen, direction], text);
    }
  });
});

describe('each bank’s export', () => {
  const expected: Record<Bank, { lines: Array<[string, number, string, number | null]>; skipped: number }> = {
    bca: {
      lines: [
        ['2026-11-25', 15_012_300, 'TRSF E-BANKING CR 2511/FTFVA/WS95031 150123.00 BUDI SANTOSO', 890_012_300],
        ['2026-11-25', 17_500_000, 'SWITCHING CR TRANSFER DR 002 SITI AMINAH', 907_512_300],
      ],
      skipped: 7, // 2 debits, PEND, 4 footer rows
    },
    bri: {
      lines: [['2026-11-25', 15_045_700, 'TRANSFER DARI BUDI SANTOSO NBMB', 480_045_700], ['2026-11-25', 9_900_000, 'TRANSFER DARI SITI AMINAH', 489_945_700]],
      skipped: 2,
    },
    mandiri: {
      lines: [['2026-11-25', 15_078_900, 'TRANSFER DARI BUDI SANTOSO MCM InhouseTrf CS-CS', 1_215_078_900], ['2026-11-26', 20_000_000, 'TRANSFER DARI ANDI WIJAYA SKN', 1_185_078_900]],
      skipped: 1,
    },
    bni: {
      lines: [['2026-11-25', 15_004_200, 'TRANSFER DARI BUDI SANTOSO', 515_004_200], ['2026-11-26', 8_000_000, 'TRF/PAY/TOP-UP ECHANNEL SITI', 423_004_200]],
      skipped: 1,
    },
  };
  for (const bank of ['bca', 'bri', 'mandiri', 'bni'] as const) {
    test(`${bank.toUpperCase()}: credit lines with date, amount, description and balance; debits and pending left out`, () => {
      const p = parseBankStatement(bank, fixture(bank));
      assert.deepEqual(p.lines.map((l) => [l.postedOn, l.amountSen, l.description, l.balanceSen]), expected[bank].lines);
      assert.equal(p.skipped, expected[bank].skipped);
      assert.equal(new Set(p.lines.map((l) => l.key)).size, p.lines.length);
      assert.deepEqual(parseBankStatement(bank, fixture(bank)).lines.map((l) => l.key), p.lines.map((l) => l.key), 'the same file, the same identities');
    });
  }

  test('the wrong bank for a file is refused, not read as nothing', () => {
    assert.throws(() => parseBankStatement('bri', fixture('bca')), { code: 'statement_layout' });
    assert.throws(() => parseBankStatement('bca', fixture('mandiri')), { code: 'statement_layout' });
  });

  test('two identical transfers in one file are two lines', () => {
    const csv = 'TGL_TRAN;DESK_TRAN;MUTASI_DEBET;MUTASI_KREDIT\n2026-11-25;TRANSFER DARI A;0;50000.00\n2026-11-25;TRANSFER DARI A;0;50000.00\n';
    const p = parseBankStatement('bri', Buffer.from(csv));
    assert.equal(p.lines.length, 2);
    assert.notEqual(p.lines[0]!.key, p.lines[1]!.key);
  });
});

const CODES: Record<Bank, number> = { bca: 123, bri: 457, mandiri: 789, bni: 42 };

async function setup(t: TestContext) {
  const s = await withOneInvoice(t);
  const staff = await createStaff(s.b.db, { username: 'admin-keu', role: 'admin' });
  return { ...s, staffId: staff.id };
}

for (const bank of ['bca', 'bri', 'mandiri', 'bni'] as const) {
  test(`${bank.toUpperCase()} statement: the invoice + code line pays the invoice once; re-uploading credits nothing`, async (t) => {
    const { b, sub, invoice, staffId } = await setup(t);
    const code = await issueTransferCode({ db: b.db, clock: b.clock }, { customerId: sub.customerId, invoiceId: invoice.id, codeHours: 48, choose: () => CODES[bank] });
    assert.deepEqual([code.invoiceAmount, code.uniqueCode, code.amount], [150_000, CODES[bank], 150_000 + CODES[bank]]);
    const again = await issueTransferCode({ db: b.db, clock: b.clock }, { customerId: sub.customerId, invoiceId: invoice.id, codeHours: 48 });
    assert.equal(again.codeId, code.codeId, 'a reloaded pay page shows the same code');

    b.setDay('2026-11-27');
    const first = await b.engine.run((d) => importBankStatement(d, { bank, filename: `${bank}.csv`, content: fixture(bank), staffId }));
    assert.deepEqual([first.lines, first.seenBefore, first.matched.length, first.unmatched.length, first.ambiguous.length], [2, 0, 1, 1, 0]);
    assert.deepEqual(first.matched.map((m) => [m.customerId, m.amount]), [[sub.customerId, 150_000 + CODES[bank]]]);
    const inv = await b.db('invoices').where({ id: invoice.id }).first('status', 'amount_paid');
    assert.deepEqual(inv, { status: 'paid', amount_paid: 150_000 });
    assert.equal(await ledgerSum(b.db, sub.customerId), CODES[bank], 'the code’s rupiah are the customer’s credit');
    const payments = await b.db('payments').where({ customer_id: sub.customerId }).select('method', 'status', 'amount', 'received_by');
    assert.deepEqual(payments, [{ method: 'bank_transfer', status: 'settled', amount: 150_000 + CODES[bank], received_by: staffId }]);
    assert.equal((await b.db('bank_transfer_codes').where({ id: code.codeId }).first('status')).status, 'paid');

    const second = await b.engine.run((d) => importBankStatement(d, { bank, filename: `${bank}-again.csv`, content: fixture(bank), staffId }));
    assert.deepEqual([second.lines, second.seenBefore, second.matched.length, second.unmatched.length], [2, 2, 0, 0]);
    assert.equal(await b.db('payments').where({ customer_id: sub.customerId }).count<Array<{ count: string }>>('* as count').then((r) => Number(r[0]!.count)), 1, 'still one payment');
    assert.equal(await ledgerSum(b.db, sub.customerId), CODES[bank]);
    const listed = await b.db('bank_statement_lines').where({ bank, status: 'unmatched' }).select('amount_sen');
    assert.equal(listed.length, 1, 'the line no code explains waits for staff');
  });
}

test('an expired code’s amount issued again: a line both codes’ windows cover is ambiguous, left to staff, who credit it by hand once; an unexplained line can be ignored', async (t) => {
  const { b, sub, invoice, staffId } = await setup(t);
  await issueTransferCode({ db: b.db, clock: b.clock }, { customerId: sub.customerId, invoiceId: invoice.id, codeHours: 24, choose: () => 123 });
  // The code expired on 25 Nov 09:00; a second customer gets the same total on 25 Nov.
  const other = await createCustomer(b.db, { name: 'Andi Wijaya' });
  const [inv2] = await b.db('invoices').insert({
    customer_id: other.id, kind: 'one_off', invoice_number: 'INV-TEST-2', status: 'open', issue_date: '2026-11-25', due_date: '2026-12-05', subtotal: 150_000, total: 150_000, amount_paid: 0,
  }).returning('id');
  b.setDay('2026-11-25');
  const code2 = await issueTransferCode({ db: b.db, clock: b.clock }, { customerId: other.id, invoiceId: Number(inv2.id), codeHours: 24, choose: () => 123 });
  assert.equal(code2.amount, 150_123, 'the expired code’s amount is free again');
  const out = await b.engine.run((d) => importBankStatement(d, { bank: 'bca', filename: 'bca.csv', content: fixture('bca'), staffId }));
  assert.deepEqual([out.matched.length, out.ambiguous.length, out.unmatched.length], [0, 1, 1]);

  const actor = { staffUserId: staffId, username: 'admin-keu', ip: '127.0.0.1' };
  const lineId = out.ambiguous[0]!;
  const paymentId = await b.engine.run((d) => settleLineByHand(d, { lineId, action: 'credit', customerId: sub.customerId, invoiceId: invoice.id, staffId, actor }));
  assert.ok(paymentId);
  await assert.rejects(b.engine.run((d) => settleLineByHand(d, { lineId, action: 'credit', customerId: sub.customerId, staffId, actor })), { code: 'line_not_open' });
  assert.deepEqual(await b.db('invoices').where({ id: invoice.id }).first('status'), { status: 'paid' });
  assert.equal(await ledgerSum(b.db, sub.customerId), 123);
  assert.equal(Number((await b.db('audit_log').where({ action: 'bank_statement_line_credited' }).count<Array<{ count: string }>>('* as count'))[0]!.count), 1);
  const ignored = await b.engine.run((d) => settleLineByHand(d, { lineId: out.unmatched[0]!, action: 'ignore', staffId, actor }));
  assert.equal(ignored, null);
  assert.equal((await b.db('bank_statement_lines').where({ id: out.unmatched[0]! }).first('status')).status, 'ignored');
});
