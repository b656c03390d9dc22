/**
 * One RadSec connection after its TLS handshake and certificate check (radsec-listener.ts): the
 * packets framed by their Length (stream-framer.ts), decoded with the shared secret "radsec"
 * (RFC 6614 §2.3 item 4), and handed to the same Access-Request and Accounting-Request handlers
 * as the UDP sockets (aaa/pipeline/radius-server.ts); replies written back on the connection, in
 * whatever order they are ready (the Identifier pairs them, RFC 2865 §3).
 *
 * - A packet that does not frame or decode closes the connection (RFC 6614 §2.5; RFC 6613 §2.6.4:
 *   the stream cannot be resynchronised).
 * - Duplicates are detected per connection (RFC 6613 §2.6.5: a retransmission on another connection
 *   is a new request): the cached reply is sent again, a copy still in progress is dropped.
 * - Status-Server (RFC 5997 §3) with a valid Message-Authenticator gets an Access-Accept.
 * - The NAS is looked up in the replica at every packet: deactivated, the connection is closed.
 */
import type tls from 'node:tls';
import { verifyRequestMessageAuthenticator, verifySignedRequest } from '../codec/authenticators.js';
import { Code, decodePacket, type Packet } from '../codec/packet.js';
import { PacketWriter } from '../codec/writer.js';
import type { DropReason, RadiusMetrics } from '../metrics/radius-metrics.js';
import type { AccessOutcome } from '../pipeline/access-request.js';
import { DuplicateCache } from '../pipeline/duplicate-cache.js';
import type { AccountingOutcome, RadiusServerDeps } from '../pipeline/radius-server.js';
import type { AccessReplica, NasEntry } from '../replica/access-replica.js';
import type { RepeatedErrorLog } from '../../lib/rate-limited-log.js';
import type { RadsecMetrics } from './radsec-metrics.js';
import { StreamFramer } from './stream-framer.js';

/** RFC 6614 §2.3 item 4: the shared secret of RADIUS/TLS is the string "radsec". */
export const RADSEC_SECRET = Buffer.from('radsec', 'utf8');

export interface ConnectionContext {
  replica: AccessReplica;
  metrics: RadiusMetrics;
  radsecMetrics: RadsecMetrics;
  errors: RepeatedErrorLog;
  duplicates: DuplicateCache;
  handleAccess: RadiusServerDeps['handleAccess'];
  handleAccounting: RadiusServerDeps['handleAccounting'];
  /** Requests being answered, across connections (the listener waits for them on stop). */
  inFlight: Set<Promise<void>>;
}

/** The NAS entry with RadSec's secret, made once per replica entry (the replica replaces an entry when its row changes). */
const withRadsecSecret = new WeakMap<NasEntry, NasEntry>();
function radsecEntry(nas: NasEntry): NasEntry {
  let e = withRadsecSecret.get(nas);
  if (!e) withRadsecSecret.set(nas, (e = { ...nas, secret: RADSEC_SECRET }));
  return e;
}

/**
 * Serves `socket` for NAS `nasId` until either side closes it. `connectionId` (a number unique
 * among open connections) keys the duplicate cache, so duplicates never match across connections.
 */
export function serveConnection(socket: tls.TLSSocket, nasId: number, connectionId: number, ctx: ConnectionContext): void {
  const { metrics } = ctx;
  const framer = new StreamFramer();
  const statusWriter = new PacketWriter();

  function close(reason: 'closed_malformed' | 'closed_revoked'): void {
    if (socket.destroyed) return;
    ctx.radsecMetrics.connection(reason);
    socket.destroy();
  }

  function send(reply: Buffer): void {
    if (!socket.destroyed && socket.writable) socket.write(reply);
  }

  function finish(type: 'access' | 'accounting', p: Packet, key: number, started: number, outcome: AccessOutcome | AccountingOutcome): void {
    if ('drop' in outcome) {
      ctx.duplicates.forget(key, p.authenticator);
      metrics.drop(outcome.drop);
      return;
    }
    ctx.duplicates.complete(key, p.authenticator, outcome.reply);
    send(outcome.reply);
    metrics.request(type, outcome.result, (performance.now() - started) / 1000);
  }

  function failed(p: Packet, nas: NasEntry, key: number, err: unknown): void {
    ctx.errors.error(`radsec code ${p.code}`, err, { nas: nas.ipAddress, code: p.code }, 'RadSec request failed; no reply sent');
    ctx.duplicates.forget(key, p.authenticator);
    metrics.drop('internal_error');
  }

  function dispatch(type: 'access' | 'accounting', p: Packet, nas: NasEntry, started: number): void {
    const key = DuplicateCache.key(nas.id, connectionId & 0xffff, p.identifier);
    const dup = ctx.duplicates.check(key, p.authenticator);
    if (dup.kind === 'replay') {
      metrics.duplicate();
      send(dup.reply);
      return;
    }
    if (dup.kind === 'in_progress') {
      metrics.drop('duplicate_in_progress');
      return;
    }
    let outcome: AccessOutcome | AccountingOutcome | Promise<AccessOutcome | AccountingOutcome>;
    try {
      outcome = type === 'access' ? ctx.handleAccess(p, nas) : ctx.handleAccounting(p, nas, Date.now());
    } catch (err) {
      failed(p, nas, key, err);
      return;
    }
    if (!(outcome instanceof Promise)) return finish(type, p, key, started, outcome);
    const task = outcome.then((o) => finish(type, p, key, started, o), (err: unknown) => failed(p, nas, key, err));
    ctx.inFlight.add(task);
    void task.finally(() => ctx.inFlight.delete(task));
  }

  function onPacket(raw: Buffer): void {
    const started = performance.now();
    const current = ctx.replica.nasId(nasId);
    if (!current) return close('closed_revoked'); // deactivated or removed while connected
    const nas = radsecEntry(current);
    const decoded = decodePacket(raw);
    if (!decoded.ok) {
      metrics.drop(decoded.reason as DropReason);
      return close('closed_malformed');
    }
    const p = decoded.packet;
    switch (p.code) {
      case Code.StatusServer:
        if (!verifyRequestMessageAuthenticator(p, nas.secret)) return metrics.drop('bad_message_authenticator');
        send(statusWriter.reset(Code.AccessAccept, p.identifier).messageAuthenticator().toResponse(p.authenticator, nas.secret));
        return metrics.request('status', 'ok', (performance.now() - started) / 1000);
      case Code.AccessRequest:
        return dispatch('access', p, nas, started);
      case Code.AccountingRequest:
        // Before the duplicate cache, as on UDP: a forged copy must not poison a genuine entry.
        if (!verifySignedRequest(p, nas.secret)) return metrics.drop('bad_authenticator');
        return dispatch('accounting', p, nas, started);
      default:
        return metrics.drop('unexpected_code');
    }
  }

  socket.on('data', (chunk: Buffer) => {
    const framed = framer.push(chunk);
    for (const raw of framed.packets) {
      if (socket.destroyed) return;
      onPacket(raw);
    }
    if (framed.error) {
      metrics.drop('bad_length');
      close('closed_malformed');
    }
  });
}
