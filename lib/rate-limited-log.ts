/**
 * "Log at most once per interval per key", for anything that can repeat per packet or per
 * request: a flood of packets from one unknown address, or the same database error on every
 * request while PostgreSQL is down, must not flood the log (an 11.5 s outage used to write
 * 16.5 MB: SQL text, bound values and a stack trace on every accounting request).
 *
 * RateLimitedLog decides and counts; createRepeatedErrorLog wraps a pino logger with it: one line
 * per error kind per interval, then one "N more like this" line for the ones it held back.
 */
import type { Logger } from './logger.js';

interface Window {
  /** When the key's last line was written (ms, from `now`). */
  loggedAt: number;
  /** Calls for the key held back since then. */
  suppressed: number;
}

/** Decides per key whether to log now; memory is bounded (the map is cleared past `maxKeys`). */
export class RateLimitedLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when `key` has not been logged within the interval (and records that it is now); false counts one held back. */
  shouldLog(key: string): boolean {
    const t = this.now();
    const w = this.windows.get(key);
    if (w && t - w.loggedAt < this.intervalMs) {
      w.suppressed++;
      return false;
    }
    if (!w && this.windows.size >= this.maxKeys) this.windows.clear();
    this.windows.set(key, { loggedAt: t, suppressed: 0 });
    return true;
  }

  /**
   * How many calls for `key` were held back since its last line, and starts a new window when
   * there were any (the caller writes one summary line for them now). 0: nothing to report.
   */
  takeSuppressed(key: string): number {
    const w = this.windows.get(key);
    if (!w || w.suppressed === 0) return 0;
    const n = w.suppressed;
    this.windows.set(key, { loggedAt: this.now(), suppressed: 0 });
    return n;
  }
}

/** What an error may put in a log line: its code and the driver's message, without SQL text or bound values. */
export interface ErrorSummary {
  /** Node's errno code (ECONNREFUSED), PostgreSQL's SQLSTATE (57P01) or the error's class name. */
  code: string;
  message: string;
}

const SQL_START = /^\s*(select|insert|update|delete|with|copy|create|alter|drop|truncate|begin|commit|rollback|listen|notify|set|lock|savepoint|release)\b/i;

/**
 * The loggable part of `err`. knex prefixes the driver's message with the statement and its
 * bound values inlined ("insert into … values ('alice', …) - connect ECONNREFUSED …"); values
 * may be personal data or secrets, so only the part after the last " - " is kept.
 */
export function summarizeError(err: unknown): ErrorSummary {
  const e = err instanceof Error ? (err as Error & { code?: unknown }) : null;
  let message = e ? e.message : String(err);
  const cut = message.lastIndexOf(' - ');
  if (SQL_START.test(message)) message = cut >= 0 ? message.slice(cut + 3) : '(SQL statement failed)';
  const code = typeof e?.code === 'string' && e.code ? e.code : (e?.name ?? typeof err);
  return { code, message: message.slice(0, 300) };
}

/** The route pattern @koa/router matched (`/admin/customers/:id`), else the method and 'unmatched': a bounded key for repeated request errors. */
export function routeKind(ctx: { method: string; _matchedRoute?: unknown }): string {
  return `${ctx.method} ${typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched'}`;
}

/** The stack of an error for the first line of a kind (its message carries no bound values: lib/db.ts compileSqlOnError). */
export const stackOf = (err: unknown): string | undefined => (err instanceof Error ? err.stack : undefined);

export interface RepeatedErrorLog {
  /**
   * Logs `err` (summarised, no stack) at error level under `kind` + the error's code, at most once
   * per interval; the ones held back are counted and reported in one line when the interval ends.
   * `fields` must not carry request data that may be personal (records, SQL, bound values).
   */
  error(kind: string, err: unknown, fields: Record<string, unknown>, msg: string): void;
}

/**
 * @param intervalMs length of a window (default 10 s): one line per error kind and code per window
 * @param maxKeys bound on distinct kinds remembered
 */
export function createRepeatedErrorLog(log: Logger, opts: { intervalMs?: number; maxKeys?: number; now?: () => number } = {}): RepeatedErrorLog {
  const intervalMs = opts.intervalMs ?? 10_000;
  const limiter = new RateLimitedLog(intervalMs, opts.maxKeys ?? 1000, opts.now);
  const report = (key: string, kind: string, summary: ErrorSummary, msg: string): void => {
    setTimeout(() => {
      const n = limiter.takeSuppressed(key);
      if (n === 0) return;
      log.error({ kind, error: summary, repeated: n, intervalS: intervalMs / 1000 }, `${msg} (${n} more like this)`);
      report(key, kind, summary, msg);
    }, intervalMs).unref();
  };
  return {
    error(kind, err, fields, msg) {
      const summary = summarizeError(err);
      const key = `${kind}\0${summary.code}`;
      if (!limiter.shouldLog(key)) return;
      log.error({ ...fields, kind, error: summary }, msg);
      report(key, kind, summary, msg);
    },
  };
}
