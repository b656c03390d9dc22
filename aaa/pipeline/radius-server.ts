/**
 * The radius role's UDP sockets (RFC 2865 §3: auth on 1812; RFC 2866 §3: accounting on 1813).
 * Socket glue only: NAS lookup by source address (unknown: drop, count, log once a minute per
 * IP), decode, duplicate cache, dispatch by code, send. No SQL and no policy here.
 *
 * Every packet is either answered or dropped and counted; a handler failure drops the packet
 * (the NAS retries) and never reaches the socket. Status-Server (RFC 5997) is answered on both
 * ports when it carries a valid Message-Authenticator.
 */
import dgram from 'node:dgram';
import type { Logger } from '../../lib/logger.js';
import { verifyRequestMessageAuthenticator, verifySignedRequest } from '../codec/authenticators.js';
import { Code, decodePacket, type Packet } from '../codec/packet.js';
import { PacketWriter } from '../codec/writer.js';
import type { AccessReplica, NasEntry } from '../replica/access-replica.js';
import type { DropReason, RadiusMetrics } from '../metrics/radius-metrics.js';
import type { AccessOutcome } from './access-request.js';
import { DuplicateCache } from './duplicate-cache.js';
import { RateLimitedLog, createRepeatedErrorLog } from '../../lib/rate-limited-log.js';

export type AccountingOutcome = { reply: Buffer; result: string } | { drop: DropReason };

export interface RadiusServerDeps {
  replica: AccessReplica;
  log: Logger;
  metrics: RadiusMetrics;
  /** Synchronous on a replica hit, a Promise on a miss. */
  handleAccess(p: Packet, nas: NasEntry): AccessOutcome | Promise<AccessOutcome>;
  handleAccounting(p: Packet, nas: NasEntry, receivedAt: number): Promise<AccountingOutcome>;
  host: string;
  authPort: number;
  acctPort: number;
  /**
   * Which sockets this process binds (server/radius-cluster.ts): `auth` only RADIUS_AUTH_PORT,
   * `acct` only RADIUS_ACCT_PORT, so Access-Requests never wait behind accounting in one event
   * loop; `both` (default) one process serving both ports.
   */
  serve?: 'both' | Port;
  duplicateTtlMs?: number;
  /**
   * Binds sockets of this process alone. Default false: in a cluster worker the socket is the
   * one Node's cluster module shares among the workers of a kind (server/radius-cluster.ts).
   */
  exclusive?: boolean;
}

export interface RadiusServer {
  /** Binds the sockets of `serve`; resolves with the bound ports (useful with port 0 in tests), 0 for a port not served. */
  start(): Promise<{ authPort: number; acctPort: number }>;
  /** Stops receiving, waits for requests in progress, closes the sockets. */
  stop(): Promise<void>;
}

type Port = 'auth' | 'acct';

