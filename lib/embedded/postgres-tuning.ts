/**
 * Settings of the embedded PostgreSQL (lib/embedded/postgres.ts) for this machine, instead of
 * PostgreSQL's defaults, which are sized for a small shared server (PostgreSQL documentation,
 * "Resource Consumption" and "Write Ahead Log"):
 * - `shared_buffers`: a quarter of the memory, between 128 MB (the default) and 4 GB. With a
 *   million sessions open, the open partition and its indexes are about 2 GB; at the default
 *   every Interim-Update read its row's pages back from the kernel's cache and wrote them out
 *   again.
 * - `max_wal_size` 4 GB (default 1 GB) and `checkpoint_timeout` 15 min (default 5): every page
 *   changed for the first time after a checkpoint is written whole into the WAL (full-page
 *   writes), so with the default a million sessions' Interim-Updates filled 1 GB of WAL in
 *   about two minutes, forced a checkpoint, and started over.
 * An external PostgreSQL (DATABASE_URL) is its administrator's to tune: SCALING.md.
 */
import os from 'node:os';

const MB = 1024 * 1024;

/**
 * `-c name=value` flags for `postgres`.
 * @param totalMemory bytes of memory of this machine (default os.totalmem())
 */
export function postgresTuningFlags(totalMemory = os.totalmem()): string[] {
  const sharedBuffersMb = Math.max(128, Math.min(4096, Math.floor(totalMemory / 4 / MB)));
  return [
    '-c', `shared_buffers=${sharedBuffersMb}MB`,
    '-c', 'max_wal_size=4GB',
    '-c', 'checkpoint_timeout=15min',
  ];
}
