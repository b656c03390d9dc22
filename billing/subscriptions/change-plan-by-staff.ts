/**
 * A staff member changes a subscription's plan from the console: change-plan.ts `changePlan`
 * (an upgrade now with its prorated invoice and a nas-control job for the new rate; a downgrade
 * scheduled for the period end), audited in the same transaction. `changePlan` opens its own
 * transaction on the one given; here that is this use case's, so it runs as a savepoint inside
 * it and the plan change and its audit row commit, or roll back, together.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import { AppError } from '../../lib/errors.js';
import type { UseCaseDeps } from '../use-case/use-case-deps.js';
import { lockCustomer } from '../ledger/customer-balance.js';
import { changePlan, type PlanQuote } from './change-plan.js';

export type StaffPlanChange = PlanQuote & { invoiceId: number | null; customerId: number };

/**
 * @param input.expectedVersion the subscription's `version` the staff member previewed: when it
 *   changed since (another change, a payment), the preview may no longer hold and nothing is done.
 * @throws AppError `stale` (409); `subscription_not_found` (404), `plan_not_found` (404), `same_plan` (409), as changePlan.
 */
export async function changePlanByStaff(
  deps: Pick<UseCaseDeps, 'db' | 'clock' | 'timeZone' | 'effects'>,
  input: { subscriptionId: number; planId: number; actor: AuditActor; expectedVersion?: number },
): Promise<StaffPlanChange> {
  return deps.effects.transaction(deps.db, async (trx) => {
    const owner = await trx('subscriptions').where({ id: input.subscriptionId }).first('customer_id');
    if (!owner) throw new AppError('subscription_not_found', 'no such active subscription', 404);
    // The lock order changePlan takes (customer, then subscription), taken here first so the
    // "before" read below is the state the change starts from.
    await lockCustomer(trx, Number(owner.customer_id));
    const before = await trx('subscriptions as s')
      .join('plans as p', 'p.id', 's.plan_id')
      .where('s.id', input.subscriptionId)
      .forUpdate('s')
      .first('s.plan_id', 's.version', 'p.name as plan', 's.next_plan_id', trx.raw(`to_char(s.next_plan_effective, 'YYYY-MM-DD') AS next_plan_effective`));
    if (input.expectedVersion !== undefined && Number(before.version) !== input.expectedVersion) {
      throw new AppError('stale', 'the subscription changed since the preview', 409);
    }
    const result = await changePlan({ db: trx, clock: deps.clock, timeZone: deps.timeZone, effects: deps.effects }, input.subscriptionId, input.planId);
    const to = await trx('plans').where({ id: input.planId }).first('name');
    await recordAudit(trx, input.actor, {
      action: result.kind === 'upgrade' ? 'subscription_plan_changed' : 'subscription_plan_change_scheduled',
      objectType: 'subscription',
      objectId: input.subscriptionId,
      before: { planId: Number(before.plan_id), plan: before.plan, nextPlanId: before.next_plan_id, nextPlanEffective: before.next_plan_effective },
      after: {
        planId: input.planId, plan: to?.name ?? null, kind: result.kind, effective: result.effective, amount: result.amount, invoiceId: result.invoiceId,
      },
    });
    return { ...result, customerId: Number(owner.customer_id) };
  });
}
