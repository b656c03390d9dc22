/**
 * Access-Request, from a decoded packet of a known NAS to the signed reply (DESIGN.md §3):
 * BlastRADIUS checks → subscriber from the index → PAP / CHAP / MS-CHAP v1 / MS-CHAPv2 →
 * policy decision → reply attributes (Message-Authenticator first) → post-auth log.
 *
 * A policy "no" is an Access-Reject with a Reply-Message; a packet that fails a security check
 * is dropped without a reply (RFC 2865 §3, draft-ietf-radext-deprecating-radius §5); an
 * infrastructure failure throws, and the server sends nothing so the NAS retries.
 */
import { verifyChap } from '../auth/chap.js';
import { verifyMsChapV1, verifyMsChapV2 } from '../auth/mschap.js';
import { verifyPap } from '../auth/pap.js';
import { verifyRequestMessageAuthenticator } from '../codec/authenticators.js';
import { dictionary } from '../codec/dictionary.js';
import { Code, type Packet } from '../codec/packet.js';
import { attributeOf, readString } from '../codec/values.js';
import { PacketWriter } from '../codec/writer.js';
import type { AaaIndex, NasEntry, SubscriptionEntry } from '../index/aaa-index.js';
import type { IndexSync } from '../index/index-sync.js';
import type { DropReason } from '../metrics.js';
import { decide } from '../policy/decide.js';
import { classFor, writeProfile, writeReplyMessage } from '../policy/reply-attributes.js';
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
  sync: Pick<IndexSync, 'lookupUsername' | 'loadUsage'>;
  clock: Clock;
  postAuth: PostAuthLog;
  /** Acct-Interim-Interval sent in every Access-Accept, seconds. */
  interimInterval: number;
  /** Open sessions silent for longer than this do not count for simultaneous use. */
  staleAfterMs: number;
}

type AuthType = PostAuthRow['authType'];

/** Builds the Access-Request handler. The returned function never touches the database on an index hit. */
export function createAccessRequestHandler(deps: AccessDeps): (p: Packet, nas: NasEntry) => Promise<AccessOutcome> {
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

  function reject(p: Packet, nas: NasEntry, row: Omit<PostAuthRow, 'result' | 'at' | 'nasId' | 'nasIpAddress'>, message: string): AccessOutcome {
    begin(p, Code.AccessReject);
    writeReplyMessage(w, message);
    const reply = w.toResponse(p.authenticator, nas.secret);
    postAuth.add({ ...row, at: deps.clock.now(), nasId: nas.id, nasIpAddress: nas.ipAddress, result: 'reject' });
    return { reply, result: 'reject', reason: row.reason };
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

  return async function handleAccessRequest(p, nas) {
    const dropped = security(p, nas);
    if (dropped) return { drop: dropped };

    const username = readString(p, A.userName);
    const callingStationId = readString(p, A.callingStationId) ?? null;
    const base = { username: username ?? '', subscriptionId: null, callingStationId, authType: 'none' as AuthType };
    const msgs = index.settings.messages;
    if (!username) return reject(p, nas, { ...base, reason: 'no_username' }, msgs.rejected);
    if (attributeOf(p, A.eapMessage)) return reject(p, nas, { ...base, reason: 'eap_unsupported' }, msgs.rejected);

    const sub = index.subscription(username) ?? (await deps.sync.lookupUsername(username));
    if (!sub) return reject(p, nas, { ...base, reason: 'unknown_user' }, msgs.rejected);
    const auth = authenticate(p, nas, sub);
    const row = { ...base, subscriptionId: sub.id, authType: auth.type };
    if (auth.type === 'none') return reject(p, nas, { ...row, reason: 'no_credentials' }, msgs.rejected);
    if (!auth.ok) return reject(p, nas, { ...row, reason: 'bad_password' }, msgs.rejected);

    const plan = index.plan(sub.planId);
    if (!plan) return reject(p, nas, { ...row, reason: 'no_plan' }, msgs.rejected);
    const now = deps.clock.now();
    let usedOctets = 0;
    const periodStart = index.quotaPeriodStart(sub, plan, now);
    if (periodStart) usedOctets = index.usedOctets(sub.id, periodStart) ?? (await deps.sync.loadUsage(sub.id, periodStart));

    const decision = decide({
      subscription: sub,
      plan,
      settings: index.settings,
      now: now.getTime(),
      openSessions: index.openSessions(sub.id),
      usedOctets,
      nasIpAddress: nas.ipAddress,
      callingStationId: callingStationId ?? undefined,
      staleAfterMs: deps.staleAfterMs,
    });
    if (decision.kind === 'reject') return reject(p, nas, { ...row, reason: decision.reason }, decision.message);

    // No await below this line: the writer is shared by every request of this handler.
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
    postAuth.add({ ...row, at: now, nasId: nas.id, nasIpAddress: nas.ipAddress, result: decision.kind, reason: decision.reason });
    return { reply, result: decision.kind, reason: decision.reason };
  };
}
