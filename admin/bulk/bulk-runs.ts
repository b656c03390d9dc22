/**
 * Running a confirmed bulk action row by row, and what the result page reads back.
 *
 * Each row is one call of the single-row use case (its own transaction and audit row, its own
 * effects: a nas-control job, an outbox nudge), so a failure stops nothing but that row and a
 * restart mid-run leaves every finished row finished and audited. Up to SYNC_MAX rows run inside
 * the request (the result page opens complete); a larger selection runs in this web process in
 * the background, in order, and the result page polls its progress (htmx, every 2 s).
 * Progress and per-row outcomes live in Redis for a day: `<prefix>:bulk-run:<id>` (a hash:
 * staffId, kind, total, done, failed, skipped, finished) and `…:rows` (a list of JSON rows).
 * Not a BullMQ job: the worker role may not import the console (ARCHITECTURE.md, Dependency
 * rules), and a run needs the console's engine and actor; a web-role consumer would be a second
 * queue wiring for the same result.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../lib/logger.js';
import type { Redis } from '../../lib/redis.js';

/** Selections up to this many rows run inside the request. */
export const SYNC_MAX = 50;
const KEEP_SECONDS = 24 * 3600;

export type RowOutcome = 'done' | 'skipped' | 'failed';

export interface RunRow {
  id: number;
  label: string;
  outcome: RowOutcome;
  /** An i18n key under `bulk.outcome.` (e.g. `not_allowed`, `stale`), or '' */
  code: string;
  /** Free text shown after it (the channels a reminder went to), or ''. */
  detail: string;
}

export interface RunState {
  id: string;
  staffId: number;
  kind: string;
  total: number;
  done: number;
  skipped: number;
  failed: number;
  finished: boolean;
  rows: RunRow[];
}

export interface BulkItem {
  id: number;
  label: string;
}

/** What one row's action came to. @throws nothing: a thrown error is the row's `failed` outcome. */
export type PerformRow = (id: number) => Promise<{ outcome: RowOutcome; code?: string; detail?: string }>;

const key = (prefix: string, id: string): string => `${prefix}:bulk-run:${id}`;

/**
 * Starts a run of `perform` over `items`; resolves with its id once it finished (SYNC_MAX rows
 * or fewer) or once it started (more).
 */
export async function startRun(deps: { redis: Redis; prefix: string; log: Logger }, opts: { staffId: number; kind: string; items: BulkItem[]; perform: PerformRow }): Promise<string> {
  const id = randomBytes(12).toString('hex');
  const k = key(deps.prefix, id);
  await deps.redis.multi()
    .hset(k, { staffId: opts.staffId, kind: opts.kind, total: opts.items.length, done: 0, skipped: 0, failed: 0, finished: 0 })
    .expire(k, KEEP_SECONDS)
    .exec();
  const work = (async () => {
    for (const item of opts.items) {
      let row: RunRow;
      try {
        const r = await opts.perform(item.id);
        row = { id: item.id, label: item.label, outcome: r.outcome, code: r.code ?? '', detail: r.detail ?? '' };
      } catch (err) {
        deps.log.warn({ bulk: opts.kind, rowId: item.id, error: (err as Error).message }, 'bulk action row failed');
        row = { id: item.id, label: item.label, outcome: 'failed', code: 'error', detail: '' };
      }
      await deps.redis.multi().rpush(`${k}:rows`, JSON.stringify(row)).expire(`${k}:rows`, KEEP_SECONDS).hincrby(k, row.outcome, 1).exec();
    }
    await deps.redis.hset(k, 'finished', 1);
  })();
  if (opts.items.length <= SYNC_MAX) await work;
  else work.catch((err: unknown) => deps.log.error({ bulk: opts.kind, error: (err as Error).message }, 'bulk run stopped'));
  return id;
}

/** The run as it stands, or null when unknown, expired or another staff member's. */
export async function readRun(redis: Redis, prefix: string, id: string, staffId: number): Promise<RunState | null> {
  if (!/^[0-9a-f]{24}$/.test(id)) return null;
  const meta = await redis.hgetall(key(prefix, id));
  if (!meta.kind || Number(meta.staffId) !== staffId) return null;
  const rows = (await redis.lrange(`${key(prefix, id)}:rows`, 0, -1)).map((r) => JSON.parse(r) as RunRow);
  return {
    id, staffId, kind: meta.kind, total: Number(meta.total), done: Number(meta.done), skipped: Number(meta.skipped), failed: Number(meta.failed),
    finished: meta.finished === '1', rows,
  };
}
