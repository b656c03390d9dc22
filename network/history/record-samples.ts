/**
 * Writes raw measurements into device_samples (partitioned by day on `at`; a row for a day without
 * a partition lands in the DEFAULT partition and is moved when the partition is created, see
 * lib/partitions.ts). Metric names and units: migrations/20261207000800_network_devices.ts
 * (rtt_ms, loss_pct, up 1/0, uptime_s, cpu_pct, mem_pct, if_in_bps, if_out_bps, optical_*_dbm).
 */
import type { Knex } from '../../lib/db.js';

export interface Sample {
  deviceId: number;
  /** device_interfaces.id; omitted (0) for the device itself. */
  interfaceId?: number;
  metric: string;
  at: Date;
  value: number;
}

/** Rows per INSERT: 5 parameters each stays under PostgreSQL's 65,535 bind parameters. */
const CHUNK = 10_000;

/**
 * Inserts `samples` in one multi-row INSERT (one per 10,000 rows). Values that are not finite
 * numbers (NaN, ±Infinity) are skipped: a sample column is double precision NOT NULL and a graph
 * has nothing to draw for them. Returns the rows written.
 */
export async function recordSamples(db: Knex, samples: readonly Sample[]): Promise<number> {
  const rows = samples
    .filter((s) => Number.isFinite(s.value))
    .map((s) => ({ device_id: s.deviceId, interface_id: s.interfaceId ?? 0, metric: s.metric, at: s.at, value: s.value }));
  for (let i = 0; i < rows.length; i += CHUNK) await db('device_samples').insert(rows.slice(i, i + CHUNK));
  return rows.length;
}
