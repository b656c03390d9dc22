/**
 * Accounting storage with group commit. `submit(record)` resolves only after the record is
 * committed, so an Accounting-Response is a promise that the record is stored (RFC 2866 §4.1);
 * requests that arrive while a commit is running share the next one.
 *
 * One statement per batch: the session upsert (Start inserts; Interim updates or inserts when
 * the Start was lost; Stop closes; accounting-statements.ts). Per-day usage (the growth of the
 * cumulative counters, never a sum of interims) is added by the database's triggers from what the
 * upsert changed (migrations/…_accounting_usage.ts), exact even when several processes store one
 * session. Counters only grow (GREATEST), so a late or reordered Interim cannot roll them back; a
 * stopped session stays stopped, except one the stale sweep closed, which a later Interim
 * reopens. Accounting-On/Off closes every open session of that NAS started before the event
 * (cause NAS-Reboot).
 *
 * Records are spread over `lanes` by session key: each lane commits serially, so two batches
 * never race on one session, and lanes commit in parallel.
 *
 * A record that can never be stored as sent does not hold up the others, nor the NAS:
 * - References are resolved in the statement itself (billing's rows through
 *   billing/access/session-references.ts): a Class naming a subscription that no longer exists
 *   (every live session after restoring an older backup) links the session to the subscription
 *   with its username, else to none, as ON DELETE SET NULL does for the sessions of a deleted
 *   subscription; a deleted voucher or NAS becomes NULL. The session and its
 *   counters are kept: dead-lettering them would lose a day's accounting of every subscriber.
 * - A batch the database refuses with a data or constraint error (SQLSTATE class 22 or 23) is
 *   split in halves until the refused record is alone (2·log2(n) statements, not n); the others
 *   commit in their halves. The refused record goes to `accounting_dead_letters` with the
 *   reason `db_<SQLSTATE>`, as do records the caller found unstorable (`deadLetter`), and is
 *   acknowledged. Any other error (connection, timeout, cancel) fails the batch: no reply, the
 *   NAS retries.
 * - A record for a session we do not hold whose time is before the newest archived month
 *   (accounting_archives; aaa/accounting/accounting-partitions.ts) is not stored as a new row:
 *   that month's history was archived and dropped, and a partial row would be garbage. It goes
 *   to the dead letters with the reason `archived_month` and is acknowledged.
 * - At most `maxInFlight` records are queued or committing (`hasRoom`); the caller drops what
 *   comes beyond (the NAS retries), so a burst cannot grow the heap or answer after the NAS
 *   gave up (RouterOS waits 300 ms).
 */
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import type { RadiusMetrics } from '../metrics/radius-metrics.js';
import { RateLimitedLog, createRepeatedErrorLog, summarizeError } from '../../lib/rate-limited-log.js';
import { isNasRecord, type AccountingRecord, type NasRecord, type SessionRecord } from './accounting-record.js';
import { CLOSE_NAS, DEAD_LETTER, UPSERT } from './accounting-statements.js';
import { createOpenPartitionStats } from './open-partition-stats.js';
import { mergeRecords, toRow } from './session-rows.js';
import { preparedQuery } from '../../lib/prepared-query.js';

/** How a record was kept: in accounting_sessions, or in accounting_dead_letters. */
export type StoreResult = 'stored' | 'dead_letter';

interface Pending {
  record: AccountingRecord;
  /** Set: keep the record in the dead letters with this reason. */
  deadLetter: string | null;
  resolve(result: StoreResult): void;
  reject(err: Error): void;
}

export interface AccountingWriter {
  /** False while `maxInFlight` records are queued or committing: drop the request (the NAS retries). */
  hasRoom(): boolean;
  /**
   * Resolves when committed: 'stored', or 'dead_letter' when the database refused the record
   * for good and it was kept in the dead letters. Rejects when it could not be kept at all (send
   * no reply: the NAS retries).
   */
  submit(record: AccountingRecord): Promise<StoreResult>;
  /** Keeps a record that can never be stored as sent in the dead letters with `reason`; resolves 'dead_letter' when committed. */
  deadLetter(record: AccountingRecord, reason: string): Promise<StoreResult>;
  /** Waits for everything submitted so far to be committed or failed. */
  close(): Promise<void>;
}

