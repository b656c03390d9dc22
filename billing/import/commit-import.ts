/**
 * Commits an import in one transaction: plans the batch again inside it (plan-import.ts, under
 * a transaction-scoped advisory lock so two imports run one after the other), then writes
 * exactly what the plan says. Nothing is written when anything fails. A second run of the same
 * source finds everything `unchanged` and writes nothing but its summary audit row.
 *
 * - Plans: monthly, price 0 when the source has none (staff fill it in before the first invoice).
 * - Customers: a new one is named by the source, else by its key.
 * - Subscriptions keep their password (sealed, lib/secret-box.ts, so PAP, CHAP and MS-CHAP work:
 *   RFC 1994 §4.1, RFC 2759 §8), static address and MAC; `disabled` → suspended with reason
 *   `import_disabled`. Existing ones change status through change-status.ts, so the router is
 *   told (a nas-control job after commit).
 * - Billing from the next period: a new subscription is postpaid, on `anchorDay`, and paid
 *   until the start of its next period (the current one was billed by the old system), so the
 *   invoice run (billing/invoices/generate-invoices.ts candidatesFor: never before paid_until)
 *   bills it from there; no first invoice is issued now.
 * - Audited in the same transaction: one row per object created or updated (passwords left
 *   out: `passwordChanged`), and one `import_committed` row with the source and the counts.
 */
import type { AuditActor } from '../../lib/audit.js';
import { recordAudit } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { Effects } from '../use-case/effects.js';
import { localDate, periodContaining, type BillingCycle } from '../plans/billing-period.js';
import { changeSubscriptionStatus } from '../subscriptions/status/change-status.js';
import type { ImportBatch } from './import-model.js';
import { IMPORT_DISABLED_REASON, planImport, type ImportPreview } from './plan-import.js';

export interface CommitImportDeps {
  db: Knex;
  secrets: SecretBox;
  clock: { now(): Date };
  /** ISP time zone (billing dates). */
  timeZone: string;
  effects: Effects;
}

export interface CommitImportOptions {
  actor: AuditActor;
  /** Day of the month (1-28) billing periods of new subscriptions start on. */
  anchorDay: number;
  /** The registered router the subscribers connect through (its IP), recorded in the audit; null when not named. */
  nas: string | null;
  /** What was imported, for the audit row (a file name, `api 10.0.0.1`). */
  label: string;
}

