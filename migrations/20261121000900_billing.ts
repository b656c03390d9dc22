/**
 * Billing: invoices with lines, gapless invoice numbers, payments and the customer ledger.
 * All money is bigint rupiah. The ledger is append-only; a customer's balance is the sum of
 * its entries (positive: credit the customer holds; negative: what they owe).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE invoice_number_counters (
      prefix text PRIMARY KEY,
      last_value bigint NOT NULL
    );

    CREATE TABLE invoices (
      id bigserial PRIMARY KEY,
      -- Assigned when the invoice is issued (draft invoices have none), e.g. INV/2026/11/000123.
      invoice_number text UNIQUE,
      customer_id bigint NOT NULL REFERENCES customers ON DELETE RESTRICT,
      subscription_id bigint REFERENCES subscriptions ON DELETE RESTRICT,
      kind text NOT NULL DEFAULT 'recurring' CHECK (kind IN ('recurring', 'one_off')),
      period_start date,
      period_end date,
      issue_date date,
      due_date date,
      status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'open', 'partially_paid', 'paid', 'void', 'overdue')),
      subtotal bigint NOT NULL DEFAULT 0,
      tax_basis_points integer NOT NULL DEFAULT 0 CHECK (tax_basis_points BETWEEN 0 AND 10000),
      tax_amount bigint NOT NULL DEFAULT 0,
      total bigint NOT NULL DEFAULT 0,
      amount_paid bigint NOT NULL DEFAULT 0 CHECK (amount_paid >= 0),
      paid_at timestamptz,
      voided_at timestamptz,
      void_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CHECK (kind <> 'recurring' OR (subscription_id IS NOT NULL AND period_start IS NOT NULL)),
      CHECK (period_end IS NULL OR period_end >= period_start)
    );
    -- Exactly one live invoice per subscription and period, however often the invoice run runs.
    CREATE UNIQUE INDEX invoices_subscription_period ON invoices (subscription_id, period_start)
      WHERE kind = 'recurring' AND status <> 'void';
    CREATE INDEX invoices_customer ON invoices (customer_id, created_at DESC);
    CREATE INDEX invoices_unpaid_due ON invoices (due_date) WHERE status IN ('open', 'partially_paid', 'overdue');
    CREATE TRIGGER invoices_updated_at BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION set_updated_at();

    CREATE TABLE invoice_lines (
      id bigserial PRIMARY KEY,
      invoice_id bigint NOT NULL REFERENCES invoices ON DELETE CASCADE,
      position integer NOT NULL,
      kind text NOT NULL CHECK (kind IN ('plan', 'proration', 'one_off', 'discount', 'late_fee')),
      description text NOT NULL,
      quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
      unit_amount bigint NOT NULL,
      amount bigint NOT NULL,
      plan_id bigint REFERENCES plans ON DELETE SET NULL,
      period_start date,
      period_end date,
      UNIQUE (invoice_id, position)
    );

    CREATE TABLE payments (
      id bigserial PRIMARY KEY,
      customer_id bigint NOT NULL REFERENCES customers ON DELETE RESTRICT,
      invoice_id bigint REFERENCES invoices ON DELETE RESTRICT,
      amount bigint NOT NULL CHECK (amount > 0),
      method text NOT NULL CHECK (method IN ('cash', 'bank_transfer', 'midtrans', 'xendit')),
      status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'settled', 'failed', 'expired', 'refunded')),
      -- Gateway order id (Midtrans order_id, Xendit external_id): unique, used once per attempt.
      gateway_order_id text UNIQUE,
      gateway_reference text,
      gateway_payment_type text,
      payment_url text,
      -- Set when the gateway reported an amount other than the one asked: staff decide.
      flagged_reason text,
      received_by bigint REFERENCES staff_users ON DELETE SET NULL,
      settled_at timestamptz,
      reference text,
      note text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (method NOT IN ('midtrans', 'xendit') OR gateway_order_id IS NOT NULL)
    );
    CREATE INDEX payments_customer ON payments (customer_id, created_at DESC);
    CREATE INDEX payments_invoice ON payments (invoice_id);
    CREATE TRIGGER payments_updated_at BEFORE UPDATE ON payments FOR EACH ROW EXECUTE FUNCTION set_updated_at();

    CREATE TABLE ledger_entries (
      id bigserial PRIMARY KEY,
      customer_id bigint NOT NULL REFERENCES customers ON DELETE RESTRICT,
      entry_type text NOT NULL CHECK (entry_type IN ('invoice', 'payment', 'late_fee', 'adjustment', 'refund', 'void')),
      -- Positive raises the customer's balance (a payment), negative lowers it (an invoice).
      amount bigint NOT NULL CHECK (amount <> 0),
      invoice_id bigint REFERENCES invoices ON DELETE RESTRICT,
      payment_id bigint REFERENCES payments ON DELETE RESTRICT,
      description text NOT NULL,
      created_by bigint REFERENCES staff_users ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ledger_entries_customer ON ledger_entries (customer_id, id);
    CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
      FOR EACH ROW EXECUTE FUNCTION forbid_change();

    -- Dunning: steps relative to the due date (H-7 = -7, H+3 = 3) and the record of each step
    -- taken per invoice, so a pass that runs twice acts once.
    CREATE TABLE dunning_steps (
      id bigserial PRIMARY KEY,
      offset_days integer NOT NULL CHECK (offset_days BETWEEN -60 AND 120),
      action text NOT NULL CHECK (action IN ('reminder', 'late_fee', 'soft_limit', 'suspend')),
      late_fee_amount bigint CHECK (late_fee_amount > 0),
      template text,
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      UNIQUE (offset_days, action),
      CHECK ((action = 'late_fee') = (late_fee_amount IS NOT NULL))
    );
    CREATE TRIGGER dunning_steps_updated_at BEFORE UPDATE ON dunning_steps FOR EACH ROW EXECUTE FUNCTION set_updated_at();

    CREATE TABLE dunning_actions (
      invoice_id bigint NOT NULL REFERENCES invoices ON DELETE CASCADE,
      dunning_step_id bigint NOT NULL REFERENCES dunning_steps ON DELETE CASCADE,
      executed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (invoice_id, dunning_step_id)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE dunning_actions; DROP TABLE dunning_steps; DROP TABLE ledger_entries; DROP TABLE payments;
    DROP TABLE invoice_lines; DROP TABLE invoices; DROP TABLE invoice_number_counters;
  `);
}
