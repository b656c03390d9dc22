/**
 * The bulk actions: for each, the permission its single-row form needs, what its preview says
 * about every selected row, and how one row is done, by the single-row use case through
 * `engine` (the same call, transaction and audit row as the button on that row's page):
 * - `subscriptions.suspend` / `subscriptions.reactivate`: engine.suspendOrReactivate (one
 *   nas-control CoA per subscription, as today; billing/subscriptions/suspend-or-reactivate.ts);
 * - `subscriptions.plan`: previewPlanChange for the preview (each row's prorated amount),
 *   changePlanByStaff with the previewed version for the run (a row changed since is `stale`);
 * - `invoices.remind`: sendInvoiceAgain (billing/invoices/send-invoice-again.ts).
 */
import { changePlanByStaff } from '../../billing/subscriptions/change-plan-by-staff.js';
import { sendInvoiceAgain } from '../../billing/invoices/send-invoice-again.js';
import type { AuditActor } from '../../lib/audit.js';
import { AppError } from '../../lib/errors.js';
import type { AdminDeps } from '../deps.js';
import type { Permission } from '../../lib/permissions.js';
import type { PerformRow } from './bulk-runs.js';

export interface PreviewRow {
  id: number;
  label: string;
  /** The second line (the customer). */
  sub: string;
  link: string;
  /** Whether the row will take the action. */
  ok: boolean;
  /** What will happen, or why not: a key under `bulk.will.` (ok) or `bulk.skip.` (not ok). */
  code: string;
  /** A plan change's prorated amount (rupiah; 0 for a downgrade), else null. */
  amount: number | null;
  /** When a downgrade takes effect, or ''. */
  effective: string;
  /** The subscription's version as previewed (plan change). */
  version?: number;
}

export interface BulkAction {
  kind: 'subscriptions.suspend' | 'subscriptions.reactivate' | 'subscriptions.plan' | 'invoices.remind';
  permission: Permission;
  /** The list it starts from (where "back" goes, what the rows are). */
  list: 'subscriptions' | 'invoices';
  preview(deps: AdminDeps, ids: number[], params: Record<string, unknown>): Promise<PreviewRow[]>;
  perform(deps: AdminDeps, actor: AuditActor, params: Record<string, unknown>): PerformRow;
}

interface SubRow { id: number; username: string; status: string; version: number; customer_name: string; customer_number: string }

async function subscriptionsOf(deps: AdminDeps, ids: number[]): Promise<Map<number, SubRow>> {
  const rows = (await deps.db('subscriptions as s').join('customers as c', 'c.id', 's.customer_id').whereIn('s.id', ids)
    .select('s.id', 's.username', 's.status', 's.version', 'c.name as customer_name', 'c.customer_number')) as SubRow[];
  return new Map(rows.map((r) => [Number(r.id), { ...r, id: Number(r.id), version: Number(r.version) }]));
}

const subRow = (id: number, s: SubRow | undefined): Omit<PreviewRow, 'ok' | 'code'> => ({
  id, label: s?.username ?? `#${id}`, sub: s ? `${s.customer_number} ${s.customer_name}` : '', link: `/admin/subscriptions/${id}`, amount: null, effective: '',
});

/**
 * Which statuses each access action moves from; the use case (billing/subscriptions/suspend-or-reactivate.ts) decides
 * at the run, this only lets the preview say so beforehand.
 */
const ACCESS_FROM: Record<'suspend' | 'reactivate', readonly string[]> = { suspend: ['active', 'soft_limited'], reactivate: ['suspended', 'soft_limited'] };

