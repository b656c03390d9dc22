/**
 * The `network` queue's jobs (ARCHITECTURE.md, "Roles": the worker role consumes them): a table
 * from job name to its handler and, optionally, its schedule. server/network-jobs.ts registers
 * one BullMQ worker that dispatches by name through this table and one job scheduler per entry
 * with `every` or `pattern`. Each part of network operations adds its own entries here (ping,
 * SNMP, alerts, reconciliation…).
 *
 * A handler gets the process's Container and the job's data (a plain JSON object) and returns
 * what BullMQ keeps as the job's result (small: counts, not rows). A thrown error fails the job
 * and BullMQ retries it with backoff (lib/queue.ts DEFAULT_JOB_OPTIONS).
 */
import type { Container } from '../lib/container.js';
import { runAlertRulesJob } from './alerts/alert-rules-job.js';
import { maintainSamplePartitions } from './history/maintain-partitions.js';
import { rollupSamples } from './history/rollup.js';
import { runPingRound } from './ping/ping-round.js';
import { reconcileSessions } from './reconcile/reconcile-sessions.js';
import { runSnmpPoll } from './snmp/poll-round.js';
import { pushPppoeCredentials, PUSH_PPPOE_JOB } from './genieacs/push-pppoe.js';
import { syncCpes } from './genieacs/sync-cpes.js';

export interface NetworkJob {
  /** Does the job; `data` is the job's payload (`{}` for scheduled runs). */
  run(c: Container, data: Record<string, unknown>): Promise<unknown>;
  /** Repeats every this many milliseconds (BullMQ job scheduler `every`). */
  every?: number;
  /** Or a cron pattern, in the ISP time zone (config ISP_TIME_ZONE). */
  pattern?: string;
  /** Also queued once when the worker role starts (deduplicated across restarts within a run). */
  onStart?: boolean;
}

/** Job names (the BullMQ job name and the key of NETWORK_JOBS). */
export const NETWORK_JOB_NAMES = {
  pingRound: 'ping-round',
  samplesRollup: 'samples-rollup',
  partitionsMaintain: 'partitions-maintain',
  reconcileSessions: 'reconcile-sessions',
  snmpPoll: 'snmp-poll',
  alertRules: 'alert-rules',
  genieacsSync: 'genieacs-sync',
  genieacsPushPppoe: PUSH_PPPOE_JOB,
} as const;

export const NETWORK_JOBS: Record<string, NetworkJob> = {
  /** ICMP probe of every device with probe_ping and an address (network/ping/ping-round.ts). */
  [NETWORK_JOB_NAMES.pingRound]: { every: 60_000, run: (c) => runPingRound(c) },
  /** raw → 5 min → 1 h rollups of the recent buckets (network/history/rollup.ts). */
  [NETWORK_JOB_NAMES.samplesRollup]: { every: 5 * 60_000, run: (c) => rollupSamples(c.db, c.clock.now()) },
  /** Partitions ahead and retention by dropping partitions (network/history/maintain-partitions.ts). */
  [NETWORK_JOB_NAMES.partitionsMaintain]: {
    pattern: '10 0 * * *',
    onStart: true,
    run: (c) => maintainSamplePartitions(c.db, c.clock.now(), c.log),
  },
  /** Routers' active sessions against ours: lost Starts/Stops, CoAs that did not take (network/reconcile/). */
  [NETWORK_JOB_NAMES.reconcileSessions]: { every: 5 * 60_000, run: (c) => reconcileSessions(c) },
  /** SNMP system, CPU/memory and IF-MIB counters of every device with probe_snmp (network/snmp/poll-round.ts). */
  [NETWORK_JOB_NAMES.snmpPoll]: { every: 60_000, run: (c) => runSnmpPoll(c) },
  /** Threshold rules (CPU, utilisation, NAS silent) and the outage round: open, notify, credit (network/alerts/). */
  [NETWORK_JOB_NAMES.alertRules]: { every: 60_000, run: (c) => runAlertRulesJob(c) },
  /** GenieACS: cache every CPE's state, link CPEs by serial / PPPoE username (network/genieacs/sync-cpes.ts). */
  [NETWORK_JOB_NAMES.genieacsSync]: { every: 5 * 60_000, run: (c) => syncCpes(c) },
  /** GenieACS: a subscription's PPPoE credentials to its CPE, queued by the console (network/genieacs/push-pppoe.ts). */
  [NETWORK_JOB_NAMES.genieacsPushPppoe]: { run: (c, data) => pushPppoeCredentials(c, Number(data.subscriptionId)) },
};
