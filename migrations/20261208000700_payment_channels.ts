/**
 * The rest of Indonesia's payment channels (issue 14, item 4; README.md, "Payments";
 * ARCHITECTURE.md, "Payment channels"):
 * - payments.method and payment_events.provider also take `tripay` and `duitku` (gateway
 *   payments: a gateway order id is still required for them).
 * - bank_transfer_codes: the 3-digit unique code a customer adds to an invoice's amount when
 *   paying by bank transfer (billing/payments/bank-transfer/issue-transfer-code.ts). `amount` =
 *   invoice amount + code, in whole rupiah; no two open codes share an `amount` (the partial unique
 *   index), so an exact amount on a bank statement names one code. Open until paid, expired
 *   (expires_at passed) or cancelled.
 * - bank_statement_uploads / bank_statement_lines: each uploaded statement and its credit lines.
 *   `line_key` (unique) is the identity of a statement line (bank, account, date, description,
 *   amount, balance and its occurrence among identical lines of the same file), so uploading the
 *   same file again adds and credits nothing. `amount_sen` keeps the bank's cents (a line with
 *   cents never matches a code).
 * - transfer_receipts: a transfer receipt (image or PDF) a customer uploaded in the portal, waiting
 *   for staff approval (approved → a payment; rejected with a reason → the customer is told).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_method_check;
    ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_check;
    ALTER TABLE payments ADD CONSTRAINT payments_method_check
      CHECK (method IN ('cash', 'bank_transfer', 'midtrans', 'xendit', 'tripay', 'duitku'));
    ALTER TABLE payments ADD CONSTRAINT payments_check
      CHECK (method NOT IN ('midtrans', 'xendit', 'tripay', 'duitku') OR gateway_order_id IS NOT NULL);
    ALTER TABLE payment_events DROP CONSTRAINT IF EXISTS payment_events_provider_check;
    ALTER TABLE payment_events ADD CONSTRAINT payment_events_provider_check
      CHECK (provider IN ('midtrans', 'xendit', 'tripay', 'duitku'));

    CREATE TABLE bank_transfer_codes (
      id bigserial PRIMARY KEY,
      customer_id bigint NOT NULL REFERENCES customers ON DELETE RESTRICT,
      invoice_id bigint NOT NULL REFERENCES invoices ON DELETE RESTRICT,
      invoice_amount bigint NOT NULL CHECK (invoice_amount > 0),
      unique_code integer NOT NULL CHECK (unique_code BETWEEN 1 AND 999),
      amount bigint NOT NULL CHECK (amount = invoice_amount + unique_code),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'expired', 'cancelled')),
      expires_at timestamptz NOT NULL,
      payment_id bigint REFERENCES payments ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX bank_transfer_codes_open_amount ON bank_transfer_codes (amount) WHERE status = 'open';
    CREATE INDEX bank_transfer_codes_invoice ON bank_transfer_codes (invoice_id, status);

    CREATE TABLE bank_statement_uploads (
      id bigserial PRIMARY KEY,
      bank text NOT NULL CHECK (bank IN ('bca', 'bri', 'mandiri', 'bni')),
      filename text NOT NULL,
      uploaded_by bigint REFERENCES staff_users ON DELETE SET NULL,
      lines_new integer NOT NULL DEFAULT 0,
      lines_seen_before integer NOT NULL DEFAULT 0,
      matched integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE bank_statement_lines (
      id bigserial PRIMARY KEY,
      upload_id bigint NOT NULL REFERENCES bank_statement_uploads ON DELETE CASCADE,
      bank text NOT NULL,
      line_key text NOT NULL UNIQUE,
      posted_on date,
      description text NOT NULL,
      amount_sen bigint NOT NULL CHECK (amount_sen > 0),
      balance_sen bigint,
      status text NOT NULL CHECK (status IN ('matched', 'unmatched', 'ambiguous', 'manual', 'ignored')),
      code_id bigint REFERENCES bank_transfer_codes ON DELETE SET NULL,
      payment_id bigint REFERENCES payments ON DELETE SET NULL,
      resolved_by bigint REFERENCES staff_users ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX bank_statement_lines_open ON bank_statement_lines (created_at) WHERE status IN ('unmatched', 'ambiguous');

    CREATE TABLE transfer_receipts (
      id bigserial PRIMARY KEY,
      customer_id bigint NOT NULL REFERENCES customers ON DELETE RESTRICT,
      invoice_id bigint NOT NULL REFERENCES invoices ON DELETE RESTRICT,
      amount bigint NOT NULL CHECK (amount > 0),
      content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
      content bytea NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
      reject_reason text,
      reviewed_by bigint REFERENCES staff_users ON DELETE SET NULL,
      reviewed_at timestamptz,
      payment_id bigint REFERENCES payments ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX transfer_receipts_pending ON transfer_receipts (created_at) WHERE status = 'pending';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE transfer_receipts, bank_statement_lines, bank_statement_uploads, bank_transfer_codes;
    ALTER TABLE payment_events DROP CONSTRAINT payment_events_provider_check;
    ALTER TABLE payment_events ADD CONSTRAINT payment_events_provider_check CHECK (provider IN ('midtrans', 'xendit'));
    ALTER TABLE payments DROP CONSTRAINT payments_check;
    ALTER TABLE payments DROP CONSTRAINT payments_method_check;
    ALTER TABLE payments ADD CONSTRAINT payments_method_check CHECK (method IN ('cash', 'bank_transfer', 'midtrans', 'xendit'));
    ALTER TABLE payments ADD CONSTRAINT payments_check CHECK (method NOT IN ('midtrans', 'xendit') OR gateway_order_id IS NOT NULL);
  `);
}
