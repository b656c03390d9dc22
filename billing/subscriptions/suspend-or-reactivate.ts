/**
 * A staff member suspends a subscription into the walled garden, or reactivates it, from the
 * console: the status changes (and a nas-control job reaches the router after commit, as for
 * dunning) and the change is audited in the same transaction. A terminated subscription never
 * moves.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { nasControlJobId } from '../../lib/jobs.js';
import type { Effects } from '../use-case/effects.js';
import { changeSubscriptionStatus } from './status/change-status.js';

export type StaffStatusAction = 'suspend' | 'reactivate';

/** `{ ok: false, code: 'not_allowed' }` when the subscription is not in a state the action applies to. */
export type StaffStatusOutcome =
  | { ok: true; status: string; customerId: number; /** The nas-control job's id (lib/jobs.ts), for the console to follow. */ jobId: string }
  | { ok: false; code: 'not_found' }
  | { ok: false; code: 'not_allowed'; customerId: number };

export async function suspendOrReactivate(
  deps: { db: Knex; effects: Effects },
  input: { subscriptionId: number; action: StaffStatusAction; actor: AuditActor },
): Promise<StaffStatusOutcome> {
  return deps.effects.transaction(deps.db, async (trx) => {
    const before = await trx('subscriptions').where({ id: input.subscriptionId }).forUpdate().first('id', 'customer_id', 'status', 'status_reason');
    if (!before) return { ok: false, code: 'not_found' } as const;
    const [to, from, reason] = input.action === 'suspend'
      ? (['suspended', ['active', 'soft_limited'], 'staff_suspend'] as const)
      : (['active', ['suspended', 'soft_limited'], 'staff_reactivate'] as const);
    const changed = await changeSubscriptionStatus(trx, [input.subscriptionId], to, [...from], reason, deps.effects);
    const customerId = Number(before.customer_id);
    if (!changed.length) return { ok: false, code: 'not_allowed', customerId } as const;
    await recordAudit(trx, input.actor, {
      action: input.action === 'suspend' ? 'subscription_suspended' : 'subscription_reactivated',
      objectType: 'subscription',
      objectId: input.subscriptionId,
      before: { status: before.status, statusReason: before.status_reason },
      after: { status: to, statusReason: reason },
    });
    return { ok: true, status: to, customerId, jobId: nasControlJobId({ subscriptionId: input.subscriptionId }, `v${changed[0]!.version}`) } as const;
  });
}
