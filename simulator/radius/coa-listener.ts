/**
 * The router's `/radius incoming` (RFC 5176): CoA-Request and Disconnect-Request on its CoA port.
 *
 * - A request whose Request Authenticator (or Message-Authenticator, when present) does not verify
 *   with the shared secret is silently discarded (RFC 5176 §3.5, aaa/codec/authenticators.ts).
 * - The session is found by Acct-Session-Id, else by User-Name (and Framed-IP-Address when given).
 *   None: NAK with Error-Cause 503 Session-Context-Not-Found; a NAS-IP-Address that is not ours:
 *   NAK with 403 NAS-Identification-Mismatch (RFC 5176 §3.6).
 * - CoA: Mikrotik-Rate-Limit and Mikrotik-Address-List are applied (`onCoa`), then CoA-ACK.
 *   Disconnect: Disconnect-ACK, then `onDisconnect` ends the session (which sends its Stop).
 * - Answers carry a Message-Authenticator first, as RouterOS 7.15+ does, and the Response
 *   Authenticator over the request's authenticator (RFC 5176 §2.3, RFC 3579 §3.2).
 */
import dgram from 'node:dgram';
import { verifySignedRequest } from '../../aaa/codec/authenticators.js';
import { attributeDefs } from '../../aaa/codec/attribute-defs.js';
import { Code, decodePacket, type Packet } from '../../aaa/codec/packet.js';
import { readIpv4, readString } from '../../aaa/codec/values.js';
import { PacketWriter } from '../../aaa/codec/writer.js';

export interface CoaChanges {
  rateLimit?: string;
  addressList?: string;
}

export interface SessionKey {
  username?: string;
  acctSessionId?: string;
  framedIp?: string;
}

export interface CoaListenerOptions<S> {
  address: string;
  /** 3799 on RouterOS; 0 for a free port. */
  port: number;
  secret: Buffer;
  find(key: SessionKey): S | undefined;
  onCoa(session: S, changes: CoaChanges): void;
  onDisconnect(session: S): void;
  /** Requests discarded or answered with a NAK, for the event log. */
  onRefused?(what: string): void;
}

export interface CoaListener {
  port: number;
  close(): Promise<void>;
}

const A = attributeDefs({
  userName: 'User-Name',
  acctSessionId: 'Acct-Session-Id',
  framedIp: 'Framed-IP-Address',
  nasIp: 'NAS-IP-Address',
  rateLimit: 'Mikrotik-Rate-Limit',
  addressList: 'Mikrotik-Address-List',
  errorCause: 'Error-Cause',
});

/** Binds the listener; resolves once bound. @throws Error when the port is taken. */
export async function startCoaListener<S>(opts: CoaListenerOptions<S>): Promise<CoaListener> {
  const socket = dgram.createSocket('udp4');

  function answer(p: Packet, code: number, to: dgram.RemoteInfo, errorCause?: number): void {
    const w = new PacketWriter().reset(code, p.identifier).messageAuthenticator();
    if (errorCause !== undefined) w.add(A.errorCause, errorCause);
    socket.send(w.toResponse(p.authenticator, opts.secret), to.port, to.address);
  }

  socket.on('message', (msg, rinfo) => {
    const decoded = decodePacket(msg);
    if (!decoded.ok) return opts.onRefused?.(`malformed packet from ${rinfo.address} dropped`);
    const p = decoded.packet;
    const disconnect = p.code === Code.DisconnectRequest;
    if (!disconnect && p.code !== Code.CoARequest) return opts.onRefused?.(`packet code ${p.code} from ${rinfo.address} dropped`);
    if (!verifySignedRequest(p, opts.secret)) return opts.onRefused?.(`request from ${rinfo.address} with a bad authenticator dropped`);
    const nak = disconnect ? Code.DisconnectNAK : Code.CoANAK;
    const kind = disconnect ? 'Disconnect-Request' : 'CoA-Request';
    const nasIp = readIpv4(p, A.nasIp);
    if (nasIp !== undefined && nasIp !== opts.address) {
      opts.onRefused?.(`${kind} for NAS ${nasIp}: NAK 403`);
      return answer(p, nak, rinfo, 403);
    }
    const key: SessionKey = { username: readString(p, A.userName), acctSessionId: readString(p, A.acctSessionId), framedIp: readIpv4(p, A.framedIp) };
    const session = key.username || key.acctSessionId || key.framedIp ? opts.find(key) : undefined;
    if (session === undefined) {
      opts.onRefused?.(`${kind} for unknown session ${key.username ?? ''} ${key.acctSessionId ?? ''}: NAK 503`);
      return answer(p, nak, rinfo, 503);
    }
    if (disconnect) {
      answer(p, Code.DisconnectACK, rinfo);
      return opts.onDisconnect(session);
    }
    const changes: CoaChanges = {};
    const rateLimit = readString(p, A.rateLimit);
    const addressList = readString(p, A.addressList);
    if (rateLimit !== undefined) changes.rateLimit = rateLimit;
    if (addressList !== undefined) changes.addressList = addressList;
    opts.onCoa(session, changes);
    answer(p, Code.CoAACK, rinfo);
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(opts.port, opts.address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
