/**
 * Series for graphs: the table is chosen by the length of the range, so a graph never reads more
 * than a few thousand points per metric: up to 2 days from raw samples, up to 30 days from the
 * 5-minute rollups, beyond that from the hourly ones (the retention of each, see
 * ./maintain-partitions.ts).
 */
import type { Knex } from '../../lib/db.js';

export type Resolution = 'raw' | '5m' | '1h';

/** One point: `t` epoch milliseconds; `v` the value (raw) or the bucket's mean, with its min and max. */
export interface SeriesPoint {
  t: number;
  v: number;
  min?: number;
  max?: number;
}

export interface SeriesQuery {
  deviceId: number;
  /** device_interfaces.id, 0 (default) for the device itself. */
  interfaceId?: number;
  metrics: readonly string[];
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;

export function resolutionFor(from: Date, to: Date): Resolution {
  const span = to.getTime() - from.getTime();
  if (span <= 2 * DAY_MS) return 'raw';
  if (span <= 30 * DAY_MS) return '5m';
  return '1h';
}

interface Row {
  metric: string;
  t: string | number;
  v: number;
  min: number | null;
  max: number | null;
}

/** Every metric of `q` over [from, to], oldest first; a metric without samples has an empty list. */
export async function readSeries(db: Knex, q: SeriesQuery): Promise<{ resolution: Resolution; series: Record<string, SeriesPoint[]> }> {
  const resolution = resolutionFor(q.from, q.to);
  const params = [q.deviceId, q.interfaceId ?? 0, [...q.metrics], q.from, q.to];
  const sql =
    resolution === 'raw'
      ? `SELECT metric, (extract(epoch FROM at) * 1000)::float8 AS t, value AS v, NULL::float8 AS min, NULL::float8 AS max
           FROM device_samples WHERE device_id = ? AND interface_id = ? AND metric = ANY(?) AND at >= ? AND at <= ? ORDER BY at`
      : `SELECT metric, (extract(epoch FROM bucket) * 1000)::float8 AS t, avg AS v, min, max
           FROM ${resolution === '5m' ? 'device_samples_5m' : 'device_samples_1h'}
          WHERE device_id = ? AND interface_id = ? AND metric = ANY(?) AND bucket >= ? AND bucket <= ? ORDER BY bucket`;
  const { rows } = await db.raw<{ rows: Row[] }>(sql, params);
  const series: Record<string, SeriesPoint[]> = Object.fromEntries(q.metrics.map((m) => [m, []]));
  for (const r of rows) {
    const point: SeriesPoint = { t: Number(r.t), v: r.v };
    if (r.min !== null) point.min = r.min;
    if (r.max !== null) point.max = r.max;
    series[r.metric]?.push(point);
  }
  return { resolution, series };
}
