/**
 * Access-Request, from a decoded packet of a known NAS to the signed reply (ARCHITECTURE.md
 * "Access-Request flow"), as named stages after FreeRADIUS's authorize → authenticate → post-auth:
 * 0. screen (screen-request.ts): BlastRADIUS checks; a failure drops the packet, no reply;
 * 1. find (find-credential.ts): the subscription or hotspot voucher the User-Name names, from the
 *    index, else the database;
 * 2. verify (verify-credential.ts): PAP / CHAP / MS-CHAP v1 / MS-CHAPv2 against it;
 * 3. decide (decide-access.ts → aaa/policy/decide.ts): accept / walled garden / reject;
 * 4. reply (write-reply.ts) and log (post-auth-log.ts).
 *
 * A policy "no" is an Access-Reject with a Reply-Message; a packet that fails a security check
 * is dropped without a reply (RFC 2865 §3, draft-ietf-radext-deprecating-radius §5); an
 * infrastructure failure throws (or rejects), and the server sends nothing so the NAS retries.
 */
import { dictionary } from '../codec/dictionary.js';
import type { Packet } from '../codec/packet.js';
import { attributeOf, readString } from '../codec/values.js';
import { PacketWriter } from '../codec/writer.js';
import type { AccessReplica, NasEntry } from '../replica/access-replica.js';
import type { ReplicaSync } from '../replica/replica-sync.js';
import type { DropReason } from '../metrics/radius-metrics.js';
import { classFor, voucherClass } from '../policy/reply-attributes.js';
import type { Clock } from '../../lib/clock.js';
import { createDecideStage, type AccessDecision, type DecideDeps } from './decide-access.js';
import { findInDatabase, findInIndex, isVoucher, type Credential } from './find-credential.js';
import type { PostAuthLog, PostAuthRow } from './post-auth-log.js';
import { screenRequest } from './screen-request.js';
import { verifyCredential, type AuthType, type Verified } from './verify-credential.js';
import { writeAccept, writeReject } from './write-reply.js';

const d = dictionary();
const A = {
  userName: d.attr('User-Name'),
  callingStationId: d.attr('Calling-Station-Id'),
  eapMessage: d.attr('EAP-Message'),
};

export type AccessOutcome =
  | { reply: Buffer; result: 'accept' | 'walled_garden' | 'reject'; reason: string }
  | { drop: DropReason };

export interface AccessDeps extends Omit<DecideDeps, 'index' | 'sync'> {
  index: AccessReplica;
  sync: Pick<ReplicaSync, 'lookupUsername' | 'loadUsage' | 'loadOpenSessions' | 'lookupVoucher'>;
  clock: Clock;
  postAuth: PostAuthLog;
  /** Acct-Interim-Interval sent in every Access-Accept, seconds. */
  interimInterval: number;
}

type Outcome = AccessOutcome | Promise<AccessOutcome>;

/**
 * Builds the Access-Request handler. On an index hit it is synchronous and touches no database;
 * only an index miss (a username or a quota period not in memory), a simultaneous-use recheck or
 * a voucher's first use returns a Promise.
 */
export function createAccessRequestHandler(deps: AccessDeps): (p: Packet, nas: NasEntry) => Outcome {
  const { index, postAuth, interimInterval } = deps;
  const decideAccess = createDecideStage(deps);
  const w = new PacketWriter();

  function log(nas: NasEntry, username: string, subscriptionId: number | null, callingStationId: string | null, authType: AuthType, result: PostAuthRow['result'], reason: string): void {
    postAuth.add({ at: deps.clock.now(), username, subscriptionId, nasId: nas.id, nasIpAddress: nas.ipAddress, callingStationId, authType, result, reason });
  }

  function reject(p: Packet, nas: NasEntry, message: string, username: string, subscriptionId: number | null, callingStationId: string | null, authType: AuthType, reason: string): AccessOutcome {
    const reply = writeReject(w, p, nas.secret, message);
    log(nas, username, subscriptionId, callingStationId, authType, 'reject', reason);
    return { reply, result: 'reject', reason };
  }

  /** Stage 4 for a decision: the reply, the voucher's accept mark, the post-auth log. */
  function answer(p: Packet, nas: NasEntry, username: string, callingStationId: string | null, found: Credential, auth: Verified, now: Date, decision: AccessDecision): AccessOutcome {
    const voucher = isVoucher(found);
    const subscriptionId = voucher ? null : found.id;
    if (decision.kind === 'reject') return reject(p, nas, decision.message, username, subscriptionId, callingStationId, auth.type, decision.reason);
    const walled = decision.kind === 'walled_garden';
    const classValue = voucher ? voucherClass(found.id) : classFor(found.id, found.planId, walled);
    const reply = writeAccept(w, p, nas, decision.profile, interimInterval, classValue, walled ? decision.message : undefined, auth.success);
    if (voucher) index.markVoucherAccepted(found.id, { nasIpAddress: nas.ipAddress, callingStationId, at: now.getTime() });
    log(nas, username, subscriptionId, callingStationId, auth.type, decision.kind, decision.reason);
    return { reply, result: decision.kind, reason: decision.reason };
  }

  /** Stages 2-4 for what stage 1 found. */
  function withCredential(p: Packet, nas: NasEntry, username: string, callingStationId: string | null, found: Credential): Outcome {
    const auth = verifyCredential(p, nas.secret, found, index);
    const subscriptionId = isVoucher(found) ? null : found.id;
    const rejected = index.settings.messages.rejected;
    if (auth.type === 'none') return reject(p, nas, rejected, username, subscriptionId, callingStationId, 'none', 'no_credentials');
    if (!auth.ok) return reject(p, nas, rejected, username, subscriptionId, callingStationId, auth.type, 'bad_password');
    const now = deps.clock.now();
    const decision = decideAccess(found, nas, callingStationId, now);
    if (decision instanceof Promise) return decision.then((dd) => answer(p, nas, username, callingStationId, found, auth, now, dd));
    return answer(p, nas, username, callingStationId, found, auth, now, decision);
  }

  return function handleAccessRequest(p, nas) {
    const dropped = screenRequest(p, nas);
    if (dropped) return { drop: dropped };
    const username = readString(p, A.userName);
    const callingStationId = readString(p, A.callingStationId) ?? null;
    const rejected = index.settings.messages.rejected;
    if (!username) return reject(p, nas, rejected, '', null, callingStationId, 'none', 'no_username');
    if (attributeOf(p, A.eapMessage)) return reject(p, nas, rejected, username, null, callingStationId, 'none', 'eap_unsupported');
    const found = findInIndex(index, username);
    if (found) return withCredential(p, nas, username, callingStationId, found);
    return findInDatabase(deps.sync, username).then((f) => f
      ? withCredential(p, nas, username, callingStationId, f)
      : reject(p, nas, index.settings.messages.rejected, username, null, callingStationId, 'none', 'unknown_user'));
  };
}
