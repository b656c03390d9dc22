/**
 * The requests of the FreeRADIUS comparison (scripts/bench/compare-freeradius.ts), built once and
 * sent unchanged to every server under test (same secret, same NAS address 127.0.0.1), as a
 * MikroTik PPPoE server sends them (ARCHITECTURE.md, "What a MikroTik router sends"):
 * - Access-Request: PAP (User-Password hidden per RFC 2865 §5.2) with Message-Authenticator
 *   (RFC 3579 §3.2), for a random subscriber of user1..userN.
 * - Accounting-Request (RFC 2866 §3, Request Authenticator over zeros): a Start for each new
 *   session, interleaved from the 2,000th packet on with an Interim-Update of a session started
 *   1,000 sessions earlier (long answered, as a NAS would see it), cumulative counters.
 */
import { randomBytes } from 'node:crypto';
import { Code } from '../../aaa/codec/packet.js';
import { hideUserPassword } from '../../aaa/codec/user-password.js';
import { PacketWriter } from '../../aaa/codec/writer.js';
import { packetSet, type PacketSet } from './load-generator.js';
import { A, ip, mac } from './bench-attributes.js';


const w = new PacketWriter();

/** The attributes every request of session `j` (subscriber `user`) carries. */
function ppp(user: number, j: number): PacketWriter {
  return w
    .add(A['User-Name']!, `user${user}`)
    .add(A['NAS-IP-Address']!, '127.0.0.1')
    .add(A['NAS-Identifier']!, 'bench-router')
    .add(A['NAS-Port']!, j >>> 0)
    .add(A['NAS-Port-Id']!, 'ether2')
    .add(A['NAS-Port-Type']!, 'Ethernet')
    .add(A['Calling-Station-Id']!, mac(j))
    .add(A['Called-Station-Id']!, 'pppoe-service')
    .add(A['Acct-Session-Id']!, `81${j.toString(16).padStart(8, '0')}`);
}

/** An Access-Request with Identifier `id` for `user`, or a random one of user1..userN. */
export function accessRequest(id: number, subscribers: number, secret: Buffer, user = 1 + Math.floor(Math.random() * subscribers)): Buffer {
  const auth = randomBytes(16);
  w.reset(Code.AccessRequest, id, auth).messageAuthenticator();
  ppp(user, user).add(A['Service-Type']!, 'Framed-User').add(A['Framed-Protocol']!, 'PPP').add(A['User-Password']!, hideUserPassword(`pass${user}`, auth, secret));
  return w.toAccessRequest(secret);
}

const LAG = 1000;

/**
 * Accounting-Request `k` of a stream (Identifier `id`) whose sessions are numbered from `base`
 * (give each phase its own range, so a Start is never a replay of an earlier phase's session):
 * packets 0..1999 start sessions 0..1999; then even packets start the next session and odd ones
 * send the one Interim-Update of the session started 1,000 sessions before.
 */
export function accountingRequest(k: number, id: number, base: number, subscribers: number, secret: Buffer): Buffer {
  const m = Math.floor((k - 2 * LAG) / 2);
  const interim = k >= 2 * LAG && k % 2 === 1;
  const j = base + (k < 2 * LAG ? k : interim ? LAG + m : 2 * LAG + m);
  const round = interim ? 1 : 0;
  w.reset(Code.AccountingRequest, id);
  ppp(1 + (j % subscribers), j)
    .add(A['Acct-Status-Type']!, interim ? 'Interim-Update' : 'Start')
    .add(A['Framed-IP-Address']!, ip(j))
    .add(A['Acct-Session-Time']!, round * 300)
    .add(A['Acct-Input-Octets']!, round * 1_000_000)
    .add(A['Acct-Output-Octets']!, round * 9_000_000)
    .add(A['Acct-Input-Gigawords']!, 0)
    .add(A['Acct-Output-Gigawords']!, 0)
    .add(A['Acct-Input-Packets']!, round * 1000)
    .add(A['Acct-Output-Packets']!, round * 7000)
    .add(A['Acct-Delay-Time']!, 0);
  return w.toSignedRequest(secret);
}

/**
 * `count` packets spread over `sockets` PacketSets: packet k of set s is stream packet
 * n = k·sockets + s, built by `make(n, k mod 256)` (the load generator sends packet k of a socket
 * with Identifier k mod 256, and the Identifier is signed into the packet).
 */
export function buildSets(count: number, sockets: number, make: (n: number, id: number) => Buffer): PacketSet[] {
  const per = Math.ceil(count / sockets);
  return Array.from({ length: sockets }, (_, s) => packetSet(per, (k) => make(k * sockets + s, k % 256)));
}
