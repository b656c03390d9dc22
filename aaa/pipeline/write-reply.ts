/**
 * Stage 4 of the Access-Request, "reply" (ARCHITECTURE.md "Access-Request flow"): the signed
 * Access-Accept or Access-Reject for a decision. Every reply starts with Message-Authenticator
 * (BlastRADIUS, CVE-2024-3596: draft-ietf-radext-deprecating-radius §5.2), then the request's
 * Proxy-State attributes in their order (RFC 2865 §5.33); then
 * - Access-Reject: the Reply-Message (RFC 2865 §5.18);
 * - Access-Accept: the profile's attributes in the NAS vendor's terms and the Class
 *   (aaa/policy/reply-attributes.ts), a walled garden's Reply-Message, and MS-CHAP2-Success after
 *   an MS-CHAPv2 login (RFC 2548 §2.3.3).
 * The writer is the handler's one scratch buffer (synchronous use only); each reply is a new
 * Buffer of exactly its Length.
 */
import { dictionary } from '../codec/dictionary.js';
import { Code, type Packet } from '../codec/packet.js';
import type { PacketWriter } from '../codec/writer.js';
import type { NasEntry } from '../replica/access-replica.js';
import type { AccessProfile } from '../policy/decide.js';
import { writeProfile, writeReplyMessage } from '../policy/reply-attributes.js';

const d = dictionary();
const PROXY_STATE = d.attr('Proxy-State').code;
const MS_CHAP2_SUCCESS = d.attr('MS-CHAP2-Success');

/** Starts a reply to `p`: Message-Authenticator first, then the request's Proxy-State in order. */
function begin(w: PacketWriter, p: Packet, code: number): void {
  w.reset(code, p.identifier).messageAuthenticator();
  for (const a of p.attributes) if (a.type === PROXY_STATE && a.vendorId === 0) w.addRaw(a.type, a.value);
}

/** The Access-Reject to `p` carrying `message` as its Reply-Message, signed with `secret`. */
export function writeReject(w: PacketWriter, p: Packet, secret: Buffer, message: string): Buffer {
  begin(w, p, Code.AccessReject);
  writeReplyMessage(w, message);
  return w.toResponse(p.authenticator, secret);
}

/**
 * The Access-Accept to `p` granting `profile` on `nas`, signed with the NAS's secret.
 * @param interimInterval Acct-Interim-Interval, seconds.
 * @param classValue Class tying accounting back to the decision (classFor / voucherClass).
 * @param replyMessage a walled garden's Reply-Message (why the subscriber is held there).
 * @param msChap2Success the MS-CHAP2-Success value of an MS-CHAPv2 login.
 */
export function writeAccept(w: PacketWriter, p: Packet, nas: Pick<NasEntry, 'secret' | 'vendor'>, profile: AccessProfile,
  interimInterval: number, classValue: Buffer, replyMessage: string | undefined, msChap2Success: Buffer | undefined): Buffer {
  begin(w, p, Code.AccessAccept);
  writeProfile(w, profile, { vendor: nas.vendor, interimInterval, classValue });
  if (replyMessage !== undefined) writeReplyMessage(w, replyMessage);
  if (msChap2Success) w.add(MS_CHAP2_SUCCESS, msChap2Success);
  return w.toResponse(p.authenticator, nas.secret);
}
