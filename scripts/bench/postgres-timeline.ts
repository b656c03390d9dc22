/**
 * What PostgreSQL was doing during a load run, sampled once a second, to lay beside the load
 * generator's per-second worst latency (load-generator.ts `worstPerSecond`): which tables
 * autovacuum was working on, what active client backends were waiting for (pg_stat_activity
 * wait_event_type:wait_event: a lock, a relation extension, WAL, I/O), the checkpointer's buffers
 * written (pg_stat_checkpointer, PostgreSQL 17+), rows inserted into usage_daily (the first
 * Interim-Update of a day per subscriber inserts one) and the ANALYZE the accounting writer runs
 * (aaa/accounting/open-partition-stats.ts). Used by the million scenario (scenario-million.ts).
 */
import type { Knex } from '../../lib/db.js';

interface Sample {
  /** Seconds since the sampler started. */
  second: number;
  autovacuum: string[];
  analyze: boolean;
  /** wait_event_type:wait_event of each active client backend that was waiting. */
  waits: string[];
  checkpointBuffers: number;
  usageInserts: number;
}

const SAMPLE = `
SELECT ARRAY(SELECT regexp_replace(query, '^autovacuum: ', '') FROM pg_stat_activity WHERE backend_type = 'autovacuum worker') AS autovacuum,
       EXISTS (SELECT 1 FROM pg_stat_activity WHERE backend_type = 'client backend' AND state = 'active' AND query ILIKE 'ANALYZE%') AS analyze,
       ARRAY(SELECT wait_event_type || ':' || wait_event FROM pg_stat_activity
              WHERE backend_type = 'client backend' AND state = 'active' AND wait_event IS NOT NULL AND pid <> pg_backend_pid()) AS waits,
       (SELECT buffers_written FROM pg_stat_checkpointer)::bigint AS checkpoint_buffers,
       (SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'usage_daily')::bigint AS usage_inserts`;

export interface PostgresTimeline {
  /** Stops sampling; resolves with the samples taken. */
  stop(): Promise<Sample[]>;
}

/** Samples `db` every second until stopped; a failed sample is skipped (the run goes on). */
export function samplePostgres(db: Knex): PostgresTimeline {
  const samples: Sample[] = [];
  const t0 = Date.now();
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = (async () => {
      try {
        const { rows: [r] } = await db.raw(SAMPLE);
        samples.push({
          second: Math.floor((Date.now() - t0) / 1000), autovacuum: r.autovacuum, analyze: r.analyze, waits: r.waits,
          checkpointBuffers: Number(r.checkpoint_buffers), usageInserts: Number(r.usage_inserts),
        });
      } catch { /* a missed sample */ }
    })();
  }, 1000);
  return {
    async stop() {
      clearInterval(timer);
      await running;
      return samples;
    },
  };
}

/**
 * One line per `windowS` seconds in which the slowest acknowledgement passed `thresholdMs`
 * (and a count of the quiet windows), with what PostgreSQL did meanwhile.
 * @param worstPerSecond the slowest reply (ms) per second of sending, from the load generator
 */
export function timelineLines(worstPerSecond: number[], slowPerSecond: number[], samples: Sample[], windowS = 10, thresholdMs = 50): string[] {
  const lines: string[] = [];
  let quiet = 0;
  for (let from = 0; from < worstPerSecond.length; from += windowS) {
    const to = Math.min(worstPerSecond.length, from + windowS);
    const worst = Math.max(...worstPerSecond.slice(from, to));
    if (worst <= thresholdMs) { quiet++; continue; }
    const inWindow = samples.filter((s) => s.second >= from && s.second < to);
    const before = samples.filter((s) => s.second < from).at(-1) ?? inWindow[0];
    const last = inWindow.at(-1);
    const vacuumed = [...new Set(inWindow.flatMap((s) => s.autovacuum))];
    const parts = [
      `  ${String(from).padStart(4)}–${String(to).padEnd(4)} s  worst ${worst.toFixed(0).padStart(5)} ms  over 5 ms: ${slowPerSecond.slice(from, to).reduce((a, b) => a + (b ?? 0), 0)}`,
    ];
    if (before && last) {
      parts.push(`usage_daily inserts ${last.usageInserts - before.usageInserts}`, `checkpoint buffers ${last.checkpointBuffers - before.checkpointBuffers}`);
    }
    const waits = new Map<string, number>();
    for (const w of inWindow.flatMap((s) => s.waits)) waits.set(w, (waits.get(w) ?? 0) + 1);
    if (waits.size) parts.push(`waits sampled: ${[...waits].map(([w, n]) => `${w} ×${n}`).join(', ')}`);
    if (inWindow.some((s) => s.analyze)) parts.push('writer ANALYZE');
    if (vacuumed.length) parts.push(`autovacuum: ${vacuumed.join('; ')}`);
    lines.push(parts.join('  '));
  }
  lines.push(`  (${quiet} windows of ${windowS} s with every acknowledgement within ${thresholdMs} ms)`);
  return lines;
}