/** @throws RangeError when anchorDay is not 1-28. */
export async function commitImport(deps: CommitImportDeps, batch: ImportBatch, opts: CommitImportOptions): Promise<ImportPreview> {
  if (!Number.isInteger(opts.anchorDay) || opts.anchorDay < 1 || opts.anchorDay > 28) throw new RangeError('anchor day must be 1-28');
  const now = deps.clock.now();
  const today = localDate(now, deps.timeZone);
  return deps.effects.transaction(deps.db, async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', ['subscriber-import']);
    const plan = await planImport(trx, deps.secrets, batch);
    const audit = (action: string, objectType: string, objectId: number, after: Record<string, unknown>, before?: Record<string, unknown>) =>
      recordAudit(trx, opts.actor, { action, objectType, objectId, after, before: before ?? null });

    const planIds = new Map<string, { id: number; cycle: BillingCycle; days: number | null }>();
    for (const p of plan.plans) {
      const fields = { rate_limit: p.row.rateLimit, framed_pool: p.row.framedPool, service_type: p.row.serviceType };
      if (p.action === 'create') {
        const [row] = await trx('plans').insert({ name: p.row.name, price: p.row.price ?? 0, billing_cycle: 'monthly', ...fields }).returning('id');
        p.id = Number(row.id);
        await audit('plan_imported', 'plan', p.id, { name: p.row.name, price: p.row.price ?? 0, ...fields });
      } else if (p.action === 'update') {
        const before = await trx('plans').where({ id: p.id }).first('rate_limit', 'framed_pool', 'service_type', 'price');
        const after = { ...fields, ...(p.row.price === null ? {} : { price: p.row.price }) };
        await trx('plans').where({ id: p.id }).update({ ...after, version: trx.raw('version + 1') });
        await audit('plan_updated', 'plan', p.id!, after, { ...before, price: Number(before.price) });
      }
    }
    const names = [...new Set(plan.subscriptions.map((s) => s.row.planName.toLowerCase()))];
    for (const r of await trx('plans').whereRaw('lower(name) = ANY(?::text[])', [names]).select('id', 'name', 'billing_cycle', 'cycle_days')) {
      planIds.set(String(r.name).toLowerCase(), { id: Number(r.id), cycle: r.billing_cycle, days: r.cycle_days });
    }

    const customerIds = new Map<string, number>();
    for (const c of plan.customers) {
      const fields = { phone: c.row.phone, email: c.row.email, address: c.row.address };
      if (c.action === 'create') {
        const [row] = await trx('customers').insert({ name: c.row.name ?? c.row.key, ...fields }).returning(['id', 'customer_number']);
        c.id = Number(row.id);
        await audit('customer_imported', 'customer', c.id, { customerNumber: row.customer_number, name: c.row.name ?? c.row.key, ...fields });
      } else if (c.action === 'update') {
        const before = await trx('customers').where({ id: c.id }).first('name', 'phone', 'email', 'address');
        const after = Object.fromEntries(c.changed.map((f) => [f, (c.row as unknown as Record<string, unknown>)[f]]));
        await trx('customers').where({ id: c.id }).update({ ...after, version: trx.raw('version + 1') });
        await audit('customer_updated', 'customer', c.id!, after, before);
      }
      customerIds.set(c.row.key, c.id!);
    }

    for (const s of plan.subscriptions) {
      const planRef = planIds.get(s.row.planName.toLowerCase())!;
      const shown = { username: s.row.username, plan: s.row.planName, serviceType: s.row.serviceType, staticIp: s.row.staticIp, macAddress: s.row.macAddress };
      if (s.action === 'create') {
        const customerId = customerIds.get(s.row.customerKey)!;
        const period = periodContaining(today, planRef.cycle, opts.anchorDay, today, planRef.days);
        const [row] = await trx('subscriptions').insert({
          customer_id: customerId, plan_id: planRef.id, username: s.row.username, password_enc: deps.secrets.seal(s.row.password),
          service_type: s.row.serviceType, status: s.status, status_reason: s.status === 'suspended' ? IMPORT_DISABLED_REASON : null,
          billing_type: 'postpaid', anchor_day: opts.anchorDay, static_ip: s.row.staticIp, mac_address: s.row.macAddress, notes: s.row.notes,
          started_at: now, paid_until: trx.raw('(?::date)::timestamp AT TIME ZONE ?', [period.end, deps.timeZone]),
        }).returning('id');
        s.id = Number(row.id);
        await audit('subscription_imported', 'subscription', s.id, { ...shown, customerId, status: s.status, anchorDay: opts.anchorDay, billedFrom: period.end });
      } else if (s.action === 'update') {
        const update: Record<string, unknown> = {};
        if (s.changed.includes('password')) update.password_enc = deps.secrets.seal(s.row.password);
        if (s.changed.includes('plan')) update.plan_id = planRef.id;
        if (s.changed.includes('service_type')) update.service_type = s.row.serviceType;
        if (s.changed.includes('static_ip')) update.static_ip = s.row.staticIp;
        if (s.changed.includes('mac_address')) update.mac_address = s.row.macAddress;
        if (s.changed.includes('notes')) update.notes = s.row.notes;
        if (Object.keys(update).length) await trx('subscriptions').where({ id: s.id }).update({ ...update, version: trx.raw('version + 1') });
        if (s.changed.includes('status')) {
          const to = s.status === 'suspended' ? 'suspended' : 'active';
          await changeSubscriptionStatus(trx, [s.id!], to, [to === 'suspended' ? 'active' : 'suspended'], to === 'suspended' ? IMPORT_DISABLED_REASON : 'import_enabled', deps.effects);
        }
        const after: Record<string, unknown> = { username: s.row.username, passwordChanged: s.changed.includes('password') };
        for (const f of s.changed) if (f !== 'password') after[f] = f === 'status' ? s.status : f === 'plan' ? s.row.planName : update[f];
        await audit('subscription_updated', 'subscription', s.id!, after);
      }
    }
    await recordAudit(trx, opts.actor, {
      action: 'import_committed', objectType: 'import', objectId: null,
      after: { source: batch.source, label: opts.label, nas: opts.nas, ...plan.counts },
    });
    return plan;
  });
}
