/**
 * Accounting storage with group commit. `submit(record)` resolves only after the record is
 * committed, so an Accounting-Response is a promise that the record is stored (RFC 2866 §4.1);
 * requests that arrive while a commit is running share the next one.
 *
 * One statement per batch: the session upsert (Start inserts; Interim updates or inserts when
 * the Start was lost; Stop closes). Per-day usage (the growth of the cumulative counters, never
 * a sum of interims) is added by the database's triggers from what the upsert changed
 * (migrations/…_accounting_usage.ts), exact even when several processes store one session. Counters only grow (GREATEST), so
 * a late or reordered Interim cannot roll them back; a stopped session stays stopped, except one
 * the stale sweep closed, which a later Interim reopens. Accounting-On/Off closes every open
 * session of that NAS started before the event (cause NAS-Reboot).
 *
 * Records are spread over `lanes` by session key: each lane commits serially, so two batches
 * never race on one session, and lanes commit in parallel.
 */
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import type { RadiusMetrics } from '../metrics.js';
import { isNasRecord, type AccountingRecord, type NasRecord, type SessionRecord } from './accounting-record.js';

export const STALE_CAUSE = 'Stale-Session';

// A Stop closes an open session, or one the stale sweep closed; an Interim newer than the
// sweep's stop reopens a swept session (it was alive after all).
const CLOSES = `excluded.stop_time IS NOT NULL AND (s.stop_time IS NULL OR s.terminate_cause = '${STALE_CAUSE}')`;
const REOPENS = `excluded.stop_time IS NULL AND s.terminate_cause = '${STALE_CAUSE}' AND excluded.update_time > s.stop_time`;

interface Pending {
  record: AccountingRecord;
  resolve(): void;
  reject(err: Error): void;
}

export interface AccountingWriter {
  /** Resolves when committed; rejects when the record could not be stored (send no reply: the NAS retries). */
  submit(record: AccountingRecord): Promise<void>;
  /** Waits for everything submitted so far to be committed or failed. */
  close(): Promise<void>;
}

const UPSERT = `
INSERT INTO accounting_sessions AS s (
  session_key, acct_session_id, acct_multi_session_id, username, subscription_id, voucher_id, nas_id, nas_ip_address,
  nas_identifier, nas_port, nas_port_type, calling_station_id, called_station_id, framed_ip_address,
  service_type, class, start_time, start_is_estimate, update_time, stop_time, session_time, input_octets, output_octets,
  input_packets, output_packets, terminate_cause)
SELECT session_key, acct_session_id, acct_multi_session_id, username, subscription_id, voucher_id, nas_id, nas_ip_address,
  nas_identifier, nas_port, nas_port_type, calling_station_id, called_station_id, framed_ip_address,
  service_type, class, start_time, start_is_estimate, update_time, stop_time, session_time, input_octets, output_octets,
  input_packets, output_packets, terminate_cause
FROM json_to_recordset(?::json) AS t(
  session_key uuid, acct_session_id text, acct_multi_session_id text, username text, subscription_id bigint,
  voucher_id bigint, nas_id bigint, nas_ip_address inet, nas_identifier text, nas_port text, nas_port_type text,
  calling_station_id text, called_station_id text, framed_ip_address inet, service_type text, class text,
  start_time timestamptz, start_is_estimate boolean, update_time timestamptz, stop_time timestamptz, session_time bigint,
  input_octets bigint, output_octets bigint, input_packets bigint, output_packets bigint, terminate_cause text)
ON CONFLICT (session_key) DO UPDATE SET
  subscription_id = coalesce(s.subscription_id, excluded.subscription_id),
  voucher_id = coalesce(s.voucher_id, excluded.voucher_id),
  acct_multi_session_id = coalesce(excluded.acct_multi_session_id, s.acct_multi_session_id),
  nas_identifier = coalesce(excluded.nas_identifier, s.nas_identifier),
  nas_port_type = coalesce(excluded.nas_port_type, s.nas_port_type),
  calling_station_id = coalesce(excluded.calling_station_id, s.calling_station_id),
  called_station_id = coalesce(excluded.called_station_id, s.called_station_id),
  framed_ip_address = coalesce(excluded.framed_ip_address, s.framed_ip_address),
  service_type = coalesce(excluded.service_type, s.service_type),
  class = coalesce(s.class, excluded.class),
  -- Only a Start states when the session began; an Interim's estimate (receive time minus
  -- Acct-Session-Time) jitters, and rewriting the indexed start_time would make every Interim a
  -- non-HOT update that touches all the table's indexes.
  start_time = CASE WHEN s.start_is_estimate AND NOT excluded.start_is_estimate THEN excluded.start_time ELSE s.start_time END,
  start_is_estimate = s.start_is_estimate AND excluded.start_is_estimate,
  update_time = greatest(s.update_time, excluded.update_time),
  session_time = greatest(s.session_time, excluded.session_time),
  input_octets = greatest(s.input_octets, excluded.input_octets),
  output_octets = greatest(s.output_octets, excluded.output_octets),
  input_packets = greatest(s.input_packets, excluded.input_packets),
  output_packets = greatest(s.output_packets, excluded.output_packets),
  stop_time = CASE WHEN ${CLOSES} THEN excluded.stop_time WHEN ${REOPENS} THEN NULL ELSE s.stop_time END,
  terminate_cause = CASE WHEN ${CLOSES} THEN excluded.terminate_cause WHEN ${REOPENS} THEN NULL ELSE s.terminate_cause END`;

const CLOSE_NAS = `
UPDATE accounting_sessions
   SET stop_time = greatest(update_time, ?::timestamptz), terminate_cause = 'NAS-Reboot'
 WHERE nas_ip_address = ?::inet AND stop_time IS NULL AND start_time <= ?::timestamptz`;