function accessAction(action: 'suspend' | 'reactivate'): BulkAction {
  return {
    kind: `subscriptions.${action}`,
    permission: 'subscriptions.suspend',
    list: 'subscriptions',
    async preview(deps, ids) {
      const subs = await subscriptionsOf(deps, ids);
      return ids.map((id) => {
        const s = subs.get(id);
        const ok = Boolean(s && ACCESS_FROM[action].includes(s.status));
        return { ...subRow(id, s), ok, code: ok ? action : !s ? 'not_found' : `status_${s.status}` };
      });
    },
    perform(deps, actor) {
      return async (id) => {
        const outcome = await deps.engine.suspendOrReactivate({ subscriptionId: id, action, actor });
        if (outcome.ok) return { outcome: 'done' };
        return outcome.code === 'not_allowed' ? { outcome: 'skipped', code: 'not_allowed' } : { outcome: 'failed', code: 'not_found' };
      };
    },
  };
}

const planAction: BulkAction = {
  kind: 'subscriptions.plan',
  permission: 'subscriptions.edit',
  list: 'subscriptions',
  async preview(deps, ids, params) {
    const subs = await subscriptionsOf(deps, ids);
    const planId = Number(params.planId);
    const rows: PreviewRow[] = [];
    for (const id of ids) {
      const s = subs.get(id);
      const base = { ...subRow(id, s), version: s?.version };
      try {
        if (!s) throw new AppError('subscription_not_found', 'no such subscription', 404);
        const quote = await deps.engine.previewPlanChange(id, planId);
        rows.push({ ...base, ok: true, code: quote.kind, amount: quote.amount, effective: quote.effective });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        rows.push({ ...base, ok: false, code: err.code });
      }
    }
    return rows;
  },
  perform(deps, actor, params) {
    const versions = (params.versions ?? {}) as Record<string, number>;
    return async (id) => {
      try {
        const change = await deps.engine.run((u) => changePlanByStaff(u, { subscriptionId: id, planId: Number(params.planId), actor, expectedVersion: versions[id] }));
        return { outcome: 'done', code: change.kind };
      } catch (err) {
        if (err instanceof AppError && err.status < 500) return { outcome: err.code === 'same_plan' ? 'skipped' : 'failed', code: err.code };
        throw err;
      }
    };
  },
};

const UNPAID = ['open', 'partially_paid', 'overdue'];

const remindAction: BulkAction = {
  kind: 'invoices.remind',
  permission: 'invoices.send',
  list: 'invoices',
  async preview(deps, ids) {
    const rows = (await deps.db('invoices as i').join('customers as c', 'c.id', 'i.customer_id').whereIn('i.id', ids)
      .select('i.id', 'i.invoice_number', 'i.status', 'i.total', 'i.amount_paid', 'c.name as customer_name', 'c.customer_number', 'c.phone', 'c.email')) as Array<Record<string, string | null>>;
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    return ids.map((id) => {
      const r = byId.get(id);
      const base = { id, label: r?.invoice_number ?? `#${id}`, sub: r ? `${r.customer_number} ${r.customer_name}` : '', link: `/admin/invoices/${id}`, effective: '' };
      if (!r) return { ...base, ok: false, code: 'not_found', amount: null };
      const owed = Number(r.total) - Number(r.amount_paid);
      if (!UNPAID.includes(String(r.status)) || !r.invoice_number) return { ...base, ok: false, code: `invoice_${r.status}`, amount: null };
      if (!r.phone && !r.email) return { ...base, ok: false, code: 'no_contact', amount: owed };
      return { ...base, ok: true, code: 'remind', amount: owed };
    });
  },
  perform(deps, actor) {
    return async (id) => {
      const outcome = await deps.engine.run((u) => sendInvoiceAgain(u, { invoiceId: id, actor }));
      if (outcome.ok) return { outcome: 'done', detail: [...new Set(outcome.sentTo.map((s) => s.channel))].join(', ') };
      if (outcome.code === 'not_open') return { outcome: 'skipped', code: 'not_open' };
      return { outcome: 'failed', code: outcome.code };
    };
  },
};

export const BULK_ACTIONS: Readonly<Record<BulkAction['kind'], BulkAction>> = {
  'subscriptions.suspend': accessAction('suspend'),
  'subscriptions.reactivate': accessAction('reactivate'),
  'subscriptions.plan': planAction,
  'invoices.remind': remindAction,
};
