/**
 * Prometheus metrics of the radius role (prom-client), on the process registry that /metrics
 * serves: requests by type and result, latency histograms, drops by reason, duplicates,
 * accounting batch sizes, records in flight, dead letters and ignored values, post-auth log
 * losses, replica sizes.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AccessReplica } from '../replica/access-replica.js';

export type DropReason =
  | 'unknown_nas' | 'too_short' | 'too_long' | 'bad_length' | 'malformed_attribute' | 'bad_message_authenticator'
  | 'missing_message_authenticator' | 'proxy_state_without_message_authenticator' | 'bad_authenticator'
  | 'unexpected_code' | 'duplicate_in_progress' | 'internal_error' | 'overloaded' | 'bad_accounting'
  /** RADIUS_ACCT_MAX_IN_FLIGHT accounting records were queued or committing. */
  | 'accounting_queue_full';

export interface RadiusMetrics {
  request(type: 'access' | 'accounting' | 'status', result: string, seconds: number): void;
  drop(reason: DropReason): void;
  duplicate(): void;
  accountingBatch(size: number): void;
  /** Accounting records queued or committing now. */
  accountingInFlight(n: number): void;
  /** One accounting record kept in accounting_dead_letters, by reason. */
  accountingDeadLetter(reason: string): void;
  /** One value of an Accounting-Request left out of its record, by reason. */
  accountingValueIgnored(reason: string): void;
  postAuthDropped(n: number): void;
}

export function createRadiusMetrics(registry: Registry, replica?: AccessReplica): RadiusMetrics {
  const requests = new Counter({
    name: 'radius_requests_total',
    help: 'RADIUS requests answered, by type and result',
    labelNames: ['type', 'result'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'radius_request_duration_seconds',
    help: 'Time from receiving a request to sending its reply',
    labelNames: ['type'] as const,
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.3, 1],
    registers: [registry],
  });
  const drops = new Counter({
    name: 'radius_dropped_total',
    help: 'RADIUS packets dropped without a reply, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'radius_duplicates_total',
    help: 'Retransmissions answered from the duplicate cache',
    registers: [registry],
  });
  const batch = new Histogram({
    name: 'radius_accounting_batch_size',
    help: 'Accounting-Requests committed per transaction',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'radius_accounting_in_flight',
    help: 'Accounting records queued or committing (at most RADIUS_ACCT_MAX_IN_FLIGHT)',
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'radius_accounting_dead_letters_total',
    help: 'Accounting records that could never be stored as sent, kept in accounting_dead_letters and acknowledged, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const ignoredValues = new Counter({
    name: 'radius_accounting_ignored_values_total',
    help: 'Values of Accounting-Requests left out of the record (e.g. an absurd Acct-Session-Time), by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const postAuthDropped = new Counter({
    name: 'radius_post_auth_log_dropped_total',
    help: 'Post-auth log rows lost because the database could not keep up',
    registers: [registry],
  });
  if (replica) {
    new Gauge({
      // Named before the replica was called one; kept for the operators' dashboards.
      name: 'radius_index_entries',
      help: 'Entries in the in-memory AAA replica',
      labelNames: ['kind'] as const,
      registers: [registry],
      collect() {
        for (const [kind, n] of Object.entries(replica.sizes)) this.set({ kind }, n);
      },
    });
  }
  // Label children are cached: the hot path must not hash label sets per packet.
  const requestChildren = new Map<string, Counter.Internal>();
  const latencyChildren = new Map<string, Histogram.Internal<'type'>>();
  return {
    request(type, result, seconds) {
      const k = `${type}\0${result}`;
      let c = requestChildren.get(k);
      if (!c) requestChildren.set(k, (c = requests.labels(type, result)));
      c.inc();
      let h = latencyChildren.get(type);
      if (!h) latencyChildren.set(type, (h = latency.labels(type)));
      h.observe(seconds);
    },
    drop: (reason) => drops.labels(reason).inc(),
    duplicate: () => duplicates.inc(),
    accountingBatch: (size) => batch.observe(size),
    accountingInFlight: (n) => inFlight.set(n),
    accountingDeadLetter: (reason) => deadLetters.labels(reason).inc(),
    accountingValueIgnored: (reason) => ignoredValues.labels(reason).inc(),
    postAuthDropped: (n) => postAuthDropped.inc(n),
  };
}
