/**
 * The RadSec listener (RFC 6614, RADIUS over TLS; ARCHITECTURE.md "RadSec"): TCP, 2083 by default
 * (§2.1), TLS 1.2 or newer (RFC 6614 §2.3 item 1 asks for 1.1 or later; 1.0 and 1.1 are deprecated
 * by RFC 8996), mutual authentication (§2.3 item 2): the client must present a certificate signed
 * by our internal CA, and the NAS is the one that certificate was issued to (§2.4: the client is
 * identified by its certificate, not by its source address, which may be NATed). Socket glue
 * only: the packets of an accepted connection are served by radsec-connection.ts.
 *
 * - a handshake that fails (no certificate, another CA, old TLS, 10 s without finishing) is
 *   counted and refused by TLS itself;
 * - a certificate from our CA that `identify` does not accept (revoked, expired, inactive NAS)
 *   is closed right after the handshake; every `recheckMs` open connections are checked again,
 *   so revoking a certificate in the console ends its connection within that time;
 * - RADSEC_MAX_CONNECTIONS at most (Node's `maxConnections`: extra sockets are closed at accept);
 *   RADSEC_IDLE_TIMEOUT without traffic closes a connection (RFC 6613 §2.6: servers close idle
 *   connections; the client reconnects when it needs to).
 */
import tls from 'node:tls';
import type { Logger } from '../../lib/logger.js';
import { RateLimitedLog, createRepeatedErrorLog } from '../../lib/rate-limited-log.js';
import type { RadiusMetrics } from '../metrics/radius-metrics.js';
import { DuplicateCache } from '../pipeline/duplicate-cache.js';
import type { RadiusServerDeps } from '../pipeline/radius-server.js';
import type { AccessReplica } from '../replica/access-replica.js';
import { serveConnection, type ConnectionContext } from './radsec-connection.js';
import type { RadsecMetrics } from './radsec-metrics.js';

export interface RadsecListenerDeps {
  replica: AccessReplica;
  log: Logger;
  metrics: RadiusMetrics;
  radsecMetrics: RadsecMetrics;
  handleAccess: RadiusServerDeps['handleAccess'];
  handleAccounting: RadiusServerDeps['handleAccounting'];
  /** The NAS id a client certificate (SHA-256 fingerprint, `AA:BB:…`) belongs to, or null when it is not accepted. */
  identify(fingerprint: string): Promise<number | null>;
  /** Of these fingerprints, those no longer accepted. */
  recheck(fingerprints: string[]): Promise<Set<string>>;
  /** PEM: our CA (the only one trusted for clients), the server certificate and its key. */
  tls: { caPem: string; certPem: string; keyPem: string };
  host: string;
  port: number;
  idleTimeoutMs: number;
  maxConnections: number;
  /** How often open connections' certificates are checked again (default 60 s). */
  recheckMs?: number;
}

export interface RadsecListener {
  /** Listens; resolves with the bound port (port 0 in tests). */
  start(): Promise<{ port: number }>;
  /** Stops accepting, waits for requests in progress, closes every connection. */
  stop(): Promise<void>;
  /** Connections open now (served, after the certificate check). */
  connections(): number;
}

