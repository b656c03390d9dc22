/**
 * Dynamic Authorization client (RFC 5176): sends CoA-Request and Disconnect-Request to a NAS and
 * waits for its ACK or NAK.
 *
 * - One UDP socket for every NAS, bound on first use to `bindAddress` and an ephemeral port.
 * - Identifiers are allocated per NAS address and port, round-robin, at most 256 outstanding per
 *   NAS (RFC 2865 §3: the Identifier is one octet); a request beyond that waits for a free one.
 * - Requests carry a Message-Authenticator (RFC 5176 §3.3 allows it; RouterOS 7.15+ accepts it)
 *   and are signed with the Request Authenticator of RFC 5176 §2.3.
 * - A request unanswered after `timeoutMs` is retransmitted unchanged, same Identifier and
 *   authenticator (RFC 5080 §2.2.1), `retries` times; then the result is `timeout`.
 * - A response counts only when it comes from the NAS's address and port, carries a pending
 *   Identifier, is the answer to that kind of request (Disconnect-ACK/NAK to a Disconnect-Request,
 *   CoA-ACK/NAK to a CoA-Request) and its Response Authenticator (and Message-Authenticator when
 *   present) verifies with the shared secret (RFC 5176 §3.5). Anything else is counted, logged
 *   at debug and dropped.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { verifyResponse } from '../codec/authenticators.js';
import { dictionary, type AttributeDef } from '../codec/dictionary.js';
import { Code, decodePacket } from '../codec/packet.js';
import { readInteger, type AttributeValue } from '../codec/values.js';
import { PacketWriter } from '../codec/writer.js';
import type { Logger } from '../../lib/logger.js';
import { ERROR_CAUSE_NAMES } from './coa-attributes.js';

export interface CoaTarget {
  /** The NAS's IP address (the family must match the client's bind address). */
  host: string;
  /** Its `/radius incoming` port: 3799 by default on RouterOS, 1700 on old versions. */
  port: number;
  secret: Buffer;
}

export interface CoaRequest {
  kind: 'coa' | 'disconnect';
  attributes: Array<[AttributeDef, AttributeValue]>;
}

export type CoaResult =
  | { ok: true; code: 'ACK' }
  | { ok: false; reason: 'nak'; errorCause?: number; errorCauseName?: string }
  | { ok: false; reason: 'timeout' };

export interface CoaClientOptions {
  /** Milliseconds to wait for an answer before each retransmission. */
  timeoutMs?: number;
  /** Retransmissions after the first send. */
  retries?: number;
  log: Logger;
  /** Local address of the socket; '0.0.0.0' (IPv4) or '::' (IPv6). */
  bindAddress?: string;
}

export interface CoaCounters {
  requests: number;
  retransmissions: number;
  /** Datagrams dropped: malformed, unknown source or Identifier, wrong code, bad authenticator. */
  ignored: number;
}

export interface CoaClient {
  /**
   * Sends one request and resolves with the NAS's answer or `timeout`. Never rejects for a NAK or
   * a lost packet. @throws Error when the client is closed, or the target's address family does
   * not match the socket's.
   */
  send(target: CoaTarget, request: CoaRequest): Promise<CoaResult>;
  readonly counters: Readonly<CoaCounters>;
  /** Closes the socket; pending requests reject. */
  close(): Promise<void>;
}

const ERROR_CAUSE = dictionary().attr('Error-Cause');

const KINDS = {
  coa: { request: Code.CoARequest, ack: Code.CoAACK, nak: Code.CoANAK },
  disconnect: { request: Code.DisconnectRequest, ack: Code.DisconnectACK, nak: Code.DisconnectNAK },
} as const;

interface Pending {
  id: number;
  packet: Buffer;
  /** Copy of our Request Authenticator: the response is verified against it. */
  authenticator: Buffer;
  target: CoaTarget;
  kind: CoaRequest['kind'];
  attemptsLeft: number;
  timer: NodeJS.Timeout;
  resolve(r: CoaResult): void;
  reject(e: Error): void;
}

interface TargetState {
  pending: Map<number, Pending>;
  /** Next Identifier to try: round-robin, so a late answer rarely meets a reused Identifier. */
  next: number;
  waiters: Array<{ resume(): void; reject(e: Error): void }>;
}

