/**
 * The access decision: from a subscription's state, its plan, its open sessions and its usage to
 * accept / walled garden / reject. Pure and synchronous (no I/O), so it runs on the RADIUS hot
 * path and is tested exhaustively without a network.
 *
 * Rules, in order:
 * 1. terminated → reject.
 * 2. suspended, or prepaid whose paid_until has passed (expired) → the walled garden (address
 *    list, isolation rate and pool, short Session-Timeout) or reject, per `settings.suspendedAction`.
 * 3. simultaneous use: open sessions at or above the plan's limit → reject. A session on the same
 *    NAS from the same Calling-Station-Id is the same device reconnecting and does not count.
 *    A session the NAS lost (no accounting for RADIUS_STALE_INTERVALS interim intervals) is
 *    closed by the stale-session sweep (aaa/accounting/sweep-stale-sessions.ts, every minute),
 *    which removes it from the index: the index does not see Interim-Updates, so its sessions'
 *    update times are those of their Start and cannot tell a lost session from a long one.
 * 4. active / soft-limited → accept with the plan's rate (soft-limited: the soft-limit rate);
 *    a quota plan gets Mikrotik-Total-Limit = what is left, and after the quota the fair-usage
 *    rate (or a reject when the plan has none). Prepaid Session-Timeout stops at paid_until.
 */
import type { OpenSessionAccess, PlanAccess, SubscriptionAccess } from '../../billing/access/subscription-access.js';
import type { AaaSettings } from './aaa-settings.js';

export interface AccessProfile {
  /** Mikrotik-Rate-Limit. */
  rateLimit: string;
  framedIpAddress?: string;
  framedPool?: string;
  /** Seconds. */
  sessionTimeout?: number;
  /** Seconds. */
  idleTimeout?: number;
  /** Mikrotik-Address-List. */
  addressList?: string;
  /** Mikrotik-Group: the PPP profile or hotspot user profile on the router. */
  group?: string;
  /** Bytes left in the quota period: Mikrotik-Total-Limit (+ -Gigawords). */
  totalLimit?: number;
}

export type RejectReason = 'terminated' | 'suspended' | 'expired' | 'simultaneous_use' | 'quota_exceeded';

export type Decision =
  | { kind: 'accept'; reason: 'active' | 'soft_limited' | 'fair_usage'; profile: AccessProfile }
  | { kind: 'walled_garden'; reason: 'suspended' | 'expired'; profile: AccessProfile; message: string }
  | { kind: 'reject'; reason: RejectReason; message: string };

export interface DecisionInput {
  subscription: SubscriptionAccess;
  plan: PlanAccess;
  settings: AaaSettings;
  /** Epoch milliseconds. */
  now: number;
  openSessions: readonly OpenSessionAccess[];
  /** Octets used in the current quota period (a bigint: it may pass 2^53); ignored when the plan has no quota. */
  usedOctets: bigint;
  nasIpAddress: string;
  callingStationId: string | undefined;
}

/** Decides one Access-Request for an authenticated subscriber. */
export function decide(input: DecisionInput): Decision {
  const { subscription: sub, plan, settings, now } = input;
  if (sub.status === 'terminated') return { kind: 'reject', reason: 'terminated', message: settings.messages.terminated };

  const expired = sub.billingType === 'prepaid' && (sub.paidUntil === null || sub.paidUntil <= now);
  if (sub.status === 'suspended' || expired) {
    const reason = sub.status === 'suspended' ? 'suspended' : 'expired';
    if (settings.suspendedAction === 'reject') return { kind: 'reject', reason, message: settings.messages.suspended };
    const wg = settings.walledGarden;
    const profile: AccessProfile = {
      rateLimit: wg.rateLimit,
      addressList: wg.addressList,
      sessionTimeout: wg.sessionTimeout,
      ...addressing(sub, plan, wg.framedPool),
    };
    if (plan.mikrotikGroup) profile.group = plan.mikrotikGroup;
    return { kind: 'walled_garden', reason, profile, message: settings.messages.suspended };
  }

  if (countsAgainstLimit(input) >= plan.simultaneousUse) {
    return { kind: 'reject', reason: 'simultaneous_use', message: settings.messages.simultaneousUse };
  }

  let reason: 'active' | 'soft_limited' | 'fair_usage' = 'active';
  let rateLimit = plan.rateLimit;
  let totalLimit: number | undefined;
  if (plan.quotaBytes !== null) {
    // In bigint: usage may exceed 2^53; what is left is at most the quota, a safe number.
    const left = BigInt(plan.quotaBytes) - input.usedOctets;
    if (left > 0n) totalLimit = Number(left);
    else if (plan.fupRateLimit) {
      reason = 'fair_usage';
      rateLimit = plan.fupRateLimit;
    } else {
      return { kind: 'reject', reason: 'quota_exceeded', message: settings.messages.rejected };
    }
  }
  if (sub.status === 'soft_limited') {
    reason = 'soft_limited';
    rateLimit = plan.softLimitRateLimit ?? settings.softLimitRateLimit;
  }

  const profile: AccessProfile = { rateLimit, ...addressing(sub, plan, null) };
  let sessionTimeout = plan.sessionTimeout ?? undefined;
  if (sub.billingType === 'prepaid' && sub.paidUntil !== null) {
    const left = Math.ceil((sub.paidUntil - now) / 1000);
    sessionTimeout = sessionTimeout === undefined ? left : Math.min(sessionTimeout, left);
  }
  if (sessionTimeout !== undefined) profile.sessionTimeout = sessionTimeout;
  if (plan.idleTimeout) profile.idleTimeout = plan.idleTimeout;
  if (plan.mikrotikGroup) profile.group = plan.mikrotikGroup;
  if (totalLimit !== undefined) profile.totalLimit = totalLimit;
  return { kind: 'accept', reason, profile };
}

function addressing(sub: SubscriptionAccess, plan: PlanAccess, poolOverride: string | null): Pick<AccessProfile, 'framedIpAddress' | 'framedPool'> {
  if (sub.staticIp && !poolOverride) return { framedIpAddress: sub.staticIp };
  const pool = poolOverride ?? sub.framedPool ?? plan.framedPool;
  return pool ? { framedPool: pool } : {};
}

function countsAgainstLimit(input: DecisionInput): number {
  let n = 0;
  for (const s of input.openSessions) {
    if (
      input.callingStationId &&
      s.callingStationId === input.callingStationId &&
      s.nasIpAddress === input.nasIpAddress
    ) continue;
    n++;
  }
  return n;
}
