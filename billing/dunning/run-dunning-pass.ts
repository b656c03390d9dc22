/**
 * The daily dunning pass: invoices past their due date become `overdue`, then each active step of
 * the schedule (dunning_steps: days relative to the due date, H-7 = -7) acts on every unpaid
 * invoice whose day has come, once per invoice and step (dunning_actions records it, so a pass
 * that runs twice, or on two workers, acts once):
 * - reminder: a message, on its day (or up to two days late, never a stale burst);
 * - late_fee: a late-fee line on the invoice and a ledger charge;
 * - soft_limit: active subscriptions drop to the soft-limit rate (a CoA reaches the router);
 * - suspend: subscriptions go to the walled garden (a Disconnect reaches the router).
 * A customer's "promise to pay" (customers.promise_to_pay_until) holds late fees, soft limits and
 * suspensions until that date; reminders still go out. A subscription in an open network outage
 * gets no step at all until it ends (outage-pause.ts). A prepaid renewal invoice only gets
 * reminders: its access ends with the paid period anyway (the radius role's walled garden). Set-based: a few statements per step, so the
 * pass over 100,000 subscriptions takes seconds. Scheduled downgrades take effect here too.
 */
import { analyzeAfterBulk } from '../../lib/analyze-after-bulk.js';
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import { recordEvents } from '../../lib/outbound-events.js';
import { invoicesOverdue } from '../events/event-data.js';
import type { Effects } from '../use-case/effects.js';
import type { CustomerMessage, CustomerTemplate, Notifier } from '../notifications/notifier.js';
import { chargeLateFee } from '../ledger/late-fee.js';
import { NOT_IN_OPEN_OUTAGE } from './outage-pause.js';
import { localDate } from '../plans/billing-period.js';
import { changeSubscriptionStatus } from '../subscriptions/status/change-status.js';
import { applyScheduledPlanChanges } from '../subscriptions/apply-plan-changes.js';

/** Reminders later than this many days after their day are skipped (the pass did not run, or the invoice is new). */
const REMINDER_GRACE_DAYS = 2;

export interface DunningDeps {
  db: Knex;
  clock: Clock;
  timeZone: string;
  notifier: Notifier;
  effects: Effects;
  log: Logger;
  payUrl(invoiceId: number): string;
}

interface Step {
  id: number;
  offset_days: number;
  action: 'reminder' | 'late_fee' | 'soft_limit' | 'suspend';
  late_fee_amount: number | null;
  template: string | null;
}

interface Acted {
  id: number;
  subscription_id: number | null;
  customer_id: number;
  invoice_number: string;
  owed: number;
  due_date: string;
  plan_name: string | null;
}

export interface DunningResult {
  today: string;
  overdue: number;
  planChanges: number;
  /** Invoices acted on, per step id. */
  actions: Record<number, number>;
}

const TEMPLATES = new Set<CustomerTemplate>(['invoice_issued', 'payment_reminder', 'payment_received', 'suspended', 'reactivated']);

export async function runDunningPass(deps: DunningDeps): Promise<DunningResult> {
  const { db } = deps;
  const now = deps.clock.now();
  const today = localDate(now, deps.timeZone);
  // With their `invoice.overdue` webhook events in the same transaction (README.md, "Webhooks").
  const overdue = await deps.effects.transaction(db, async (trx) => {
    const { rows } = await trx.raw(
      `UPDATE invoices SET status = 'overdue', version = version + 1 WHERE status IN ('open', 'partially_paid') AND due_date < ?
       RETURNING id, invoice_number, customer_id, subscription_id, total, amount_paid, to_char(due_date, 'YYYY-MM-DD') AS due_date`,
      [today],
    );
    await recordEvents(trx, invoicesOverdue(rows as Parameters<typeof invoicesOverdue>[0]));
    return rows.length;
  });
  const planChanges = await deps.effects.transaction(db, (trx) => applyScheduledPlanChanges(trx, today, deps.effects));

  const steps = (await db('dunning_steps').where({ is_active: true }).orderBy([{ column: 'offset_days' }, { column: 'id' }])) as Step[];
  const actions: Record<number, number> = {};
  await analyzeAfterBulk(db, ['invoices'], overdue);
  for (const step of steps) {
    actions[step.id] = await deps.effects.transaction(db, (trx) => runStep(trx, step, today, now, deps));
    // The next step's anti-join reads dunning_actions: with the statistics of before this step
    // (say, an empty table) the planner picks a nested loop over a seq scan, quadratic in rows.
    await analyzeAfterBulk(db, ['dunning_actions', 'invoices', 'subscriptions'], actions[step.id]!);
  }
  deps.log.info({ today, overdue, planChanges, actions }, 'dunning pass');
  return { today, overdue, planChanges, actions };
}