// Serialization failure (also: a row a concurrent Stop moved to another partition), deadlock, a
// foreign key violation (a row deleted between the statement's reference lookup and its check,
// which the next attempt resolves to NULL), and a unique violation on the open partition's
// session key (another process inserted the same new session: the next attempt updates it).
const RETRYABLE = new Set(['40001', '40P01', '23503', '23505']);

/** Commit lanes by default: measured best on 2 cores (4 lanes stored fewer Starts a second). */
export const ACCOUNTING_LANES = 2;

/** Dead-letter reason of a record for a session unknown to us whose time is in a month already archived and dropped. */
export const ARCHIVED_MONTH = 'archived_month';

/** The upsert's one row (accounting-statements.ts): new open sessions, and keys refused as archived. */
interface UpsertResult { opened: number; archived: string[] }

const sqlState = (err: unknown): string => (err as { code?: unknown }).code?.toString() ?? '';

/** A data exception or integrity constraint violation (SQLSTATE class 22, 23): the rows are at fault, not the database. */
function refusesRows(err: unknown): boolean {
  return /^2[23][0-9A-Z]{3}$/.test(sqlState(err));
}

/** JSON.stringify replacer: bigints (octet counters) as decimal strings. */
const bigintAsString = (_key: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

export function createAccountingWriter(opts: {
  db: Knex;
  log: Logger;
  metrics: RadiusMetrics;
  maxBatch?: number;
  lanes?: number;
  /** Records queued or committing at most (RADIUS_ACCT_MAX_IN_FLIGHT). */
  maxInFlight?: number;
}): AccountingWriter {
  const { db, log, metrics, maxBatch = 1000, lanes: laneCount = ACCOUNTING_LANES, maxInFlight = 2000 } = opts;
  let inFlight = 0;
  const stats = createOpenPartitionStats({ db, log });
  const deadLetterLog = new RateLimitedLog(60_000);
  const errors = createRepeatedErrorLog(log);

  /** Stores `records`; returns the session keys the upsert refused as before the newest archived month. */
  async function store(records: AccountingRecord[]): Promise<Set<string>> {
    const nasRecords: NasRecord[] = [];
    const sessions = new Map<string, SessionRecord>();
    for (const r of records) {
      if (isNasRecord(r)) nasRecords.push(r);
      else {
        const prev = sessions.get(r.sessionKey);
        sessions.set(r.sessionKey, prev ? mergeRecords(prev, r) : r);
      }
    }
    // Sorted by key: concurrent lanes take row locks in one order and cannot deadlock on sessions.
    const rows = [...sessions.values()].sort((a, b) => (a.sessionKey < b.sessionKey ? -1 : 1)).map(toRow);
    const run = async (q: Knex | Knex.Transaction): Promise<Set<string>> => {
      for (const n of nasRecords) {
        const at = new Date(n.eventTime).toISOString();
        await q.raw(CLOSE_NAS, [at, n.nasIpAddress, at]);
      }
      if (!rows.length) return new Set();
      const keys = rows.map((r) => r.session_key);
      // A PostgreSQL array literal: session keys are uuids (hex and dashes), nothing to quote.
      const keyArray = `{${keys.join(',')}}`;
      const params = [JSON.stringify(rows), keyArray, keyArray];
      // Alone, it runs prepared (planned once per connection: lib/prepared-query.ts); in a transaction, as is.
      const { rows: [result] } = q === db
        ? await preparedQuery<UpsertResult>(db, 'accounting_upsert', UPSERT, params)
        : await q.raw<{ rows: UpsertResult[] }>(UPSERT, params);
      if (result!.opened) stats.inserted(result!.opened); // open-partition-stats.ts
      return new Set(result!.archived);
    };
    if (nasRecords.length) return db.transaction((trx) => run(trx));
    return run(db); // one statement: it commits on its own
  }

  async function storeWithRetry(records: AccountingRecord[]): Promise<Set<string>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await store(records);
      } catch (err) {
        if (attempt < 3 && RETRYABLE.has(sqlState(err))) continue;
        throw err;
      }
    }
  }

  function settled(): void {
    inFlight--;
    metrics.accountingInFlight(inFlight);
  }

  /** Keeps `letters` in accounting_dead_letters (one statement); each is resolved 'dead_letter' or rejected. */
  async function keepDeadLetters(letters: Array<{ p: Pending; reason: string; detail: string | null }>): Promise<void> {
    const rows = letters.map(({ p, reason, detail }) => ({
      nas_id: p.record.nasId, nas_ip_address: p.record.nasIpAddress, reason, detail, record: p.record,
    }));
    try {
      await db.raw(DEAD_LETTER, [JSON.stringify(rows, bigintAsString)]);
    } catch (err) {
      errors.error('accounting dead letters', err, { size: letters.length }, 'accounting dead letters not stored; no reply (the NAS retries)');
      for (const { p } of letters) p.reject(err as Error);
      return;
    }
    for (const { p, reason, detail } of letters) {
      if (deadLetterLog.shouldLog(reason)) {
        log.warn({ reason, detail, nas: p.record.nasIpAddress }, 'accounting record kept as a dead letter (logged once a minute per reason)');
      }
      metrics.accountingDeadLetter(reason);
      p.resolve('dead_letter');
    }
  }

  /** Commits `batch`; a batch the database refuses is bisected down to the refused record. */
  async function settle(batch: Pending[]): Promise<void> {
    try {
      const archived = await storeWithRetry(batch.map((p) => p.record));
      const late = archived.size ? batch.filter((p) => !isNasRecord(p.record) && archived.has(p.record.sessionKey)) : [];
      for (const p of batch) if (!late.includes(p)) p.resolve('stored');
      if (late.length) await keepDeadLetters(late.map((p) => ({ p, reason: ARCHIVED_MONTH, detail: null })));
      return;
    } catch (err) {
      if (!refusesRows(err)) {
        errors.error('accounting batch', err, { size: batch.length }, 'accounting batch not stored; no reply (the NAS retries)');
        for (const p of batch) p.reject(err as Error);
        return;
      }
      if (batch.length === 1) {
        await keepDeadLetters([{ p: batch[0]!, reason: `db_${sqlState(err)}`, detail: summarizeError(err).message }]);
        return;
      }
      if (deadLetterLog.shouldLog('split')) {
        log.warn({ error: summarizeError(err), size: batch.length }, 'accounting batch refused; splitting it to find the record (logged once a minute)');
      }
      const half = Math.ceil(batch.length / 2);
      await settle(batch.slice(0, half)); // in order: a later record of a session commits after an earlier one
      await settle(batch.slice(half));
    }
  }

  class Lane {
    queue: Pending[] = [];
    running: Promise<void> | null = null;

    push(p: Pending): void {
      this.queue.push(p);
      if (!this.running) this.running = this.drain();
    }

    private async drain(): Promise<void> {
      await new Promise(setImmediate); // let this tick's packets join the first batch
      while (this.queue.length) {
        const batch = this.queue.splice(0, maxBatch);
        metrics.accountingBatch(batch.length);
        const letters = batch.filter((p) => p.deadLetter !== null);
        const records = letters.length ? batch.filter((p) => p.deadLetter === null) : batch;
        if (letters.length) await keepDeadLetters(letters.map((p) => ({ p, reason: p.deadLetter!, detail: null })));
        if (records.length) await settle(records);
      }
      this.running = null;
    }
  }

  const lanes = Array.from({ length: Math.max(1, laneCount) }, () => new Lane());
  const laneOf = (r: AccountingRecord): Lane =>
    isNasRecord(r) ? lanes[0]! : lanes[parseInt(r.sessionKey.slice(0, 4), 16) % lanes.length]!;

  function enqueue(record: AccountingRecord, deadLetter: string | null): Promise<StoreResult> {
    inFlight++;
    metrics.accountingInFlight(inFlight);
    return new Promise<StoreResult>((resolve, reject) => {
      laneOf(record).push({
        record,
        deadLetter,
        resolve: (r) => (settled(), resolve(r)),
        reject: (e) => (settled(), reject(e)),
      });
    });
  }

  return {
    hasRoom: () => inFlight < maxInFlight,
    submit: (record) => enqueue(record, null),
    deadLetter: (record, reason) => enqueue(record, reason),
    async close() {
      await Promise.all(lanes.map((l) => l.running));
      await stats.settled();
    },
  };
}
