/**
 * Access-Request, from a decoded packet of a known NAS to the signed reply (DESIGN.md §3):
 * BlastRADIUS checks → subscriber from the index → PAP / CHAP / MS-CHAP v1 / MS-CHAPv2 →
 * policy decision → reply attributes (Message-Authenticator first) → post-auth log.
 *
 * A User-Name that is no subscription's may be a hotspot voucher code (from the index too):
 * password = the code, PAP or CHAP (aaa/auth/voucher.ts), decided by decideVoucher. A voucher's
 * first Access-Accept starts its validity in the database before the reply is sent (one UPDATE,
 * once per voucher); every other voucher login is answered from memory like a subscriber's.
 *
 * A policy "no" is an Access-Reject with a Reply-Message; a packet that fails a security check
 * is dropped without a reply (RFC 2865 §3, draft-ietf-radext-deprecating-radius §5); an
 * infrastructure failure throws, and the server sends nothing so the NAS retries.
 */
import { verifyChap } from '../auth/chap.js';
import { verifyMsChapV1, verifyMsChapV2 } from '../auth/mschap.js';
import { verifyPap } from '../auth/pap.js';
import { verifyVoucherChap, verifyVoucherPap } from '../auth/voucher.js';
import { verifyRequestMessageAuthenticator } from '../codec/authenticators.js';
import { dictionary } from '../codec/dictionary.js';
import { Code, type Packet } from '../codec/packet.js';
import { attributeOf, readString } from '../codec/values.js';
import { PacketWriter } from '../codec/writer.js';
import type { PlanAccess } from '../../billing/access/subscription-access.js';
import type { VoucherAccess } from '../../billing/access/voucher-access.js';
import { looksLikeVoucherCode, normalizeVoucherCode } from '../../billing/access/voucher-code.js';
import type { AaaIndex, NasEntry, SubscriptionEntry } from '../index/aaa-index.js';
import type { IndexSync } from '../index/index-sync.js';
import type { DropReason } from '../metrics.js';
import type { StaleSessionCheck } from '../nas/stale-session-check.js';
import { decide } from '../policy/decide.js';
import { decideVoucher } from '../policy/decide-voucher.js';
import { classFor, voucherClass, writeProfile, writeReplyMessage } from '../policy/reply-attributes.js';
import type { Clock } from '../../lib/clock.js';
import type { PostAuthLog, PostAuthRow } from './post-auth-log.js';

const d = dictionary();
const A = {
  userName: d.attr('User-Name'),
  userPassword: d.attr('User-Password'),
  chapPassword: d.attr('CHAP-Password'),
  chapChallenge: d.attr('CHAP-Challenge'),
  msChapChallenge: d.attr('MS-CHAP-Challenge'),
  msChapResponse: d.attr('MS-CHAP-Response'),
  msChap2Response: d.attr('MS-CHAP2-Response'),
  msChap2Success: d.attr('MS-CHAP2-Success'),
  callingStationId: d.attr('Calling-Station-Id'),
  eapMessage: d.attr('EAP-Message'),
  proxyState: d.attr('Proxy-State'),
};

export type AccessOutcome =
  | { reply: Buffer; result: 'accept' | 'walled_garden' | 'reject'; reason: string }
  | { drop: DropReason };

export interface AccessDeps {
  index: AaaIndex;
  sync: Pick<IndexSync, 'lookupUsername' | 'loadUsage' | 'lookupVoucher'>;
  /**
   * Starts a voucher's validity at its first Access-Accept (billing/vouchers/voucher-access.ts
   * startVoucherUse); resolves with what is stored, or null when the voucher is gone.
   */
  startVoucher(voucherId: number, now: Date): Promise<Pick<VoucherAccess, 'firstUsedAt' | 'expiresAt' | 'status'> | null>;
  clock: Clock;
  postAuth: PostAuthLog;
  /** Acct-Interim-Interval sent in every Access-Accept, seconds. */
  interimInterval: number;
  /** A voucher's open sessions silent for longer than this do not count for its one-device rule (voucher sessions notify the index on Interim-Update). */
  staleAfterMs: number;
  /** A voucher's Access-Accept holds it for that device this long, until accounting reports the session (default 60 s). */
  voucherAcceptWindowMs?: number;
  /** Before a simultaneous-use refusal: the routers asked whether those sessions still exist (aaa/nas/stale-session-check.ts). */
  staleSessions?: Pick<StaleSessionCheck, 'recheck'>;
}

