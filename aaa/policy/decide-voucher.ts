/**
 * The access decision for a hotspot voucher: from the voucher's usage, its batch's limits, its
 * plan (when the batch names one), its open sessions and the time to accept / reject. Pure and
 * synchronous, like decide.ts, so it runs on the hot path and is tested without a network.
 *
 * Rules, in order:
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
import type { PlanAccess } from '../../billing/access/subscription-access.js';
import type { VoucherAccess, VoucherBatchAccess, VoucherSessionAccess } from '../../billing/access/voucher-access.js';
import type { VoucherAcceptMark } from '../index/aaa-index.js';
import type { AaaSettings } from './aaa-settings.js';
import type { AccessProfile } from './decide.js';

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
  lastAccept: VoucherAcceptMark | undefined;
  nasIpAddress: string;
  callingStationId: string | undefined;
  staleAfterMs: number;
  /** How long an Access-Accept holds the voucher for its device before accounting confirms it. */
  acceptWindowMs: number;
}

/** Decides one Access-Request for an authenticated voucher. */
export function decideVoucher(input: VoucherDecisionInput): VoucherDecision {
  const { voucher, batch, plan, settings, now } = input;
  const msgs = settings.messages;
  if (voucher.status === 'used') return { kind: 'reject', reason: 'voucher_used', message: msgs.voucherUsed };
  if (voucher.status === 'expired' || (voucher.expiresAt !== null && voucher.expiresAt <= now)) {
    return { kind: 'reject', reason: 'voucher_expired', message: msgs.voucherExpired };
  }
  const timeLeft = batch.timeLimitSeconds === null ? null : batch.timeLimitSeconds - voucher.usedSeconds;
  const dataLeft = batch.dataLimitBytes === null ? null : batch.dataLimitBytes - voucher.usedOctets;
  if ((timeLeft !== null && timeLeft <= 0) || (dataLeft !== null && dataLeft <= 0)) {
    return { kind: 'reject', reason: 'voucher_used', message: msgs.voucherUsed };
  }
  if (otherDevice(input)) return { kind: 'reject', reason: 'simultaneous_use', message: msgs.simultaneousUse };

  const rateLimit = batch.rateLimit ?? plan?.rateLimit;
  // A batch always has one or the other (a CHECK), but its plan may have left the index.
  if (!rateLimit) return { kind: 'reject', reason: 'no_rate_limit', message: msgs.rejected };
  const profile: AccessProfile = { rateLimit };
  const validityLeft = voucher.expiresAt !== null
    ? Math.ceil((voucher.expiresAt - now) / 1000)
    : batch.validitySeconds;
  const timeouts = [timeLeft, validityLeft, plan?.sessionTimeout ?? null].filter((t): t is number => t !== null);
  if (timeouts.length) profile.sessionTimeout = Math.min(...timeouts);
  if (dataLeft !== null) profile.totalLimit = dataLeft;
  if (plan?.framedPool) profile.framedPool = plan.framedPool;
  if (plan?.mikrotikGroup) profile.group = plan.mikrotikGroup;
  if (plan?.idleTimeout) profile.idleTimeout = plan.idleTimeout;
  return { kind: 'accept', reason: 'voucher', profile };
}

/** True when another device holds the voucher (an open session, or a fresh Access-Accept). */
function otherDevice(input: VoucherDecisionInput): boolean {
  const same = (nasIpAddress: string, callingStationId: string | null): boolean =>
    Boolean(input.callingStationId) && callingStationId === input.callingStationId && nasIpAddress === input.nasIpAddress;
  for (const s of input.openSessions) {
    if (input.now - s.updateTime > input.staleAfterMs) continue;
    if (!same(s.nasIpAddress, s.callingStationId)) return true;
  }
  const mark = input.lastAccept;
  return Boolean(mark && input.now - mark.at < input.acceptWindowMs && !same(mark.nasIpAddress, mark.callingStationId));
}