/** Creates a CoA/Disconnect client. Its socket is bound on the first `send`. */
export function createCoaClient({ timeoutMs = 1000, retries = 2, log, bindAddress = '0.0.0.0' }: CoaClientOptions): CoaClient {
  const family = net.isIPv6(bindAddress) ? 6 : 4;
  const targets = new Map<string, TargetState>();
  const counters: CoaCounters = { requests: 0, retransmissions: 0, ignored: 0 };
  const writer = new PacketWriter();
  let socket: Promise<dgram.Socket> | undefined;
  let closed = false;

  const keyOf = (host: string, port: number): string => `${host}|${port}`;

  function getSocket(): Promise<dgram.Socket> {
    socket ??= new Promise((resolve, reject) => {
      const s = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
      s.on('message', onMessage);
      s.once('error', (err) => {
        socket = undefined; // a failed bind is retried by the next send
        s.close();
        reject(err);
      });
      // exclusive: in a cluster worker (RADIUS_PROCESSES > 1) the socket must be this process's
      // own, or a CoA-ACK could be delivered to a sibling that never sent the request.
      s.bind({ address: bindAddress, port: 0, exclusive: true }, () => {
        s.removeAllListeners('error');
        // After binding, a socket error (e.g. ICMP unreachable on some systems) loses only packets.
        s.on('error', (err) => log.warn({ err }, 'coa socket error'));
        resolve(s);
      });
    });
    return socket;
  }

  function ignore(why: string, rinfo: dgram.RemoteInfo): void {
    counters.ignored++;
    log.debug({ from: `${rinfo.address}:${rinfo.port}`, why }, 'coa response ignored');
  }

  function onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const decoded = decodePacket(msg);
    if (!decoded.ok) return ignore(decoded.reason, rinfo);
    const p = decoded.packet;
    const pending = targets.get(keyOf(rinfo.address, rinfo.port))?.pending.get(p.identifier);
    if (!pending) return ignore('no pending request', rinfo);
    const codes = KINDS[pending.kind];
    if (p.code !== codes.ack && p.code !== codes.nak) return ignore(`code ${p.code} does not answer ${pending.kind}`, rinfo);
    if (!verifyResponse(p, pending.authenticator, pending.target.secret)) return ignore('bad authenticator', rinfo);
    if (p.code === codes.ack) return finish(pending, { ok: true, code: 'ACK' });
    const errorCause = readInteger(p, ERROR_CAUSE);
    finish(
      pending,
      errorCause === undefined
        ? { ok: false, reason: 'nak' }
        : { ok: false, reason: 'nak', errorCause, errorCauseName: ERROR_CAUSE_NAMES[errorCause] ?? `Error-Cause-${errorCause}` },
    );
  }

  function release(p: Pending): void {
    clearTimeout(p.timer);
    const state = targets.get(keyOf(p.target.host, p.target.port));
    if (!state) return;
    state.pending.delete(p.id);
    const waiter = state.waiters.shift();
    if (waiter) waiter.resume();
    else if (state.pending.size === 0) targets.delete(keyOf(p.target.host, p.target.port));
  }

  function finish(p: Pending, result: CoaResult): void {
    release(p);
    p.resolve(result);
  }

  function transmit(s: dgram.Socket, p: Pending): void {
    s.send(p.packet, p.target.port, p.target.host, (err) => {
      // A failed send is a lost packet: the retransmission timer deals with it.
      if (err) log.debug({ err, nas: p.target.host }, 'coa send failed');
    });
  }

  function onTimer(s: dgram.Socket, p: Pending): void {
    if (p.attemptsLeft <= 0) return finish(p, { ok: false, reason: 'timeout' });
    p.attemptsLeft--;
    counters.retransmissions++;
    transmit(s, p);
    p.timer = setTimeout(onTimer, timeoutMs, s, p);
  }

  /** A free Identifier for `state`, or undefined when all 256 are outstanding. */
  function allocate(state: TargetState): number | undefined {
    for (let i = 0; i < 256; i++) {
      const id = (state.next + i) & 0xff;
      if (!state.pending.has(id)) {
        state.next = (id + 1) & 0xff;
        return id;
      }
    }
    return undefined;
  }

  async function send(target: CoaTarget, request: CoaRequest): Promise<CoaResult> {
    if (closed) throw new Error('coa client is closed');
    if (net.isIP(target.host) !== family) throw new Error(`coa client bound to IPv${family} cannot reach ${target.host}`);
    const s = await getSocket();
    if (closed) throw new Error('coa client is closed');
    const key = keyOf(target.host, target.port);
    let state: TargetState;
    let id: number | undefined;
    for (let waited = false; ; waited = true) {
      // Looked up again after each wait: the entry is dropped when its last request ends.
      state = targets.get(key) ?? { pending: new Map(), next: Math.floor(Math.random() * 256), waiters: [] };
      targets.set(key, state);
      id = allocate(state);
      if (id !== undefined) break;
      // 256 requests already in flight to this NAS: wait for one to end. A waiter that was woken
      // but lost the race keeps its place at the head of the queue.
      const st = state;
      await new Promise<void>((resume, reject) => (waited ? st.waiters.unshift({ resume, reject }) : st.waiters.push({ resume, reject })));
      if (closed) throw new Error('coa client is closed');
    }

    const identifier = id;
    writer.reset(KINDS[request.kind].request, identifier).messageAuthenticator();
    for (const [def, value] of request.attributes) writer.add(def, value);
    const packet = writer.toSignedRequest(target.secret);

    counters.requests++;
    return new Promise<CoaResult>((resolve, reject) => {
      const p: Pending = {
        id: identifier,
        packet,
        authenticator: Buffer.from(packet.subarray(4, 20)),
        target,
        kind: request.kind,
        attemptsLeft: retries,
        timer: setTimeout(() => onTimer(s, p), timeoutMs),
        resolve,
        reject,
      };
      state.pending.set(p.id, p);
      transmit(s, p);
    });
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    const err = new Error('coa client is closed');
    for (const state of targets.values()) {
      for (const p of state.pending.values()) {
        clearTimeout(p.timer);
        p.reject(err);
      }
      for (const w of state.waiters) w.reject(err);
    }
    targets.clear();
    if (socket) {
      const s = await socket.catch(() => undefined);
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }

  return { send, close, counters };
}
