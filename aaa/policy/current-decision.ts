/**
 * The decision the index gives a subscription now, without a login: what its live sessions
 * should have. Used by nas-control to choose between CoA and Disconnect after billing changed
 * the subscription. Simultaneous use is not considered (the sessions already exist).
 */
import type { AaaIndex } from '../index/aaa-index.js';
import { decide, type Decision } from './decide.js';

/** null when the subscription or its plan is not in the index (deleted). */
export function currentDecision(index: AaaIndex, subscriptionId: number, now: Date): Decision | null {
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
