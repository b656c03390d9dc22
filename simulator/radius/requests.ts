/**
 * The RADIUS requests a MikroTik PPPoE server sends (MikroTik manual "RADIUS", RFC 2865, 2866,
 * 2869), built with aaa/codec's writer:
 * - Access-Request with a Message-Authenticator first (BlastRADIUS, RFC 3579 §3.2) and either
 *   User-Password (PAP, RFC 2865 §5.2) or CHAP-Password + CHAP-Challenge (RFC 2865 §5.3, §5.40;
 *   CHAP-Password = Ident + MD5(Ident + password + challenge), RFC 1994 §4.1);
 * - Accounting-Request Start / Interim-Update / Stop (RFC 2866 §5) with the Class of the
 *   Access-Accept echoed (RFC 2865 §5.25), counters as octets + Gigawords (RFC 2869 §5.1-5.2).
 */
import { createHash, randomBytes } from 'node:crypto';
import { dictionary } from '../../aaa/codec/dictionary.js';
import { Code } from '../../aaa/codec/packet.js';
import { hideUserPassword } from '../../aaa/codec/user-password.js';
import { PacketWriter } from '../../aaa/codec/writer.js';
import { splitGigawords, type Counters } from '../traffic/traffic.js';

/** What a request says about one PPPoE session. */
export interface SessionIdentity {
  username: string;
  acctSessionId: string;
  nasIp: string;
  /** RouterOS's System → Identity, sent as NAS-Identifier. */
  identity: string;
  nasPort: number;
  callingStationId: string;
  framedIp?: string;
  cls?: Buffer;
}

const d = dictionary();
const A = Object.fromEntries(
  ['User-Name', 'User-Password', 'CHAP-Password', 'CHAP-Challenge', 'NAS-IP-Address', 'NAS-Port', 'NAS-Port-Id', 'NAS-Port-Type',
    'Service-Type', 'Framed-Protocol', 'Calling-Station-Id', 'Called-Station-Id', 'NAS-Identifier', 'Acct-Session-Id',
    'Acct-Status-Type', 'Acct-Session-Time', 'Acct-Input-Octets', 'Acct-Output-Octets', 'Acct-Input-Gigawords',
    'Acct-Output-Gigawords', 'Acct-Input-Packets', 'Acct-Output-Packets', 'Framed-IP-Address', 'Acct-Delay-Time',
    'Event-Timestamp', 'Class', 'Acct-Authentic', 'Acct-Terminate-Cause'].map((n) => [n, d.attr(n)]),
) as Record<string, ReturnType<typeof d.attr>>;

function identify(w: PacketWriter, s: SessionIdentity): PacketWriter {
  return w
    .add(A['User-Name']!, s.username)
    .add(A['NAS-IP-Address']!, s.nasIp)
    .add(A['NAS-Identifier']!, s.identity)
    .add(A['NAS-Port']!, s.nasPort)
    .add(A['NAS-Port-Id']!, 'ether2')
    .add(A['NAS-Port-Type']!, 'Ethernet')
    .add(A['Calling-Station-Id']!, s.callingStationId)
    .add(A['Called-Station-Id']!, 'pppoe-service')
    .add(A['Acct-Session-Id']!, s.acctSessionId);
}

/** An Access-Request for `s` with `password`, by PAP or CHAP. */
export function accessRequest(s: SessionIdentity, password: string, method: 'pap' | 'chap', identifier: number, secret: Buffer): Buffer {
  const authenticator = randomBytes(16);
  const w = new PacketWriter().reset(Code.AccessRequest, identifier, authenticator).messageAuthenticator();
  identify(w, s).add(A['Service-Type']!, 'Framed-User').add(A['Framed-Protocol']!, 'PPP');
  if (method === 'pap') {
    w.add(A['User-Password']!, hideUserPassword(password, authenticator, secret));
  } else {
    const challenge = randomBytes(16);
    const ident = randomBytes(1);
    const response = createHash('md5').update(ident).update(password, 'utf8').update(challenge).digest();
    w.add(A['CHAP-Password']!, Buffer.concat([ident, response])).add(A['CHAP-Challenge']!, challenge);
  }
  return w.toAccessRequest(secret);
}

export type AcctStatus = 'Start' | 'Interim-Update' | 'Stop';

/** An Accounting-Request; `counters` from the router's side (rx = the subscriber's input). */
export function accountingRequest(
  s: SessionIdentity,
  status: AcctStatus,
  counters: Counters,
  sessionSeconds: number,
  identifier: number,
  secret: Buffer,
  terminateCause?: 'User-Request' | 'Admin-Reset' | 'NAS-Reboot',
): Buffer {
  const w = new PacketWriter().reset(Code.AccountingRequest, identifier);
  identify(w, s).add(A['Acct-Status-Type']!, status).add(A['Acct-Authentic']!, 'RADIUS');
  if (s.framedIp) w.add(A['Framed-IP-Address']!, s.framedIp);
  if (s.cls) w.add(A.Class!, s.cls);
  const [inOctets, inGigawords] = splitGigawords(counters.rxOctets);
  const [outOctets, outGigawords] = splitGigawords(counters.txOctets);
  w.add(A['Acct-Session-Time']!, Math.floor(sessionSeconds))
    .add(A['Acct-Input-Octets']!, inOctets)
    .add(A['Acct-Output-Octets']!, outOctets)
    .add(A['Acct-Input-Gigawords']!, inGigawords)
    .add(A['Acct-Output-Gigawords']!, outGigawords)
    .add(A['Acct-Input-Packets']!, Number(counters.rxPackets & 0xffffffffn))
    .add(A['Acct-Output-Packets']!, Number(counters.txPackets & 0xffffffffn))
    .add(A['Acct-Delay-Time']!, 0)
    .add(A['Event-Timestamp']!, Math.floor(Date.now() / 1000));
  if (status === 'Stop' && terminateCause) w.add(A['Acct-Terminate-Cause']!, terminateCause);
  return w.toSignedRequest(secret);
}
