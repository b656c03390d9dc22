/**
 * The `nas-control` job processor (lib/jobs.ts): brings a subscriber's live sessions in line with
 * the access decision after billing or staff changed it.
 *
 * Per open session, on the NAS that holds it:
 * 1. A CoA-Request (RFC 5176 §3.2) with the new Mikrotik-Rate-Limit (and Mikrotik-Address-List
 *    when the profile has one), when the session may stay: a MikroTik NAS, no forced disconnect,
 *    and the session was accepted into the same state the decision now gives (both normal or
 *    both walled garden, read from its Class). A CoA cannot move a session in or out of the
 *    walled garden reliably (pool, profile, address list), so that takes a reconnect.
 * 2. Otherwise, or when the CoA is NAKed or unanswered: a Disconnect-Request (RFC 5176 §3.1);
 *    the subscriber reconnects and gets the new profile. A NAK with Error-Cause 503
 *    Session-Context-Not-Found means the session is already gone: done.
 * 3. When that fails too and the NAS has RouterOS API credentials: remove the active session
 *    over the API (aaa/nas/routeros-api.ts).
 * When a session resists all of it the job throws so BullMQ retries with backoff; on the final
 * attempt a staff alert per such session (kind `nas_control_failed`, lib/staff-alerts.ts) is
 * raised first. A retry repeats the whole job: a CoA is idempotent and a second Disconnect of a
 * gone session ends in 503.
 */
import { loadSubscriptionLogin } from '../../billing/access/subscription-access.js';
import type { NasAction, NasAttempt, NasControlJob, NasControlResult } from '../../lib/jobs.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { raiseStaffAlerts } from '../../lib/staff-alerts.js';
import { dictionary, type AttributeDef } from '../codec/dictionary.js';
import type { AttributeValue } from '../codec/values.js';
import type { Decision } from '../policy/decide.js';
import { parseClass } from '../policy/reply-attributes.js';
import { sessionIdentification } from './coa-attributes.js';
import type { CoaClient, CoaResult, CoaTarget } from './coa-client.js';
import type { RemoveActiveSession } from './routeros-api.js';

export interface NasControlDeps {
  db: Knex;
  secrets: SecretBox;
  coa: Pick<CoaClient, 'send'>;
  removeActiveSession: RemoveActiveSession;
  log: Logger;
  /** The current decision for a subscription, from the radius role's access replica; null when unknown. */
  decide(subscriptionId: number): Decision | null;
  /** Bound on one RouterOS API exchange, milliseconds. */
  routerosTimeoutMs?: number;
}

/**
 * `attempt.report`, when given, receives the result of an attempt that failed before the
 * processor throws (the radius role stores it as the job's progress, for the console).
 */
export type NasControlProcessor = (job: NasControlJob, attempt: { isFinal: boolean; report?: (result: NasControlResult) => Promise<void> }) => Promise<NasControlResult>;

interface SessionRow {
  session_key: string;
  acct_session_id: string;
  username: string;
  framed_ip: string | null;
  session_nas_ip: string;
  class: string | null;
  service_type: 'pppoe' | 'hotspot';
  nas_id: number | null;
  nas_name: string | null;
  nas_ip: string | null;
  secret_enc: string | null;
  coa_port: number | null;
  vendor: string | null;
  routeros_api_host: string | null;
  routeros_api_port: number | null;
  routeros_api_tls: boolean | null;
  routeros_username: string | null;
  routeros_password_enc: string | null;
}

type Action = NasAction;
type Attempt = NasAttempt;
type Outcome = { done: Action; tried: Attempt[] } | { done: null; tried: Attempt[] };