type AuthType = PostAuthRow['authType'];
type Outcome = AccessOutcome | Promise<AccessOutcome>;

/**
 * Builds the Access-Request handler. On an index hit it is synchronous and touches no database;
 * only an index miss (a username or a quota period not in memory) returns a Promise.
 */
export function createAccessRequestHandler(deps: AccessDeps): (p: Packet, nas: NasEntry) => Outcome {
  const { index, postAuth } = deps;
  const w = new PacketWriter();

  function security(p: Packet, nas: NasEntry): DropReason | null {
    if (p.messageAuthenticatorOffset >= 0) {
      return verifyRequestMessageAuthenticator(p, nas.secret) ? null : 'bad_message_authenticator';
    }
    if (nas.requireMessageAuthenticator) return 'missing_message_authenticator';
    // BlastRADIUS mitigation for NAS that cannot send Message-Authenticator yet.
    if (attributeOf(p, A.proxyState)) return 'proxy_state_without_message_authenticator';
    return null;
  }

  /** Starts a reply: Message-Authenticator first (CVE-2024-3596), then the request's Proxy-State in order. */
  function begin(p: Packet, code: number): PacketWriter {
    w.reset(code, p.identifier).messageAuthenticator();
    for (const a of p.attributes) if (a.type === A.proxyState.code && a.vendorId === 0) w.addRaw(a.type, a.value);
    return w;
  }

  function log(nas: NasEntry, username: string, subscriptionId: number | null, callingStationId: string | null, authType: AuthType, result: PostAuthRow['result'], reason: string): void {
    postAuth.add({ at: deps.clock.now(), username, subscriptionId, nasId: nas.id, nasIpAddress: nas.ipAddress, callingStationId, authType, result, reason });
  }

  function reject(p: Packet, nas: NasEntry, message: string, username: string, subscriptionId: number | null, callingStationId: string | null, authType: AuthType, reason: string): AccessOutcome {
    begin(p, Code.AccessReject);
    writeReplyMessage(w, message);
    const reply = w.toResponse(p.authenticator, nas.secret);
    log(nas, username, subscriptionId, callingStationId, authType, 'reject', reason);
    return { reply, result: 'reject', reason };
  }

  function authenticate(p: Packet, nas: NasEntry, sub: SubscriptionEntry): { type: AuthType; ok: boolean; success?: Buffer } {
    const pap = attributeOf(p, A.userPassword);
    if (pap) return { type: 'pap', ok: verifyPap(pap.value, p.authenticator, nas.secret, index.password(sub)) };
    const chap = attributeOf(p, A.chapPassword);
    if (chap) {
      const challenge = attributeOf(p, A.chapChallenge)?.value ?? p.authenticator;
      return { type: 'chap', ok: verifyChap(chap.value, challenge, index.password(sub)) };
    }
    const msChallenge = attributeOf(p, A.msChapChallenge);
    const ms2 = attributeOf(p, A.msChap2Response);
    if (msChallenge && ms2) {
      const r = verifyMsChapV2({
        username: sub.username,
        password: index.password(sub),
        authenticatorChallenge: msChallenge.value,
        response: ms2.value,
      });
      return r.ok ? { type: 'mschapv2', ok: true, success: r.success } : { type: 'mschapv2', ok: false };
    }
    const ms1 = attributeOf(p, A.msChapResponse);
    if (msChallenge && ms1) {
      return { type: 'mschap', ok: verifyMsChapV1({ password: index.password(sub), challenge: msChallenge.value, response: ms1.value }) };
    }
    return { type: 'none', ok: false };
  }

  /** From an authenticated subscriber to the reply; `usedOctets` is known here. */
  function finish(p: Packet, nas: NasEntry, sub: SubscriptionEntry, plan: PlanAccess, callingStationId: string | null, auth: { type: AuthType; success?: Buffer }, now: Date, usedOctets: bigint,
    openSessions = index.openSessions(sub.id), rechecked = false): Outcome {
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
    if (decision.kind === 'reject') {
      // Only a login the limit would refuse waits for the routers, once, bounded.
      if (decision.reason === 'simultaneous_use' && deps.staleSessions && !rechecked) {
        return deps.staleSessions.recheck(sub, openSessions).then((left) => finish(p, nas, sub, plan, callingStationId, auth, now, usedOctets, left, true));
      }
      return reject(p, nas, decision.message, sub.username, sub.id, callingStationId, auth.type, decision.reason);
    }
    begin(p, Code.AccessAccept);
    const walled = decision.kind === 'walled_garden';
    writeProfile(w, decision.profile, {
      vendor: nas.vendor,
      interimInterval: deps.interimInterval,
      classValue: classFor(sub.id, plan.id, walled),
    });
    if (walled) writeReplyMessage(w, decision.message);
    if (auth.success) w.add(A.msChap2Success, auth.success);
    const reply = w.toResponse(p.authenticator, nas.secret);
    log(nas, sub.username, sub.id, callingStationId, auth.type, decision.kind, decision.reason);
    return { reply, result: decision.kind, reason: decision.reason };
  }

  const acceptWindowMs = deps.voucherAcceptWindowMs ?? 60_000;

  function authenticateVoucher(p: Packet, nas: NasEntry, code: string): { type: AuthType; ok: boolean } {
    const pap = attributeOf(p, A.userPassword);
    if (pap) return { type: 'pap', ok: verifyVoucherPap(pap.value, p.authenticator, nas.secret, code) };
    const chap = attributeOf(p, A.chapPassword);
    if (chap) return { type: 'chap', ok: verifyVoucherChap(chap.value, attributeOf(p, A.chapChallenge)?.value ?? p.authenticator, code) };
    return { type: 'none', ok: false };
  }

  /** Decides an authenticated voucher and answers; `started` once its validity has been stored. */
  function finishVoucher(p: Packet, nas: NasEntry, v: VoucherAccess, username: string, callingStationId: string | null, authType: AuthType, now: Date, started: boolean): Outcome {
    const batch = index.voucherBatch(v.batchId);
    if (!batch) return reject(p, nas, index.settings.messages.rejected, username, null, callingStationId, authType, 'no_batch');
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
    if (decision.kind === 'reject') return reject(p, nas, decision.message, username, null, callingStationId, authType, decision.reason);
    if (v.firstUsedAt === null && !started) {
      // First use: the validity starts now, stored before the guest is let in (a failure sends no
      // reply and the NAS retries). Then decided again on what is stored: another radius process
      // may have started it first.
      return deps.startVoucher(v.id, now).then((stored) => {
        if (!stored) return reject(p, nas, index.settings.messages.rejected, username, null, callingStationId, authType, 'unknown_user');
        const fresh: VoucherAccess = { ...(index.voucherById(v.id) ?? v), ...stored };
        index.putVouchers([fresh]);
        return finishVoucher(p, nas, fresh, username, callingStationId, authType, now, true);
      });
    }
    begin(p, Code.AccessAccept);
    writeProfile(w, decision.profile, { vendor: nas.vendor, interimInterval: deps.interimInterval, classValue: voucherClass(v.id) });
    const reply = w.toResponse(p.authenticator, nas.secret);
    index.markVoucherAccepted(v.id, { nasIpAddress: nas.ipAddress, callingStationId, at: now.getTime() });
    log(nas, username, null, callingStationId, authType, 'accept', decision.reason);
    return { reply, result: 'accept', reason: decision.reason };
  }

  function withVoucher(p: Packet, nas: NasEntry, v: VoucherAccess, username: string, callingStationId: string | null): Outcome {
    const auth = authenticateVoucher(p, nas, v.code);
    const msgs = index.settings.messages;
    if (auth.type === 'none') return reject(p, nas, msgs.rejected, username, null, callingStationId, 'none', 'no_credentials');
    if (!auth.ok) return reject(p, nas, msgs.rejected, username, null, callingStationId, auth.type, 'bad_password');
    return finishVoucher(p, nas, v, username, callingStationId, auth.type, deps.clock.now(), false);
  }

  /**
   * The voucher codes a User-Name may stand for: itself when it could be stored as a code (letters
   * and digits, 4-32: imported codes included), and as printed (spaces and dashes dropped, capital
   * letters) when that is one of our codes.
   */
  function voucherCodesOf(username: string): string[] {
    const codes = /^[A-Za-z0-9]{4,32}$/.test(username) ? [username] : [];
    const printed = normalizeVoucherCode(username);
    if (printed !== username && looksLikeVoucherCode(printed)) codes.push(printed);
    return codes;
  }

  /** Neither index knows the name: the database, as a subscription, then as a voucher code. */
  async function lookup(p: Packet, nas: NasEntry, username: string, callingStationId: string | null): Promise<AccessOutcome> {
    const sub = await deps.sync.lookupUsername(username);
    if (sub) return withSubscriber(p, nas, sub, username, callingStationId);
    const codes = voucherCodesOf(username);
    const voucher = codes.length ? await deps.sync.lookupVoucher(codes) : undefined;
    if (voucher) return withVoucher(p, nas, voucher, username, callingStationId);
    return reject(p, nas, index.settings.messages.rejected, username, null, callingStationId, 'none', 'unknown_user');
  }

  function withSubscriber(p: Packet, nas: NasEntry, sub: SubscriptionEntry, username: string, callingStationId: string | null): Outcome {
    const msgs = index.settings.messages;
    const auth = authenticate(p, nas, sub);
    if (auth.type === 'none') return reject(p, nas, msgs.rejected, username, sub.id, callingStationId, 'none', 'no_credentials');
    if (!auth.ok) return reject(p, nas, msgs.rejected, username, sub.id, callingStationId, auth.type, 'bad_password');
    const plan = index.plan(sub.planId);
    if (!plan) return reject(p, nas, msgs.rejected, username, sub.id, callingStationId, auth.type, 'no_plan');
    const now = deps.clock.now();
    const periodStart = index.quotaPeriodStart(sub, plan, now);
    if (!periodStart) return finish(p, nas, sub, plan, callingStationId, auth, now, 0n);
    const used = index.usedOctets(sub.id, periodStart);
    if (used !== undefined) return finish(p, nas, sub, plan, callingStationId, auth, now, used);
    return deps.sync.loadUsage(sub.id, periodStart).then((u) => finish(p, nas, sub, plan, callingStationId, auth, now, u));
  }

  return function handleAccessRequest(p, nas) {
    const dropped = security(p, nas);
    if (dropped) return { drop: dropped };
    const username = readString(p, A.userName);
    const callingStationId = readString(p, A.callingStationId) ?? null;
    const msgs = index.settings.messages;
    if (!username) return reject(p, nas, msgs.rejected, '', null, callingStationId, 'none', 'no_username');
    if (attributeOf(p, A.eapMessage)) return reject(p, nas, msgs.rejected, username, null, callingStationId, 'none', 'eap_unsupported');
    const sub = index.subscription(username);
    if (sub) return withSubscriber(p, nas, sub, username, callingStationId);
    const voucher = index.voucher(username) ?? index.voucher(normalizeVoucherCode(username));
    if (voucher) return withVoucher(p, nas, voucher, username, callingStationId);
    return lookup(p, nas, username, callingStationId);
  };
}
