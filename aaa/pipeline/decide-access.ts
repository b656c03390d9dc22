/**
 * Stage 3 of the Access-Request, "decide" (ARCHITECTURE.md "Access-Request flow"): gathers what
 * the policy needs for the credential found and verified (plan, quota usage, open sessions; for a
 * voucher its batch and last Access-Accept) and asks aaa/policy/decide.ts. From the index it is
 * synchronous; it returns a Promise only when it must wait:
 * - a quota period's usage the index does not hold: loaded once from the database;
 * - open sessions accounting changed since the index read them: read once from the database
 *   (AccessReplica.openSessions);
 * - a simultaneous-use refusal: the routers are asked, once and bounded, whether those sessions
 *   still exist (aaa/nas/stale-session-check.ts), and the decision is made again on the answer;
 * - a voucher's first Access-Accept: its validity starts now and is stored before the guest is
 *   let in (a failure rejects the Promise: no reply, the NAS retries); then decided again on what
 *   is stored, since another radius process may have started it first.
 * Refusals of its own (Reply-Message = the "rejected" text): `no_plan` (the subscription's plan
 * is not in the index), `no_batch` (the voucher's batch is not), `unknown_user` (the voucher was
 * gone when its first use was to be stored).
 */
import type { OpenSessionAccess, PlanAccess } from '../../billing/access/subscription-access.js';
import type { VoucherAccess } from '../../billing/access/voucher-access.js';
import type { AccessReplica, NasEntry, SubscriptionEntry } from '../replica/access-replica.js';
import type { ReplicaSync } from '../replica/replica-sync.js';
import type { StaleSessionCheck } from '../nas/stale-session-check.js';
import { decide, decideVoucher, type Decision, type VoucherDecision } from '../policy/decide.js';
import { isVoucher, type Credential } from './find-credential.js';

/** What stage 3 answers: the policy's decision, or a refusal of the stage's own. */
export type AccessDecision =
  | Decision
  | VoucherDecision
  | { kind: 'reject'; reason: 'no_plan' | 'no_batch' | 'unknown_user'; message: string };

export interface DecideDeps {
  index: Pick<AccessReplica,
    'settings' | 'plan' | 'openSessions' | 'quotaPeriodStart' | 'usedOctets' |
    'voucherBatch' | 'voucherById' | 'voucherOpenSessions' | 'voucherAccept' | 'putVouchers'>;
  sync: Pick<ReplicaSync, 'loadUsage' | 'loadOpenSessions'>;
  /** Starts a voucher's validity at its first Access-Accept; resolves with what is stored, or null when the voucher is gone. */
  startVoucher(voucherId: number, now: Date): Promise<Pick<VoucherAccess, 'firstUsedAt' | 'expiresAt' | 'status'> | null>;
  /** A voucher's open sessions silent for longer than this do not count for its one-device rule. */
  staleAfterMs: number;
  /** A voucher's Access-Accept holds it for that device this long, until accounting reports the session (default 60 s). */
  voucherAcceptWindowMs?: number;
  /** Before a simultaneous-use refusal: the routers asked whether those sessions still exist. */
  staleSessions?: Pick<StaleSessionCheck, 'recheck'>;
}

export type DecideStage = (found: Credential, nas: NasEntry, callingStationId: string | null, now: Date) => AccessDecision | Promise<AccessDecision>;

/** Builds stage 3 over the index and the few writes and checks it may wait for. */
export function createDecideStage(deps: DecideDeps): DecideStage {
  const { index } = deps;
  const acceptWindowMs = deps.voucherAcceptWindowMs ?? 60_000;

  function subscription(sub: SubscriptionEntry, nas: NasEntry, callingStationId: string | null, now: Date): AccessDecision | Promise<AccessDecision> {
    const plan = index.plan(sub.planId);
    if (!plan) return { kind: 'reject', reason: 'no_plan', message: index.settings.messages.rejected };
    const periodStart = index.quotaPeriodStart(sub, plan, now);
    if (!periodStart) return withSessions(sub, plan, nas, callingStationId, now, 0n);
    const used = index.usedOctets(sub.id, periodStart);
    if (used !== undefined) return withSessions(sub, plan, nas, callingStationId, now, used);
    return deps.sync.loadUsage(sub.id, periodStart).then((u) => withSessions(sub, plan, nas, callingStationId, now, u));
  }

  function withSessions(sub: SubscriptionEntry, plan: PlanAccess, nas: NasEntry, callingStationId: string | null, now: Date, usedOctets: bigint): Decision | Promise<Decision> {
    const held = index.openSessions(sub.id);
    if (held) return withUsage(sub, plan, nas, callingStationId, now, usedOctets, held);
    return deps.sync.loadOpenSessions(sub.id).then((read) => withUsage(sub, plan, nas, callingStationId, now, usedOctets, read));
  }

  function withUsage(sub: SubscriptionEntry, plan: PlanAccess, nas: NasEntry, callingStationId: string | null, now: Date, usedOctets: bigint,
    openSessions: readonly OpenSessionAccess[], rechecked = false): Decision | Promise<Decision> {
    const decision = decide({
      subscription: sub,
      plan,
      settings: index.settings,
      now: now.getTime(),
      openSessions,
      usedOctets,
      nasIpAddress: nas.ipAddress,
      callingStationId: callingStationId ?? undefined,
    });
    // Only a login the limit would refuse waits for the routers, once, bounded.
    if (decision.kind === 'reject' && decision.reason === 'simultaneous_use' && deps.staleSessions && !rechecked) {
      return deps.staleSessions.recheck(sub, openSessions).then((left) => withUsage(sub, plan, nas, callingStationId, now, usedOctets, left, true));
    }
    return decision;
  }

  function voucher(v: VoucherAccess, nas: NasEntry, callingStationId: string | null, now: Date, started: boolean): AccessDecision | Promise<AccessDecision> {
    const batch = index.voucherBatch(v.batchId);
    if (!batch) return { kind: 'reject', reason: 'no_batch', message: index.settings.messages.rejected };
    const decision = decideVoucher({
      voucher: v,
      batch,
      plan: batch.planId === null ? undefined : index.plan(batch.planId),
      settings: index.settings,
      now: now.getTime(),
      openSessions: index.voucherOpenSessions(v.id),
      lastAccept: index.voucherAccept(v.id),
      nasIpAddress: nas.ipAddress,
      callingStationId: callingStationId ?? undefined,
      staleAfterMs: deps.staleAfterMs,
      acceptWindowMs,
    });
    if (decision.kind === 'reject' || v.firstUsedAt !== null || started) return decision;
    return deps.startVoucher(v.id, now).then((stored) => {
      if (!stored) return { kind: 'reject', reason: 'unknown_user', message: index.settings.messages.rejected };
      const fresh: VoucherAccess = { ...(index.voucherById(v.id) ?? v), ...stored };
      index.putVouchers([fresh]);
      return voucher(fresh, nas, callingStationId, now, true);
    });
  }

  return function decideAccess(found, nas, callingStationId, now) {
    return isVoucher(found) ? voucher(found, nas, callingStationId, now, false) : subscription(found, nas, callingStationId, now);
  };
}