const dict = dictionary();
const RATE_LIMIT = dict.attr('Mikrotik-Rate-Limit');
const ADDRESS_LIST = dict.attr('Mikrotik-Address-List');
const SESSION_CONTEXT_NOT_FOUND = 503;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Sessions not yet tied to the subscription (subscription_id NULL) are matched by username, so a
// suspension also reaches a session accounting could not attribute. The NAS by id, else by address.
// The subscription's username and service come from billing/access (aaa/ reads no billing table).
const SESSIONS_SQL = `
  SELECT s.session_key, s.acct_session_id, s.username, host(s.framed_ip_address) AS framed_ip,
         host(s.nas_ip_address) AS session_nas_ip, s.class,
         n.id AS nas_id, n.name AS nas_name, host(n.ip_address) AS nas_ip, n.secret_enc, n.coa_port, n.vendor,
         n.routeros_api_host, n.routeros_api_port, n.routeros_api_tls, n.routeros_username, n.routeros_password_enc
    FROM accounting_sessions s
    LEFT JOIN nas n ON n.id = s.nas_id OR (s.nas_id IS NULL AND n.ip_address = s.nas_ip_address)
   WHERE s.stop_time IS NULL
     AND (s.subscription_id = ? OR (s.subscription_id IS NULL AND s.username = ?))`;

function describe(r: CoaResult): string {
  if (r.ok) return 'ack';
  if (r.reason === 'timeout') return 'timeout';
  return r.errorCause === undefined ? 'nak' : `nak ${r.errorCause} ${r.errorCauseName}`;
}

