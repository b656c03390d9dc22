/**
 * The worker's `accounting-partitions` job (ARCHITECTURE.md, "Roles": the worker role runs the
 * `network` queue's table of jobs; server/network-jobs.ts adds these entries to it, since network/
 * may not import aaa/). Daily in the quiet hours of the ISP time zone and once at start: months
 * created ahead, months past ACCOUNTING_RETENTION_MONTHS archived and dropped
 * (accounting-partitions.ts). In the worker, not the radius role: archiving a month streams
 * millions of rows through gzip, and nothing may delay a RADIUS reply (issue 13, item 1).
 */
import { join } from 'node:path';
import type { Container } from '../../lib/container.js';
import { maintainAccountingPartitions } from './accounting-partitions.js';

/** ACCOUNTING_ARCHIVE_DIR, default DATA_DIR/archive/accounting. */
export function accountingArchiveDir(config: Container['config']): string {
  return config.ACCOUNTING_ARCHIVE_DIR ?? join(config.DATA_DIR, 'archive', 'accounting');
}

/** Entries shaped like network/jobs.ts `NetworkJob` (job name → handler and schedule). */
export const ACCOUNTING_JOBS: Record<string, { run(c: Container, data: Record<string, unknown>): Promise<unknown>; every?: number; pattern?: string; onStart?: boolean }> = {
  'accounting-partitions': {
    pattern: '20 3 * * *',
    onStart: true,
    run: (c) => maintainAccountingPartitions(c.db, c.clock.now(), {
      retentionMonths: c.config.ACCOUNTING_RETENTION_MONTHS,
      archiveDir: accountingArchiveDir(c.config),
      log: c.log.child({ job: 'accounting-partitions' }),
    }),
  },
};
