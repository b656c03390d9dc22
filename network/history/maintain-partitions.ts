/**
 * Partitions and retention of the sample tables (issue 12, "history that stays small"): raw
 * samples by day, kept 2 days; 5-minute rollups by month, kept 30 days; hourly rollups by month,
 * kept a year. Retention drops whole partitions (lib/partitions.ts). Run daily and at start.
 */
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import { maintainPartitions, type PartitionPolicy, type PartitionRun } from '../../lib/partitions.js';

export const SAMPLE_PARTITIONS: readonly PartitionPolicy[] = [
  { table: 'device_samples', column: 'at', interval: 'day', ahead: 2, keepDays: 2 },
  { table: 'device_samples_5m', column: 'bucket', interval: 'month', ahead: 1, keepDays: 30 },
  { table: 'device_samples_1h', column: 'bucket', interval: 'month', ahead: 1, keepDays: 365 },
];

export async function maintainSamplePartitions(db: Knex, now: Date, log?: Logger): Promise<Record<string, PartitionRun>> {
  const out: Record<string, PartitionRun> = {};
  for (const policy of SAMPLE_PARTITIONS) out[policy.table] = await maintainPartitions(db, policy, now, log);
  return out;
}