/** Creates the processor; the radius role wraps it as the BullMQ processor of `nas-control`. */
export function createNasControlProcessor(deps: NasControlDeps): NasControlProcessor {
  const { db, secrets, coa, log } = deps;
  const routerosTimeoutMs = deps.routerosTimeoutMs ?? 5000;

  /** Whether a CoA may change the session in place, or it must reconnect. */
  function canChangeInPlace(job: NasControlJob, decision: Decision | null, row: SessionRow): decision is Exclude<Decision, { kind: 'reject' }> {
    if (job.disconnect || !decision || decision.kind === 'reject' || row.vendor !== 'mikrotik') return false;
    const cls = row.class === null ? null : parseClass(Buffer.from(row.class, 'latin1'));
    if (!cls || cls.subscriptionId !== job.subscriptionId) return false;
    return cls.walledGarden === (decision.kind === 'walled_garden');
  }

  async function handle(job: NasControlJob, decision: Decision | null, row: SessionRow): Promise<Outcome> {
    const tried: Attempt[] = [];
    const who = { username: row.username, nas: row.nas_name, nasIp: row.nas_ip, sessionKey: row.session_key, reason: job.reason };
    if (row.nas_id === null || row.secret_enc === null || row.nas_ip === null) {
      tried.push({ action: 'none', result: `no NAS registered for ${row.session_nas_ip}` });
      log.warn({ ...who, nasIp: row.session_nas_ip }, 'nas-control: session on an unknown NAS');
      return { done: null, tried };
    }
    const nasIp = row.nas_ip;
    const secretEnc = row.secret_enc;

    const radius = async (kind: 'coa' | 'disconnect', extra: Array<[AttributeDef, AttributeValue]>): Promise<CoaResult | null> => {
      try {
        const target: CoaTarget = { host: nasIp, port: row.coa_port ?? 3799, secret: Buffer.from(secrets.open(secretEnc), 'utf8') };
        const ident = sessionIdentification({
          username: row.username,
          acctSessionId: row.acct_session_id,
          framedIpAddress: row.framed_ip,
          nasIpAddress: row.session_nas_ip,
        });
        const r = await coa.send(target, { kind, attributes: [...ident, ...extra] });
        tried.push({ action: kind, result: describe(r) });
        log.info({ ...who, action: kind, result: describe(r) }, `nas-control ${kind}`);
        return r;
      } catch (err) {
        tried.push({ action: kind, result: `error: ${(err as Error).message}` });
        log.warn({ ...who, action: kind, err }, `nas-control ${kind} failed`);
        return null;
      }
    };

    if (canChangeInPlace(job, decision, row)) {
      const extra: Array<[AttributeDef, AttributeValue]> = [[RATE_LIMIT, decision.profile.rateLimit]];
      if (decision.profile.addressList) extra.push([ADDRESS_LIST, decision.profile.addressList]);
      if ((await radius('coa', extra))?.ok) return { done: 'coa', tried };
    }

    const d = await radius('disconnect', []);
    if (d && (d.ok || (d.reason === 'nak' && d.errorCause === SESSION_CONTEXT_NOT_FOUND))) return { done: 'disconnect', tried };

    if (row.routeros_username && row.routeros_password_enc) {
      try {
        const r = await deps.removeActiveSession({
          host: row.routeros_api_host ?? nasIp,
          port: row.routeros_api_port ?? 8728,
          tls: row.routeros_api_tls ?? false,
          username: row.routeros_username,
          password: secrets.open(row.routeros_password_enc),
          sessionUsername: row.username,
          serviceType: row.service_type,
          timeoutMs: routerosTimeoutMs,
        });
        const result = r.ok ? `removed ${r.removed}` : `error: ${r.error}`;
        tried.push({ action: 'routeros', result });
        log.info({ ...who, action: 'routeros', result }, 'nas-control routeros');
        if (r.ok) return { done: 'routeros', tried };
      } catch (err) {
        tried.push({ action: 'routeros', result: `error: ${(err as Error).message}` });
        log.warn({ ...who, action: 'routeros', err }, 'nas-control routeros failed');
      }
    }
    return { done: null, tried };
  }

  return async function processNasControl(job, attempt) {
    const counts: NasControlResult = { sessions: 0, coa: 0, disconnected: 0, routeros: 0, failed: 0, outcomes: [] };
    if (job.sessionKey !== undefined && !UUID.test(job.sessionKey)) {
      log.warn({ subscriptionId: job.subscriptionId, sessionKey: job.sessionKey }, 'nas-control: not a session key, nothing to do');
      return counts;
    }
    const login = await loadSubscriptionLogin(db, job.subscriptionId);
    if (!login) return counts;
    const sql = job.sessionKey === undefined ? SESSIONS_SQL : `${SESSIONS_SQL} AND s.session_key = ?`;
    const bindings = [job.subscriptionId, login.username, ...(job.sessionKey === undefined ? [] : [job.sessionKey])];
    const found = (await db.raw<{ rows: Array<Omit<SessionRow, 'service_type'>> }>(sql, bindings)).rows;
    const rows: SessionRow[] = found.map((r) => ({ ...r, service_type: login.serviceType }));
    counts.sessions = rows.length;
    if (rows.length === 0) return counts;

    const decision = deps.decide(job.subscriptionId);
    const outcomes = await Promise.all(rows.map((row) => handle(job, decision, row)));
    const failures: Array<{ row: SessionRow; tried: Attempt[] }> = [];
    counts.outcomes = outcomes.map((o, i) => ({ username: rows[i]!.username, nas: rows[i]!.nas_name ?? rows[i]!.session_nas_ip, done: o.done, tried: o.tried }));
    outcomes.forEach((o, i) => {
      if (o.done === 'coa') counts.coa++;
      else if (o.done === 'disconnect') counts.disconnected++;
      else if (o.done === 'routeros') counts.routeros++;
      else {
        counts.failed++;
        failures.push({ row: rows[i]!, tried: o.tried });
      }
    });
    if (failures.length === 0) return counts;
    await attempt.report?.(counts).catch((err: unknown) => log.warn({ err, subscriptionId: job.subscriptionId }, 'nas-control: could not report the attempt'));

    if (attempt.isFinal) {
      await raiseStaffAlerts(
        db,
        failures.map(({ row, tried }) => ({
          kind: 'nas_control_failed',
          message: `Could not apply "${job.reason}" to ${row.username} on NAS ${row.nas_name ?? row.session_nas_ip} (${row.nas_ip ?? row.session_nas_ip})`,
          details: {
            subscriptionId: job.subscriptionId,
            reason: job.reason,
            sessionKey: row.session_key,
            acctSessionId: row.acct_session_id,
            nasId: row.nas_id,
            nasIp: row.nas_ip ?? row.session_nas_ip,
            tried,
          },
        })),
      );
      log.error({ subscriptionId: job.subscriptionId, reason: job.reason, counts, failures: failures.map((f) => ({ username: f.row.username, nas: f.row.nas_name, tried: f.tried })) }, 'nas-control gave up: staff alerted');
    }
    throw new Error(`nas-control: ${counts.failed} of ${counts.sessions} session(s) of subscription ${job.subscriptionId} could not be changed or ended`);
  };
}
