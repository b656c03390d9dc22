/**
 * The post-auth log, written off the hot path: rows are buffered and inserted in batches (one
 * INSERT … SELECT FROM unnest per batch). If the database cannot keep up, the buffer is bounded
 * and the oldest rows are dropped and counted: answering the NAS matters more than the log.
 * Never the password (DESIGN.md; FreeRADIUS's default radpostauth query stores it).
 */
import type { Knex } from '../../lib/db.js';
import { pgText } from '../../lib/pg-text.js';
import type { Logger } from '../../lib/logger.js';
import type { RadiusMetrics } from '../metrics.js';

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

export function createPostAuthLog(opts: {
  db: Knex;
  log: Logger;
  metrics: RadiusMetrics;
  /** all: every decision; reject: rejects and walled garden only; none: nothing. */
  mode: 'all' | 'reject' | 'none';
  flushMs?: number;
  maxBatch?: number;
  maxBuffered?: number;
}): PostAuthLog {
  const { db, log, metrics, mode, flushMs = 250, maxBatch = 5000, maxBuffered = 100_000 } = opts;
  let buffer: PostAuthRow[] = [];
  let writing: Promise<void> = Promise.resolve();

  async function write(rows: PostAuthRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += maxBatch) {
      const b = rows.slice(i, i + maxBatch);
      const json = b.map((r) => ({
        created_at: r.at.toISOString(), username: pgText(r.username), subscription_id: r.subscriptionId, nas_id: r.nasId,
        nas_ip_address: r.nasIpAddress, calling_station_id: pgText(r.callingStationId), auth_type: r.authType,
        result: r.result, reason: r.reason,
      }));
      await db.raw(
        `INSERT INTO post_auth_log (created_at, username, subscription_id, nas_id, nas_ip_address, calling_station_id, auth_type, result, reason)
         SELECT * FROM json_to_recordset(?::json) AS t(created_at timestamptz, username text, subscription_id bigint, nas_id bigint,
           nas_ip_address inet, calling_station_id text, auth_type text, result text, reason text)`,
        [JSON.stringify(json)],
      );
    }
  }

  function flush(): Promise<void> {
    if (!buffer.length) return writing;
    const rows = buffer;
    buffer = [];
    writing = writing.then(() => write(rows)).catch((err: unknown) => {
      metrics.postAuthDropped(rows.length);
      log.error({ err: (err as Error).message, rows: rows.length }, 'post-auth log write failed; rows dropped');
    });
    return writing;
  }

  const timer = setInterval(() => void flush(), flushMs);
  timer.unref();

  return {
    add(row) {
      if (mode === 'none' || (mode === 'reject' && row.result === 'accept')) return;
      if (buffer.length >= maxBuffered) {
        buffer.shift();
        metrics.postAuthDropped(1);
      }
      buffer.push(row);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
