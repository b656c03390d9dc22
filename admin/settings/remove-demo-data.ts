/**
 * Removing the first-start demo data (server/demo/demo-data.ts) from what became the production database:
 * exactly the rows the seed marked `demo` (nas, plans, customers, subscriptions;
 * migrations/…_demo_and_lifecycle.ts) and the rows that exist only because of them: their
 * accounting sessions and daily usage, invoices (with lines, dunning records, pending charges),
 * ledger entries and queued messages. Never a row that is not demo: when staff attached real data
 * to a demo row, nothing is removed and the blockers are listed:
 * - a payment or a support ticket of a demo customer;
 * - a subscription that is not demo on a demo customer or a demo plan;
 * - a voucher batch on a demo plan;
 * - an accounting session of a subscription that is not demo on the demo NAS (the router is real).
 * The audit log keeps its rows (append-only; they reference rows by id, without a foreign key);
 * one more, `demo_data_removed`, records what was removed. One transaction: all or nothing.
 * A second run finds nothing and does nothing.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';

export interface DemoRows {
  nas: number;
  plans: number;
  customers: number;
  subscriptions: number;
}

export type RemoveDemoOutcome =
  | { ok: true; removed: DemoRows & { sessions: number; invoices: number; ledgerEntries: number } }
  | { ok: false; code: 'nothing' }
  | { ok: false; code: 'blocked'; blockers: string[] };

/** How many rows are marked demo. */
export async function countDemoRows(db: Knex | Knex.Transaction): Promise<DemoRows> {
  const { rows } = await db.raw(`SELECT (SELECT count(*) FROM nas WHERE demo)::int AS nas, (SELECT count(*) FROM plans WHERE demo)::int AS plans,
    (SELECT count(*) FROM customers WHERE demo)::int AS customers, (SELECT count(*) FROM subscriptions WHERE demo)::int AS subscriptions`);
  return rows[0] as DemoRows;
}

/** What keeps the demo rows from being removed: one sentence per kind, naming the rows; empty when nothing does. */
export async function demoBlockers(db: Knex | Knex.Transaction): Promise<string[]> {
  const { rows } = await db.raw(`
    SELECT 'payment' AS kind, string_agg(DISTINCT c.customer_number, ', ') AS names, count(*)::int AS n
      FROM payments p JOIN customers c ON c.id = p.customer_id WHERE c.demo
    UNION ALL
    SELECT 'ticket', string_agg(DISTINCT t.reference, ', '), count(*)::int FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE c.demo
    UNION ALL
    SELECT 'subscription', string_agg(DISTINCT s.username, ', '), count(*)::int
      FROM subscriptions s LEFT JOIN customers c ON c.id = s.customer_id LEFT JOIN plans p ON p.id = s.plan_id
     WHERE NOT s.demo AND (c.demo OR p.demo)
    UNION ALL
    SELECT 'voucher_batch', string_agg(DISTINCT b.name, ', '), count(*)::int FROM voucher_batches b JOIN plans p ON p.id = b.plan_id WHERE p.demo
    UNION ALL
    SELECT 'session', string_agg(DISTINCT a.username, ', '), count(*)::int
      FROM accounting_sessions a JOIN nas n ON n.id = a.nas_id
     WHERE n.demo AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = a.subscription_id AND s.demo)`);
  const text: Record<string, string> = {
    payment: 'payment(s) recorded for demo customer(s)',
    ticket: 'support ticket(s) of demo customer(s)',
    subscription: 'subscription(s) that are not demo on a demo customer or demo plan',
    voucher_batch: 'voucher batch(es) on a demo plan',
    session: 'session(s) of subscribers that are not demo on the demo NAS',
  };
  return (rows as Array<{ kind: string; names: string | null; n: number }>).filter((r) => r.n > 0).map((r) => `${r.n} ${text[r.kind]}: ${r.names}`);
}

/** Removes the demo rows (see the module comment), audited as `actor`. */
export async function removeDemoData(db: Knex, actor: AuditActor): Promise<RemoveDemoOutcome> {
  return db.transaction(async (trx): Promise<RemoveDemoOutcome> => {
    // One removal at a time; a payment landing meanwhile waits for the customer lock or is seen.
    await trx.raw('SELECT id FROM customers WHERE demo ORDER BY id FOR UPDATE');
    const counts = await countDemoRows(trx);
    if (!counts.nas && !counts.plans && !counts.customers && !counts.subscriptions) return { ok: false, code: 'nothing' };
    const blockers = await demoBlockers(trx);
    if (blockers.length) return { ok: false, code: 'blocked', blockers };

    const demoSubs = trx('subscriptions').where({ demo: true }).select('id');
    const demoCustomers = trx('customers').where({ demo: true }).select('id');
    const sessions = await trx('accounting_sessions').whereIn('subscription_id', demoSubs).del();
    // The ledger is append-only except for this (migrations/…_demo_and_lifecycle.ts ledger_entries_guard).
    await trx.raw(`SELECT set_config('app.removing_demo', 'on', true)`);
    const ledgerEntries = await trx('ledger_entries').whereIn('customer_id', demoCustomers).del();
    await trx('notification_outbox').whereIn('customer_id', demoCustomers).del();
    const invoices = await trx('invoices').whereIn('customer_id', demoCustomers).del();
    await trx('subscriptions').where({ demo: true }).del();
    await trx('customers').where({ demo: true }).del();
    await trx('plans').where({ demo: true }).del();
    await trx('nas').where({ demo: true }).del();
    const removed = { ...counts, sessions, invoices, ledgerEntries };
    await recordAudit(trx, actor, { action: 'demo_data_removed', objectType: 'demo_data', objectId: null, after: removed });
    return { ok: true, removed };
  });
}
