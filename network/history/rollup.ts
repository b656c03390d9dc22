/**
 * Rollups of the samples (issue 12, "history that stays small"): raw → 5-minute buckets
 * (device_samples_5m) → hourly buckets (device_samples_1h), each with min, mean, max and the number
 * of raw samples behind it. A run recomputes every bucket of a recent window from its source and
 * overwrites the stored row (INSERT … SELECT … ON CONFLICT DO UPDATE): re-running it over the same
 * buckets changes nothing, and late samples are picked up by the next run. Buckets are aligned on
 * the UTC epoch (5 min, 1 h), i.e. on the ISP's local hours too for whole-hour time zones.
 */
import type { Knex } from '../../lib/db.js';

export interface RollupWindow {
  /** How far back from `now` the 5-minute buckets are recomputed, ms (default 1 h). */
  fiveMinuteLookbackMs?: number;
  /** How far back the hourly buckets are recomputed, ms (default 3 h). */
  hourLookbackMs?: number;
}

const FIVE_MIN = 300_000;
const HOUR = 3_600_000;

const floorTo = (t: number, step: number): Date => new Date(Math.floor(t / step) * step);

/** Recomputes the 5-minute buckets starting in [from, to) from device_samples. Returns the rows written. */
export async function rollupFiveMinutes(db: Knex, from: Date, to: Date): Promise<number> {
  const res = await db.raw(
    `INSERT INTO device_samples_5m (device_id, interface_id, metric, bucket, min, avg, max, samples)
     SELECT device_id, interface_id, metric, to_timestamp(floor(extract(epoch FROM at) / 300) * 300) AS bucket,
            min(value), avg(value), max(value), count(*)
       FROM device_samples
      WHERE at >= ? AND at < ?
      GROUP BY 1, 2, 3, 4
     ON CONFLICT (device_id, interface_id, metric, bucket)
     DO UPDATE SET min = EXCLUDED.min, avg = EXCLUDED.avg, max = EXCLUDED.max, samples = EXCLUDED.samples`,
    [from, to],
  );
  return res.rowCount ?? 0;
}

/** Recomputes the hourly buckets starting in [from, to) from device_samples_5m (mean weighted by samples). */
export async function rollupHours(db: Knex, from: Date, to: Date): Promise<number> {
  const res = await db.raw(
    `INSERT INTO device_samples_1h (device_id, interface_id, metric, bucket, min, avg, max, samples)
     SELECT device_id, interface_id, metric, date_trunc('hour', bucket, 'UTC') AS hour,
            min(min), sum(avg * samples) / sum(samples), max(max), sum(samples)
       FROM device_samples_5m
      WHERE bucket >= ? AND bucket < ?
      GROUP BY 1, 2, 3, 4
     ON CONFLICT (device_id, interface_id, metric, bucket)
     DO UPDATE SET min = EXCLUDED.min, avg = EXCLUDED.avg, max = EXCLUDED.max, samples = EXCLUDED.samples`,
    [from, to],
  );
  return res.rowCount ?? 0;
}

/**
 * The scheduled rollup (every 5 minutes): the 5-minute buckets of the last hour, then the hours of
 * the last three, including the bucket still filling (it is overwritten by the next run).
 */
export async function rollupSamples(db: Knex, now: Date, window: RollupWindow = {}): Promise<{ fiveMinute: number; hourly: number }> {
  const t = now.getTime();
  const fiveMinute = await rollupFiveMinutes(db, floorTo(t - (window.fiveMinuteLookbackMs ?? HOUR), FIVE_MIN), new Date(t + FIVE_MIN));
  const hourly = await rollupHours(db, floorTo(t - (window.hourLookbackMs ?? 3 * HOUR), HOUR), new Date(t + HOUR));
  return { fiveMinute, hourly };
}