async function runStep(trx: Knex.Transaction, step: Step, today: string, now: Date, deps: DunningDeps): Promise<number> {
  // Late fee, soft limit, suspension: held by a promise to pay, and never for a prepaid renewal
  // (its access already ended with its paid period; it is reminded, not fined).
  const enforcing = step.action !== 'reminder';
  // The invoices (i, of customer c) whose day for this step has come.
  const due = `i.status IN ('open', 'partially_paid', 'overdue')
          AND i.due_date + ?::int <= ?::date
          AND (NOT ?::boolean OR i.due_date + ?::int >= ?::date - ?::int)
          AND (NOT ?::boolean OR c.promise_to_pay_until IS NULL OR c.promise_to_pay_until < ?::date)
          AND (NOT ?::boolean OR i.subscription_id IS NULL
               OR EXISTS (SELECT 1 FROM subscriptions ps WHERE ps.id = i.subscription_id AND ps.billing_type = 'postpaid'))
          AND ${NOT_IN_OPEN_OUTAGE}`;
  const dueBindings = [step.offset_days, today, step.action === 'reminder', step.offset_days, today, REMINDER_GRACE_DAYS, enforcing, today, enforcing];
  // No "not acted yet" test in the INSERT below: there it would read the table the statement
  // writes, and a nested-loop plan rescans every row inserted so far (60 s instead of 8 s for
  // 100,000 invoices in bench:billing); ON CONFLICT DO NOTHING already acts once.
  // The customers' money lock first, in id order, as every payment takes it (the customer, then
  // its invoices and subscriptions): a payment arriving during the pass waits for this step, or
  // this step for it, instead of the two deadlocking. An invoice paid meanwhile is not acted on.
  await trx.raw(
    `SELECT c.id FROM customers c
      WHERE EXISTS (SELECT 1 FROM invoices i WHERE i.customer_id = c.id AND ${due}
                       AND NOT EXISTS (SELECT 1 FROM dunning_actions a WHERE a.invoice_id = i.id AND a.dunning_step_id = ?))
      ORDER BY c.id
        FOR UPDATE`,
    [...dueBindings, step.id],
  );
  const { rows } = await trx.raw(
    `WITH acted AS (
       INSERT INTO dunning_actions (invoice_id, dunning_step_id, executed_at)
       SELECT i.id, ?, ?
         FROM invoices i JOIN customers c ON c.id = i.customer_id
        WHERE ${due}
       ON CONFLICT DO NOTHING
       RETURNING invoice_id
     )
     SELECT i.id, i.subscription_id, i.customer_id, i.invoice_number, i.total - i.amount_paid AS owed,
            to_char(i.due_date, 'YYYY-MM-DD') AS due_date, p.name AS plan_name
       FROM acted JOIN invoices i ON i.id = acted.invoice_id
       LEFT JOIN subscriptions s ON s.id = i.subscription_id
       LEFT JOIN plans p ON p.id = s.plan_id
      ORDER BY i.id`,
    [step.id, now, ...dueBindings],
  );
  const acted = rows as Acted[];
  if (!acted.length) return 0;

  const message = (a: Acted, template: CustomerTemplate, key: string): CustomerMessage => ({
    customerId: a.customer_id,
    template,
    idempotencyKey: key,
    data: { invoiceNumber: a.invoice_number, amount: a.owed, dueDate: a.due_date, planName: a.plan_name ?? undefined, payUrl: deps.payUrl(a.id) },
  });
  const template = (fallback: CustomerTemplate): CustomerTemplate =>
    step.template && TEMPLATES.has(step.template as CustomerTemplate) ? (step.template as CustomerTemplate) : fallback;
  let messages: CustomerMessage[] = [];

  switch (step.action) {
    case 'reminder':
      messages = acted.map((a) => message(a, template('payment_reminder'), `dunning:${step.id}:${a.id}`));
      break;
    case 'late_fee': {
      await chargeLateFee(trx, acted.map((a) => a.id), step.late_fee_amount!);
      break;
    }
    case 'soft_limit':
    case 'suspend': {
      const to = step.action === 'soft_limit' ? 'soft_limited' : 'suspended';
      const from = step.action === 'soft_limit' ? (['active'] as const) : (['active', 'soft_limited'] as const);
      const reason = step.action === 'soft_limit' ? 'dunning_soft_limit' : 'dunning_suspend';
      const subscriptionIds = [...new Set(acted.map((a) => a.subscription_id).filter((id): id is number => id !== null))];
      const changed = new Set((await changeSubscriptionStatus(trx, subscriptionIds, to, [...from], reason, deps.effects)).map((c) => c.id));
      messages = acted
        .filter((a) => a.subscription_id !== null && changed.has(a.subscription_id))
        .map((a) => message(a, template(step.action === 'suspend' ? 'suspended' : 'payment_reminder'), `dunning:${step.id}:${a.id}`));
      break;
    }
  }
  if (messages.length && (await deps.notifier.customers(trx, messages)) > 0) deps.effects.notificationsQueued();
  return acted.length;
}
