/**
 * The access decision (ARCHITECTURE.md "Access-Request flow", stage 3): from what the request
 * found, a subscription or a hotspot voucher, to accept / walled garden / reject. Pure and
 * synchronous (no I/O), so it runs on the RADIUS hot path and is tested exhaustively without a
 * network. The rules both share (one device at a time, time left, Session-Timeout = the shortest
 * limit, Mikrotik-Total-Limit = octets left) are written once in access-rules.ts.
 *
 * A subscription (`decide`), rules in order:
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
 *
 * A voucher (`decideVoucher`), rules in order:
 * 1. used (a limit reached), or expired (validity over: status expired, or expires_at passed
 *    before the sweep marked it) → reject with the voucher's Reply-Message;
 * 2. time or data limit reached (used_seconds / used_octets across every session) → reject;
 * 3. one device at a time: an open session of the voucher from another device, or an
 *    Access-Accept for another device in the last `acceptWindowMs` whose session has not shown up
 *    in accounting yet → reject. The same device reconnecting (same NAS and Calling-Station-Id)
 *    and sessions silent for longer than `staleAfterMs` do not count;
 * 4. accept: Mikrotik-Rate-Limit from the batch, else its plan; Session-Timeout = the smaller of
 *    the time left and the validity left (validity not started yet: the whole validity);
 *    Mikrotik-Total-Limit (+ -Gigawords) = the octets left; the plan's pool, group, idle timeout.
 */
import type { OpenSessionAccess, PlanAccess, SubscriptionAccess } from '../../billing/access/subscription-access.js';
import type { VoucherAccess, VoucherBatchAccess, VoucherSessionAccess } from '../../billing/access/voucher-access.js';
import type { AaaSettings } from '../settings/aaa-settings.js';
import { octetsLeft, otherDevices, isSameDevice, secondsUntil, shortestTimeout } from './access-rules.js';
import { ipv6Addressing, type Ipv6Profile } from './ipv6-addressing.js';

/** IPv6 fields (Ipv6Profile, ipv6-addressing.ts): only on an accept of a PPPoE subscription. */
export interface AccessProfile extends Ipv6Profile {
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

  if (otherDevices(input.openSessions, input, now, Infinity) >= plan.simultaneousUse) {
    return { kind: 'reject', reason: 'simultaneous_use', message: settings.messages.simultaneousUse };
  }

  let reason: 'active' | 'soft_limited' | 'fair_usage' = 'active';
  let rateLimit = plan.rateLimit;
  let totalLimit: number | undefined;
  if (plan.quotaBytes !== null) {
    const left = octetsLeft(plan.quotaBytes, input.usedOctets);
    if (left > 0) totalLimit = left;
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

  const profile: AccessProfile = { rateLimit, ...addressing(sub, plan, null), ...ipv6Addressing(sub, plan) };
  const paidLeft = sub.billingType === 'prepaid' && sub.paidUntil !== null ? secondsUntil(sub.paidUntil, now) : null;
  const sessionTimeout = shortestTimeout(plan.sessionTimeout, paidLeft);
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

/**
 * A voucher's last Access-Accept whose session accounting has not reported yet (the index keeps
 * it): a second device asking in that window is refused like one with an open session.
 */
export interface AcceptMark {
  nasIpAddress: string;
  callingStationId: string | null;
  /** Epoch milliseconds. */
  at: number;
}

export type VoucherRejectReason = 'voucher_used' | 'voucher_expired' | 'simultaneous_use' | 'no_rate_limit';

export type VoucherDecision =
  | { kind: 'accept'; reason: 'voucher'; profile: AccessProfile }
  | { kind: 'reject'; reason: VoucherRejectReason; message: string };

export interface VoucherDecisionInput {
  voucher: VoucherAccess;
  batch: VoucherBatchAccess;
  /** The batch's plan, when it names one and the index has it. */
  plan: PlanAccess | undefined;
  settings: AaaSettings;
  /** Epoch milliseconds. */
  now: number;
  openSessions: readonly VoucherSessionAccess[];
  /** The voucher's last Access-Accept not yet seen in accounting. */
  lastAccept: AcceptMark | undefined;
  nasIpAddress: string;
  callingStationId: string | undefined;
  staleAfterMs: number;
  /** How long an Access-Accept holds the voucher for its device before accounting confirms it. */
  acceptWindowMs: number;
}

/** Decides one Access-Request for an authenticated voucher (the rules of the module docstring). */
export function decideVoucher(input: VoucherDecisionInput): VoucherDecision {
  const { voucher, batch, plan, settings, now } = input;
  const msgs = settings.messages;
  if (voucher.status === 'used') return { kind: 'reject', reason: 'voucher_used', message: msgs.voucherUsed };
  if (voucher.status === 'expired' || (voucher.expiresAt !== null && voucher.expiresAt <= now)) {
    return { kind: 'reject', reason: 'voucher_expired', message: msgs.voucherExpired };
  }
  const timeLeft = batch.timeLimitSeconds === null ? null : batch.timeLimitSeconds - voucher.usedSeconds;
  const dataLeft = batch.dataLimitBytes === null ? null : octetsLeft(batch.dataLimitBytes, voucher.usedOctets);
  if ((timeLeft !== null && timeLeft <= 0) || dataLeft === 0) {
    return { kind: 'reject', reason: 'voucher_used', message: msgs.voucherUsed };
  }
  // One device at a time: the simultaneous-use rule with a limit of one, and a fresh Access-Accept
  // for another device holds the voucher like an open session.
  const mark = input.lastAccept;
  if (
    otherDevices(input.openSessions, input, now, input.staleAfterMs) >= 1 ||
    (mark && now - mark.at < input.acceptWindowMs && !isSameDevice(mark.nasIpAddress, mark.callingStationId, input))
  ) {
    return { kind: 'reject', reason: 'simultaneous_use', message: msgs.simultaneousUse };
  }

  const rateLimit = batch.rateLimit ?? plan?.rateLimit;
  // A batch always has one or the other (a CHECK), but its plan may have left the index.
  if (!rateLimit) return { kind: 'reject', reason: 'no_rate_limit', message: msgs.rejected };
  const profile: AccessProfile = { rateLimit };
  const validityLeft = voucher.expiresAt !== null ? secondsUntil(voucher.expiresAt, now) : batch.validitySeconds;
  const sessionTimeout = shortestTimeout(timeLeft, validityLeft, plan?.sessionTimeout);
  if (sessionTimeout !== undefined) profile.sessionTimeout = sessionTimeout;
  if (dataLeft !== null) profile.totalLimit = dataLeft;
  if (plan?.framedPool) profile.framedPool = plan.framedPool;
  if (plan?.mikrotikGroup) profile.group = plan.mikrotikGroup;
  if (plan?.idleTimeout) profile.idleTimeout = plan.idleTimeout;
  return { kind: 'accept', reason: 'voucher', profile };
}
