/**
 * Starts RadSec in a radius process (server/radius-role.ts, when RADSEC_ENABLED): the internal CA
 * (created on first use, radsec-ca.ts), a fresh server certificate from it with the names of
 * RADSEC_SERVER_NAMES, and the listener wired to the same Access-Request and Accounting-Request
 * handlers as the UDP sockets. Clients are identified through `radsec_client_certificates`
 * (client-certificates.ts).
 */
import type { Clock } from '../../lib/clock.js';
import type { Config } from '../../lib/config.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { Registry } from 'prom-client';
import type { RadiusMetrics } from '../metrics/radius-metrics.js';
import type { RadiusServerDeps } from '../pipeline/radius-server.js';
import type { AccessReplica } from '../replica/access-replica.js';
import { nasIdForFingerprint, noLongerAccepted } from './client-certificates.js';
import { issueServerCertificate, loadOrCreateCa, serverNames } from './radsec-ca.js';
import { createRadsecListener, type RadsecListener } from './radsec-listener.js';
import { createRadsecMetrics } from './radsec-metrics.js';

export interface RadsecStartDeps {
  db: Knex;
  secrets: SecretBox;
  clock: Clock;
  log: Logger;
  registry: Registry;
  config: Pick<Config, 'RADSEC_HOST' | 'RADSEC_PORT' | 'RADSEC_SERVER_NAMES' | 'RADSEC_IDLE_TIMEOUT' | 'RADSEC_MAX_CONNECTIONS'>;
  replica: AccessReplica;
  metrics: RadiusMetrics;
  handleAccess: RadiusServerDeps['handleAccess'];
  handleAccounting: RadiusServerDeps['handleAccounting'];
}

export interface RunningRadsec extends RadsecListener {
  port: number;
}

/** @param opts.port overrides RADSEC_PORT (0 in tests); `recheckMs` how often open connections are rechecked. */
export async function startRadsec(deps: RadsecStartDeps, opts: { host?: string; port?: number; recheckMs?: number } = {}): Promise<RunningRadsec> {
  const { db, secrets, clock, config } = deps;
  const log = deps.log.child({ transport: 'radsec' });
  const ca = await loadOrCreateCa(db, secrets, clock.now());
  const server = await issueServerCertificate(ca, serverNames(config.RADSEC_SERVER_NAMES), clock.now());
  const listener = createRadsecListener({
    replica: deps.replica,
    log,
    metrics: deps.metrics,
    radsecMetrics: createRadsecMetrics(deps.registry),
    handleAccess: deps.handleAccess,
    handleAccounting: deps.handleAccounting,
    identify: (fingerprint) => nasIdForFingerprint(db, fingerprint, clock.now()),
    recheck: (fingerprints) => noLongerAccepted(db, fingerprints, clock.now()),
    tls: { caPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem },
    host: opts.host ?? config.RADSEC_HOST,
    port: opts.port ?? config.RADSEC_PORT,
    idleTimeoutMs: config.RADSEC_IDLE_TIMEOUT * 1000,
    maxConnections: config.RADSEC_MAX_CONNECTIONS,
    recheckMs: opts.recheckMs,
  });
  const { port } = await listener.start();
  return { ...listener, port };
}
