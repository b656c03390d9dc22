/**
 * Prometheus metrics of the RadSec listener, beside the radius role's (aaa/metrics/radius-metrics.ts,
 * which counts RadSec's requests, latencies and drops with the UDP ones): open connections, and
 * connection events by kind.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export type ConnectionEvent =
  /** Handshake done, certificate of an active NAS. */
  | 'accepted'
  /** The TLS handshake failed: no certificate, one not from our CA, TLS below 1.2, or a timeout. */
  | 'tls_refused'
  /** A certificate from our CA that is revoked, expired, or of an inactive NAS. */
  | 'unknown_certificate'
  /** RADSEC_MAX_CONNECTIONS were open. */
  | 'over_capacity'
  /** Closed: a packet that did not frame or decode (RFC 6614 §2.5). */
  | 'closed_malformed'
  /** Closed: no packet for RADSEC_IDLE_TIMEOUT. */
  | 'closed_idle'
  /** Closed: the certificate was revoked (or the NAS deactivated) while connected. */
  | 'closed_revoked';

export interface RadsecMetrics {
  connection(event: ConnectionEvent): void;
  open(n: number): void;
}

export function createRadsecMetrics(registry: Registry): RadsecMetrics {
  const events = new Counter({
    name: 'radius_radsec_connection_events_total',
    help: 'RadSec (RADIUS over TLS) connections accepted, refused and closed, by event',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const open = new Gauge({ name: 'radius_radsec_connections', help: 'Open RadSec connections', registers: [registry] });
  return {
    connection: (event) => events.labels(event).inc(),
    open: (n) => open.set(n),
  };
}