/** Merges two records of one session in one batch, the way the SQL above would apply them in turn. */
function merge(a: SessionRecord, b: SessionRecord): SessionRecord {
  const stopped = a.kind === 'stop' ? a : b.kind === 'stop' ? b : null;
  return {
    ...a,
    ...b,
    kind: stopped ? 'stop' : b.kind,
    subscriptionId: a.subscriptionId ?? b.subscriptionId,
    voucherId: a.voucherId ?? b.voucherId,
    class: a.class ?? b.class,
    // A Start in the batch states the start; otherwise the earliest estimate.
    startTime: !a.startIsEstimate ? a.startTime : !b.startIsEstimate ? b.startTime : Math.min(a.startTime, b.startTime),
    startIsEstimate: a.startIsEstimate && b.startIsEstimate,
    eventTime: Math.max(a.eventTime, b.eventTime),
    sessionTime: Math.max(a.sessionTime, b.sessionTime),
    inputOctets: Math.max(a.inputOctets, b.inputOctets),
    outputOctets: Math.max(a.outputOctets, b.outputOctets),
    inputPackets: Math.max(a.inputPackets, b.inputPackets),
    outputPackets: Math.max(a.outputPackets, b.outputPackets),
    terminateCause: stopped?.terminateCause ?? null,
    framedIpAddress: b.framedIpAddress ?? a.framedIpAddress,
    callingStationId: b.callingStationId ?? a.callingStationId,
  };
}

function toRow(r: SessionRecord): Record<string, unknown> {
  return {
    session_key: r.sessionKey, acct_session_id: r.acctSessionId, acct_multi_session_id: r.acctMultiSessionId,
    username: r.username, subscription_id: r.subscriptionId, voucher_id: r.voucherId ?? null, nas_id: r.nasId, nas_ip_address: r.nasIpAddress,
    nas_identifier: r.nasIdentifier, nas_port: r.nasPort, nas_port_type: r.nasPortType,
    calling_station_id: r.callingStationId, called_station_id: r.calledStationId, framed_ip_address: r.framedIpAddress,
    service_type: r.serviceType, class: r.class, start_time: new Date(r.startTime).toISOString(), start_is_estimate: r.startIsEstimate,
    update_time: new Date(r.eventTime).toISOString(), stop_time: r.kind === 'stop' ? new Date(r.eventTime).toISOString() : null,
    session_time: r.sessionTime, input_octets: r.inputOctets, output_octets: r.outputOctets,
    input_packets: r.inputPackets, output_packets: r.outputPackets, terminate_cause: r.terminateCause,
  };
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

export function createAccountingWriter(opts: {
  db: Knex;
  log: Logger;
  metrics: RadiusMetrics;
  maxBatch?: number;
  lanes?: number;
}): AccountingWriter {
  const { db, log, metrics, maxBatch = 1000, lanes: laneCount = 2 } = opts;

  async function store(records: AccountingRecord[]): Promise<void> {
    const nasRecords: NasRecord[] = [];
    const sessions = new Map<string, SessionRecord>();
    for (const r of records) {
      if (isNasRecord(r)) nasRecords.push(r);
      else {
        const prev = sessions.get(r.sessionKey);
        sessions.set(r.sessionKey, prev ? merge(prev, r) : r);
      }
    }
    // Sorted by key: concurrent lanes take row locks in one order and cannot deadlock on sessions.
    const rows = [...sessions.values()].sort((a, b) => (a.sessionKey < b.sessionKey ? -1 : 1)).map(toRow);
    const run = async (q: Knex | Knex.Transaction): Promise<void> => {
      for (const n of nasRecords) {
        const at = new Date(n.eventTime).toISOString();
        await q.raw(CLOSE_NAS, [at, n.nasIpAddress, at]);
      }
      if (rows.length) await q.raw(UPSERT, [JSON.stringify(rows)]);
    };
    if (nasRecords.length) await db.transaction((trx) => run(trx));
    else await run(db); // one statement: it commits on its own
  }

  async function storeWithRetry(records: AccountingRecord[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await store(records);
        return;
      } catch (err) {
        if (attempt < 3 && RETRYABLE.has((err as { code?: string }).code ?? '')) continue;
        throw err;
      }
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
        try {
          await storeWithRetry(batch.map((p) => p.record));
          for (const p of batch) p.resolve();
        } catch (err) {
          if (batch.length === 1) {
            log.error({ err: (err as Error).message, record: batch[0]!.record }, 'accounting record not stored');
            batch[0]!.reject(err as Error);
            continue;
          }
          // Isolate a record the database refuses: store the others one by one.
          log.warn({ err: (err as Error).message, size: batch.length }, 'accounting batch failed; retrying records singly');
          for (const p of batch) {
            try {
              await storeWithRetry([p.record]);
              p.resolve();
            } catch (e) {
              log.error({ err: (e as Error).message, record: p.record }, 'accounting record not stored');
              p.reject(e as Error);
            }
          }
        }
      }
      this.running = null;
    }
  }

  const lanes = Array.from({ length: Math.max(1, laneCount) }, () => new Lane());
  const laneOf = (r: AccountingRecord): Lane =>
    isNasRecord(r) ? lanes[0]! : lanes[parseInt(r.sessionKey.slice(0, 4), 16) % lanes.length]!;

  return {
    submit(record) {
      return new Promise<void>((resolve, reject) => laneOf(record).push({ record, resolve, reject }));
    },
    async close() {
      await Promise.all(lanes.map((l) => l.running));
    },
  };
}