export function createRadiusServer(deps: RadiusServerDeps): RadiusServer {
  const { replica, log, metrics } = deps;
  const duplicates = new DuplicateCache(deps.duplicateTtlMs);
  const unknownNas = new RateLimitedLog(60_000);
  const errors = createRepeatedErrorLog(log);
  const statusWriter = new PacketWriter();
  const inFlight = new Set<Promise<void>>();
  let closing = false;
  const sockets: Record<Port, dgram.Socket | null> = { auth: null, acct: null };

  function drop(reason: DropReason): void {
    metrics.drop(reason);
  }

  /**
   * RFC 5997 §3: Status-Server MUST carry a Message-Authenticator; the answer is Access-Accept
   * (with a Message-Authenticator) on the authentication port and Accounting-Response on the
   * accounting port (FreeRADIUS's radclient refuses an Access-Accept from 1813: "Expected
   * Accounting-Response"). The Accounting-Response carries none, as every Accounting-Response we
   * send (aaa/codec/writer.ts, toResponse).
   */
  function statusServer(p: Packet, nas: NasEntry, port: Port): Buffer | null {
    if (!verifyRequestMessageAuthenticator(p, nas.secret)) return null;
    if (port === 'acct') return statusWriter.reset(Code.AccountingResponse, p.identifier).toResponse(p.authenticator, nas.secret);
    return statusWriter.reset(Code.AccessAccept, p.identifier).messageAuthenticator().toResponse(p.authenticator, nas.secret);
  }

  function reply(port: Port, p: Packet, key: number, started: number, socket: dgram.Socket, rinfo: dgram.RemoteInfo, outcome: AccessOutcome | AccountingOutcome): void {
    if ('drop' in outcome) {
      duplicates.forget(key, p.authenticator);
      drop(outcome.drop);
      return;
    }
    duplicates.complete(key, p.authenticator, outcome.reply);
    socket.send(outcome.reply, rinfo.port, rinfo.address);
    metrics.request(port === 'auth' ? 'access' : 'accounting', outcome.result, (performance.now() - started) / 1000);
  }

  function failed(p: Packet, nas: NasEntry, key: number, err: unknown): void {
    errors.error(`radius code ${p.code}`, err, { nas: nas.ipAddress, code: p.code }, 'request failed; no reply sent (the NAS will retry)');
    duplicates.forget(key, p.authenticator);
    drop('internal_error');
  }

  function dispatch(port: Port, p: Packet, nas: NasEntry, key: number, started: number, socket: dgram.Socket, rinfo: dgram.RemoteInfo): void {
    let outcome: AccessOutcome | AccountingOutcome | Promise<AccessOutcome | AccountingOutcome>;
    try {
      outcome = port === 'auth' ? deps.handleAccess(p, nas) : deps.handleAccounting(p, nas, Date.now());
    } catch (err) {
      failed(p, nas, key, err);
      return;
    }
    if (!(outcome instanceof Promise)) {
      reply(port, p, key, started, socket, rinfo, outcome);
      return;
    }
    const task = outcome.then(
      (o) => reply(port, p, key, started, socket, rinfo, o),
      (err: unknown) => failed(p, nas, key, err),
    );
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  }

  function onMessage(port: Port, socket: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const started = performance.now();
    if (closing) return;
    const nas = replica.nas(rinfo.address);
    if (!nas) {
      drop('unknown_nas');
      if (unknownNas.shouldLog(rinfo.address)) {
        log.warn({ source: rinfo.address, port }, 'RADIUS packet from an unknown NAS dropped (logged once a minute per address)');
      }
      return;
    }
    // A retransmission (RFC 5080 §2.2.2: same source port, Identifier and authenticator as a
    // request this process accepted) is answered from the header alone: under overload a NAS
    // resends every outstanding request each 300 ms, and decoding and verifying each copy again
    // would spend the cores on packets already handled. Only a request that passed the checks
    // below is ever recorded, so a forged copy can at most repeat the reply the NAS already got.
    if (msg.length >= 20) {
      const seen = duplicates.peek(DuplicateCache.key(nas.id, rinfo.port, msg[1]!), msg.subarray(4, 20));
      if (seen.kind === 'replay') {
        metrics.duplicate();
        socket.send(seen.reply, rinfo.port, rinfo.address);
        return;
      }
      if (seen.kind === 'in_progress') {
        drop('duplicate_in_progress');
        return;
      }
    }
    const decoded = decodePacket(msg);
    if (!decoded.ok) {
      drop(decoded.reason);
      return;
    }
    const p = decoded.packet;
    if (p.code === Code.StatusServer) {
      const reply = statusServer(p, nas, port);
      if (reply) {
        socket.send(reply, rinfo.port, rinfo.address);
        metrics.request('status', 'ok', (performance.now() - started) / 1000);
      } else drop('bad_message_authenticator');
      return;
    }
    const expected = port === 'auth' ? Code.AccessRequest : Code.AccountingRequest;
    if (p.code !== expected) {
      drop('unexpected_code');
      return;
    }
    // Accounting: verify the Request Authenticator before the duplicate cache records the
    // request, so a forged packet cannot poison the cache entry of a genuine one.
    if (port === 'acct' && !verifySignedRequest(p, nas.secret)) {
      drop('bad_authenticator');
      return;
    }
    const key = DuplicateCache.key(nas.id, rinfo.port, p.identifier);
    duplicates.check(key, p.authenticator); // 'new': a retransmission was answered above
    dispatch(port, p, nas, key, started, socket, rinfo);
  }

  function bind(port: Port, portNumber: number): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024, sendBufferSize: 8 * 1024 * 1024 });
      socket.on('message', (msg, rinfo) => onMessage(port, socket, msg, rinfo));
      socket.once('error', reject);
      socket.bind({ port: portNumber, address: deps.host, exclusive: deps.exclusive ?? false }, () => {
        socket.off('error', reject);
        socket.on('error', (err) => log.error({ err, port }, 'RADIUS socket error'));
        resolve(socket);
      });
    });
  }

  return {
    async start() {
      const serve = deps.serve ?? 'both';
      if (serve !== 'acct') sockets.auth = await bind('auth', deps.authPort);
      if (serve !== 'auth') sockets.acct = await bind('acct', deps.acctPort);
      const ports = { authPort: sockets.auth?.address().port ?? 0, acctPort: sockets.acct?.address().port ?? 0 };
      log.info({ host: deps.host, ...ports }, 'RADIUS listening');
      return ports;
    },
    async stop() {
      closing = true;
      await Promise.allSettled([...inFlight]);
      for (const s of Object.values(sockets)) s?.close();
    },
  };
}
