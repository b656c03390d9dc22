/**
 * The billing engine on a private test database for the billing use-case tests: a settable clock
 * (set to 09:00 Jakarta on a local date), an SMS channel that is configured but never called (no
 * worker runs, so messages stay in notification_outbox for the test to read), the real nas-control
 * queue on the test Redis (no radius role consumes it, so the jobs stay there to be inspected),
 * and small helpers to arrange subscribers, settings and money the way the product stores them.
 */
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { createBillingEngine, type BillingEngine } from '../../billing/engine/engine.js';
import type { NotificationChannel } from '../../billing/notifications/channel.js';
import type { BillingSettings } from '../../billing/settings/billing-settings.js';
import { settableClock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { NasControlJob } from '../../lib/jobs.js';
import { QUEUES } from '../../lib/queue.js';
import { createTestContainer, type TestContainer } from './container.js';
import { createCustomer, createPlan, createSubscription } from './factories.js';

/** 09:00 in Jakarta (UTC+7, no DST) on local date `day`. */
export const nineAm = (day: string): string => `${day}T02:00:00Z`;

export interface BillingTest {
  c: TestContainer;
  db: Knex;
  clock: ReturnType<typeof settableClock>;
  engine: BillingEngine;
  /** Moves the clock to 09:00 Jakarta on local date `day`. */
  setDay(day: string): void;
  /** nas-control jobs queued so far (optionally for one subscription), oldest first. */
  nasControlJobs(subscriptionId?: number): Promise<Array<{ id: string; data: NasControlJob }>>;
  dispose(): Promise<void>;
}

const silentSms: NotificationChannel = {
  name: 'sms',
  send: () => Promise.reject(new Error('billing use-case tests never dispatch the outbox')),
};

export async function startBillingTest(opts: { day: string; settings?: Partial<BillingSettings> }): Promise<BillingTest> {
  const clock = settableClock(nineAm(opts.day));
  const c = await createTestContainer({ clock });
  const engine = createBillingEngine(c, { clock, gateways: {}, channels: { sms: silentSms } });
  if (opts.settings) await setBillingSettings(c.db, opts.settings);
  return {
    c,
    db: c.db,
    clock,
    engine,
    setDay: (day) => clock.set(nineAm(day)),
    async nasControlJobs(subscriptionId) {
      const jobs = await c.queues.queue(QUEUES.nasControl).getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed']);
      return jobs
        .map((j) => ({ id: String(j.id), data: j.data as NasControlJob, ts: j.timestamp }))
        .filter((j) => subscriptionId === undefined || j.data.subscriptionId === subscriptionId)
        .sort((a, b) => a.ts - b.ts || a.id.localeCompare(b.id))
        .map(({ id, data }) => ({ id, data }));
    },
    dispose: () => c.dispose(),
  };
}

/** Stores the billing settings (the `billing` settings row) the way the admin console does. */
export async function setBillingSettings(db: Knex, settings: Partial<BillingSettings>): Promise<void> {
  await db.raw(
    `INSERT INTO settings (key, value) VALUES ('billing', ?::jsonb)
     ON CONFLICT (key) DO UPDATE SET value = settings.value || excluded.value`,
    [JSON.stringify(settings)],
  );
}

/**
 * A customer (new unless given) with a subscription on `planId` that started on local date
 * `startDate` (Jakarta), so billing periods do not depend on the real date the test runs.
 */
export async function subscriber(
  db: Knex,
  opts: { planId: number; startDate: string; anchorDay?: number; billingType?: 'postpaid' | 'prepaid'; customerId?: number; status?: string; paidUntil?: Date | null; name?: string },
): Promise<{ id: number; customerId: number; username: string }> {
  const customerId = opts.customerId ?? (await createCustomer(db, { name: opts.name ?? `Pelanggan ${randomBytes(2).toString('hex')}` })).id;
  const s = await createSubscription(db, {
    customerId, planId: opts.planId, anchorDay: opts.anchorDay ?? 1, billingType: opts.billingType ?? 'postpaid',
    status: opts.status ?? 'active', paidUntil: opts.paidUntil ?? null,
  });
  await db('subscriptions').where({ id: s.id }).update({ started_at: `${opts.startDate}T10:00:00+07:00` });
  return { id: s.id, customerId, username: s.username };
}

/** Waits until `n` sessions of the test database wait for a lock (a race arranged by a test). */
export async function waitForLockWaiters(b: BillingTest, n: number): Promise<void> {
  const until = Date.now() + 5000;
  for (;;) {
    const { rows } = await b.db.raw(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    if (rows[0].n >= n) return;
    if (Date.now() > until) throw new Error(`only ${rows[0].n} of ${n} sessions reached the lock`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

/** Σ of the customer's ledger entries (positive: credit; negative: owed). */
export async function ledgerSum(db: Knex, customerId: number): Promise<number> {
  const row = await db('ledger_entries').where({ customer_id: customerId }).sum({ s: 'amount' }).first();
  return Number(row?.s ?? 0);
}

export interface InvoiceRow {
  id: number;
  invoice_number: string | null;
  customer_id: number;
  subscription_id: number | null;
  kind: 'recurring' | 'one_off';
  period_start: string | null;
  period_end: string | null;
  issue_date: string | null;
  due_date: string | null;
  status: string;
  subtotal: number;
  tax_basis_points: number;
  tax_amount: number;
  total: number;
  amount_paid: number;
}

export async function invoicesOfSubscription(db: Knex, subscriptionId: number): Promise<InvoiceRow[]> {
  return (await db('invoices').where({ subscription_id: subscriptionId }).orderBy('id')) as InvoiceRow[];
}

/**
 * The common start of a test about one invoice: a billing test on 24 November 2026 (disposed after
 * the test), a postpaid subscriber on "Rumahan" (Rp 150.000) since 1 October, and the first invoice
 * the invoice run issued for it.
 */
export async function withOneInvoice(t: TestContext): Promise<{ b: BillingTest; planId: number; sub: { id: number; customerId: number }; invoice: InvoiceRow }> {
  const b = await startBillingTest({ day: '2026-11-24' });
  t.after(() => b.dispose());
  const plan = await createPlan(b.db, { name: 'Rumahan', price: 150_000 });
  const sub = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01' });
  await b.engine.generateInvoices();
  const [invoice] = await invoicesOfSubscription(b.db, sub.id);
  if (!invoice) throw new Error('the invoice run issued no invoice');
  return { b, planId: plan.id, sub, invoice };
}

export async function invoiceLines(db: Knex, invoiceId: number): Promise<Array<{ position: number; kind: string; description: string; amount: number; plan_id: number | null }>> {
  return db('invoice_lines').where({ invoice_id: invoiceId }).orderBy('position').select('position', 'kind', 'description', 'amount', 'plan_id');
}

/** Outbox rows queued for a customer, oldest first: [template, local day of creation]. */
export async function outboxOf(db: Knex, customerId: number): Promise<Array<{ template: string; day: string; key: string }>> {
  return (await db('notification_outbox')
    .where({ customer_id: customerId })
    .orderBy('id')
    .select('template', { key: 'idempotency_key' }, db.raw(`to_char(created_at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD') AS day`))) as never;
}

/**
 * Checks the ledger's invariants for every customer and returns what broke (empty when none):
 * the balance is Σ settled payments − Σ live invoice totals (late fees included), the money
 * applied to invoices never exceeds what was paid, and nobody holds unapplied credit while an
 * invoice of theirs is still open.
 */
export async function ledgerInvariantViolations(db: Knex): Promise<string[]> {
  const { rows } = await db.raw(`
    SELECT c.id,
           (SELECT coalesce(sum(amount), 0) FROM ledger_entries l WHERE l.customer_id = c.id)::bigint AS ledger,
           (SELECT coalesce(sum(amount), 0) FROM payments p WHERE p.customer_id = c.id AND p.status = 'settled')::bigint AS paid_in,
           (SELECT coalesce(sum(total), 0) FROM invoices i WHERE i.customer_id = c.id AND i.status <> 'void')::bigint AS invoiced,
           (SELECT coalesce(sum(amount_paid), 0) FROM invoices i WHERE i.customer_id = c.id AND i.status <> 'void')::bigint AS applied,
           (SELECT coalesce(sum(total - amount_paid), 0) FROM invoices i
             WHERE i.customer_id = c.id AND i.status IN ('open', 'partially_paid', 'overdue'))::bigint AS owed,
           (SELECT count(*) FROM invoices i WHERE i.customer_id = c.id AND i.status = 'paid' AND i.amount_paid <> i.total)::int AS bad_paid
      FROM customers c`);
  const out: string[] = [];
  for (const r of rows as Array<{ id: number; ledger: number; paid_in: number; invoiced: number; applied: number; owed: number; bad_paid: number }>) {
    if (r.ledger !== r.paid_in - r.invoiced) out.push(`customer ${r.id}: ledger ${r.ledger} ≠ payments ${r.paid_in} − invoices ${r.invoiced}`);
    if (r.applied > r.paid_in) out.push(`customer ${r.id}: applied ${r.applied} > paid ${r.paid_in}`);
    if (r.owed > 0 && r.ledger + r.owed > 0) out.push(`customer ${r.id}: holds credit ${r.ledger + r.owed} while owing ${r.owed}`);
    if (r.bad_paid) out.push(`customer ${r.id}: ${r.bad_paid} paid invoice(s) with amount_paid ≠ total`);
  }
  return out;
}
