/**
 * The post-auth log, written off the hot path: rows are buffered and inserted in batches (one
 * COPY per batch, lib/pg-copy.ts). If the database cannot keep up, the buffer is bounded
 * and the oldest rows are dropped and counted: answering the NAS matters more than the log.
 * Never the password (ARCHITECTURE.md "Access-Request flow"; FreeRADIUS's default radpostauth query stores it).
 */
import type { Knex } from '../../lib/db.js';
import { copyInto, copyLine } from '../../lib/pg-copy.js';
import type { Logger } from '../../lib/logger.js';
import type { RadiusMetrics } from '../metrics/radius-metrics.js';

export interface PostAuthRow {
  at: Date;
  username: string;
  subscriptionId: number | null;
  nasId: number;
  nasIpAddress: string;
  callingStationId: string | null;
  authType: 'pap' | 'chap' | 'mschap' | 'mschapv2' | 'none';
  result: 'accept' | 'walled_garden' | 'reject';
  reason: string;
}

export interface PostAuthLog {
  add(row: PostAuthRow): void;
  /** Writes what is buffered now. */
  flush(): Promise<void>;
  /** Flushes and stops the timer. */
  close(): Promise<void>;
}

const COLUMNS = [
  'created_at', 'username', 'subscription_id', 'nas_id', 'nas_ip_address', 'calling_station_id', 'auth_type', 'result', 'reason',
] as const;

export function createPostAuthLog(opts: {
  db: Knex;
  log: Logger;
  metrics: RadiusMetrics;
  /** all: every decision; reject: rejects and walled garden only; none: nothing. */
  mode: 'all' | 'reject' | 'none';
  flushMs?: number;
  /** Octets of COPY data per batch. */
  chunkSize?: number;
  /** Rows waiting for the database at most; beyond, new rows are dropped and counted. */
  maxBuffered?: number;
}): PostAuthLog {
  const { db, log, metrics, mode, flushMs = 50, chunkSize = 256 * 1024, maxBuffered = 100_000 } = opts;
  // Rows go straight into reusable off-heap chunks as COPY text: nothing per row outlives the
  // request on the JavaScript heap (rows kept for a flush interval made every young-generation
  // GC copy them, and those pauses were the RADIUS p99 at thousands of logins a second).
  const spare: Buffer[] = [];
  const take = (): { buf: Buffer; used: number; rows: number } => ({ buf: spare.pop() ?? Buffer.allocUnsafe(chunkSize), used: 0, rows: 0 });
  let current = take();
  let waiting = 0;
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (!current.rows) return writing;
    const chunk = current;
    current = take();
    writing = writing
      .then(() => copyInto(db, 'post_auth_log', COLUMNS, chunk.buf.subarray(0, chunk.used)))
      .catch((err: unknown) => {
        metrics.postAuthDropped(chunk.rows);
        log.error({ err: (err as Error).message, rows: chunk.rows }, 'post-auth log write failed; rows dropped');
      })
      .finally(() => {
        waiting -= chunk.rows;
        if (spare.length < 4) spare.push(chunk.buf);
      });
    return writing;
  }

  const timer = setInterval(() => void flush(), flushMs);
  timer.unref();

  return {
    add(r) {
      if (mode === 'none' || (mode === 'reject' && r.result === 'accept')) return;
      if (waiting >= maxBuffered) {
        metrics.postAuthDropped(1);
        return;
      }
      const line = copyLine([r.at.toISOString(), r.username, r.subscriptionId, r.nasId, r.nasIpAddress, r.callingStationId, r.authType, r.result, r.reason]);
      // UTF-8 needs at most 3 octets per UTF-16 unit.
      if (chunkSize - current.used < line.length * 3) {
        void flush();
        if (line.length * 3 > chunkSize) return; // cannot happen with RADIUS-sized values
      }
      current.used += current.buf.write(line, current.used, 'utf8');
      current.rows++;
      waiting++;
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