export function createRadsecListener(deps: RadsecListenerDeps): RadsecListener {
  const { log, radsecMetrics } = deps;
  const open = new Map<tls.TLSSocket, string>();
  const refusedLog = new RateLimitedLog(60_000);
  const ctx: ConnectionContext = {
    replica: deps.replica,
    metrics: deps.metrics,
    radsecMetrics,
    errors: createRepeatedErrorLog(log),
    // One cache for every connection, keyed by connection: 16k slots hold 5 s at ~3,000 requests/s.
    duplicates: new DuplicateCache(5000, 1 << 14),
    handleAccess: deps.handleAccess,
    handleAccounting: deps.handleAccounting,
    inFlight: new Set(),
  };
  let nextConnectionId = 1;
  let recheckTimer: NodeJS.Timeout | null = null;
  let closing = false;

  const server = tls.createServer({
    ca: [deps.tls.caPem],
    cert: deps.tls.certPem,
    key: deps.tls.keyPem,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    handshakeTimeout: 10_000,
  });
  server.maxConnections = deps.maxConnections;

  function refused(event: 'tls_refused' | 'unknown_certificate', source: string | undefined, detail: Record<string, unknown>): void {
    radsecMetrics.connection(event);
    const key = `${event} ${source ?? '?'}`;
    if (refusedLog.shouldLog(key)) log.warn({ source, event, ...detail }, 'RadSec connection refused (logged once a minute per address)');
  }

  async function accept(socket: tls.TLSSocket): Promise<void> {
    const source = socket.remoteAddress;
    const fingerprint = socket.getPeerCertificate().fingerprint256;
    let nasId: number | null = null;
    try {
      nasId = fingerprint ? await deps.identify(fingerprint) : null;
    } catch (err) {
      ctx.errors.error('radsec identify', err, { source }, 'RadSec certificate lookup failed; connection closed');
    }
    if (closing || socket.destroyed) return void socket.destroy();
    if (nasId === null || !deps.replica.nasId(nasId)) {
      refused('unknown_certificate', source, { fingerprint });
      return void socket.destroy();
    }
    const id = nextConnectionId++;
    open.set(socket, fingerprint);
    radsecMetrics.connection('accepted');
    radsecMetrics.open(open.size);
    log.info({ source, nasId, connection: id }, 'RadSec connection accepted');
    socket.setTimeout(deps.idleTimeoutMs, () => {
      radsecMetrics.connection('closed_idle');
      socket.destroy();
    });
    socket.on('close', () => {
      open.delete(socket);
      radsecMetrics.open(open.size);
    });
    serveConnection(socket, nasId, id, ctx);
  }

  server.on('secureConnection', (socket: tls.TLSSocket) => {
    socket.on('error', () => socket.destroy()); // a reset peer: nothing to answer
    socket.pause(); // no packet before the certificate is known to belong to a NAS
    void accept(socket).then(() => socket.destroyed || socket.resume());
  });
  server.on('tlsClientError', (err, socket) => {
    refused('tls_refused', socket.remoteAddress, { reason: (err as NodeJS.ErrnoException).code ?? err.message });
  });
  server.on('drop', (data?: { remoteAddress?: string }) => {
    radsecMetrics.connection('over_capacity');
    if (refusedLog.shouldLog(`over_capacity ${data?.remoteAddress ?? '?'}`)) log.warn({ source: data?.remoteAddress, max: deps.maxConnections }, 'RadSec connection refused: RADSEC_MAX_CONNECTIONS open');
  });

  async function recheck(): Promise<void> {
    if (!open.size) return;
    const gone = await deps.recheck([...new Set(open.values())]);
    for (const [socket, fp] of open) {
      if (gone.has(fp)) {
        radsecMetrics.connection('closed_revoked');
        log.info({ source: socket.remoteAddress }, 'RadSec connection closed: its certificate is no longer accepted');
        socket.destroy();
      }
    }
  }

  return {
    start() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(deps.port, deps.host, () => {
          server.off('error', reject);
          server.on('error', (err) => log.error({ err }, 'RadSec listener error'));
          const port = (server.address() as { port: number }).port;
          recheckTimer = setInterval(() => {
            recheck().catch((err: unknown) => ctx.errors.error('radsec recheck', err, {}, 'RadSec certificate recheck failed'));
          }, deps.recheckMs ?? 60_000);
          recheckTimer.unref();
          log.info({ host: deps.host, port }, 'RadSec listening');
          resolve({ port });
        });
      });
    },
    async stop() {
      closing = true;
      if (recheckTimer) clearInterval(recheckTimer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...ctx.inFlight]);
      for (const socket of open.keys()) socket.destroy();
      await closed;
    },
    connections: () => open.size,
  };
}
