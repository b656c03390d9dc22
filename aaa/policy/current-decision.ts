/**
 * The decision the index gives a subscription now, without a login: what its live sessions
 * should have. Used by nas-control to choose between CoA and Disconnect after billing changed
 * the subscription. Simultaneous use is not considered (the sessions already exist).
 */
import type { PlanAccess, SubscriptionAccess } from '../../billing/access/subscription-access.js';
import type { AaaSettings } from '../settings/aaa-settings.js';
import { decide, type Decision } from './decide.js';

/** What the decision reads of the access replica (aaa/replica); the policy does not import it. */
export interface DecisionSource {
  readonly settings: AaaSettings;
  subscriptionById(id: number): SubscriptionAccess | undefined;
  plan(id: number): PlanAccess | undefined;
  /** First local day of the quota period containing `now`, or null when the plan has no quota. */
  quotaPeriodStart(sub: SubscriptionAccess, plan: PlanAccess, now: Date): string | null;
  /** Octets used since `periodStart`, or undefined when the replica does not hold that period. */
  usedOctets(subscriptionId: number, periodStart: string): bigint | undefined;
}

/** null when the subscription or its plan is not in the index (deleted). */
export function currentDecision(index: DecisionSource, subscriptionId: number, now: Date): Decision | null {
  const subscription = index.subscriptionById(subscriptionId);
  const plan = subscription && index.plan(subscription.planId);
  if (!subscription || !plan) return null;
  const periodStart = index.quotaPeriodStart(subscription, plan, now);
  return decide({
    subscription,
    plan,
    settings: index.settings,
    now: now.getTime(),
    openSessions: [],
    usedOctets: periodStart ? (index.usedOctets(subscription.id, periodStart) ?? 0n) : 0n,
    nasIpAddress: '',
    callingStationId: undefined,
  });
}
