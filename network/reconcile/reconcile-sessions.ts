/**
 * The `reconcile-sessions` job (network/jobs.ts, every 5 minutes; issue 12 item 9, "enforcement
 * you can prove"): every active NAS with RouterOS API credentials is reconciled
 * (reconcile-nas.ts), a few at a time; one router failing (timeout, refused login) is recorded
 * as failed and does not stop the others.
 *
 * Each router's result becomes one `enforcement_drift` row (migrations/…_enforcement_drift.ts):
 * counts, findings (at most MAX_FINDINGS) and `drift_since`. When a router drifts in two runs in
 * a row, one staff alert (lib/staff-alerts.ts, kind `enforcement_drift`) is raised for that
 * streak: the repairs of the first run did not make it go away. Rows older than 30 days are
 * deleted.
 */
import type { Container } from '../../lib/container.js';
import type { Knex } from '../../lib/db.js';
import { QUEUES } from '../../lib/queue.js';
import { raiseStaffAlerts } from '../../lib/staff-alerts.js';
import { reconcileNas, type NasOutcome } from './reconcile-nas.js';

/** Bound on one router's exchange (connect, login, three prints, removals), milliseconds. */
export const RECONCILE_TIMEOUT_MS = 20_000;
/** Routers asked at once. */
const PARALLEL = 4;
/** Findings kept per row (the counts stay exact). */
export const MAX_FINDINGS = 200;
const KEEP_DAYS = 30;

export interface ReconcileSummary { routers: number; failed: number; drift: number; repaired: number }

interface NasRow { id: string; name: string; ip: string; routeros_api_host: string | null; routeros_api_port: number; routeros_api_tls: boolean; routeros_username: string; routeros_password_enc: string }

export async function reconcileSessions(c: Pick<Container, 'db' | 'secrets' | 'clock' | 'queues' | 'log'>, opts: { timeoutMs?: number } = {}): Promise<ReconcileSummary> {
  const ranAt = c.clock.now();
  const { rows } = await c.db.raw(
    `SELECT id, name, host(ip_address) AS ip, routeros_api_host, routeros_api_port, routeros_api_tls, routeros_username, routeros_password_enc
       FROM nas WHERE is_active AND routeros_username IS NOT NULL AND routeros_password_enc IS NOT NULL ORDER BY id`,
  );
  const routers = rows as NasRow[];
  const deps = { db: c.db, nasControl: c.queues.queue(QUEUES.nasControl), now: () => c.clock.now(), timeoutMs: opts.timeoutMs ?? RECONCILE_TIMEOUT_MS, runKey: String(ranAt.getTime()) };
  const summary: ReconcileSummary = { routers: routers.length, failed: 0, drift: 0, repaired: 0 };
  let next = 0;
  const workers = Array.from({ length: Math.min(PARALLEL, routers.length) }, async () => {
    while (next < routers.length) {
      const n = routers[next++]!;
      let outcome: NasOutcome;
      try {
        const login = { host: n.routeros_api_host ?? n.ip, port: n.routeros_api_port, tls: n.routeros_api_tls, username: n.routeros_username, password: c.secrets.open(n.routeros_password_enc) };
        outcome = await reconcileNas(deps, { id: Number(n.id), ip: n.ip, login });
      } catch (err) {
        // A database error or an unopenable password: this router's run fails, the others go on.
        outcome = { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
      const drift = await record(c.db, n, ranAt, outcome);
      if (!outcome.ok) {
        summary.failed++;
        c.log.warn({ nas: n.name, error: outcome.error }, 'reconcile: router not reconciled');
      } else {
        summary.drift += drift;
        summary.repaired += outcome.value.repaired;
      }
    }
  });
  await Promise.all(workers);
  await c.db.raw(`DELETE FROM enforcement_drift WHERE ran_at < ?::timestamptz - make_interval(days => ?)`, [ranAt, KEEP_DAYS]);
  return summary;
}

/** Stores one router's run; raises the staff alert when it drifts for the second run in a row. Returns the drift. */
async function record(db: Knex, n: NasRow, ranAt: Date, outcome: NasOutcome): Promise<number> {
  const previous = await db('enforcement_drift').where({ nas_id: n.id }).orderBy('ran_at', 'desc').first('drift', 'drift_since');
  if (!outcome.ok) {
    await db('enforcement_drift').insert({ nas_id: n.id, ran_at: ranAt, ok: false, error: outcome.error.slice(0, 500) });
    return 0;
  }
  const v = outcome.value;
  const drift = v.lostStart + v.lostStop + v.notEnforced;
  const continues = drift > 0 && previous && previous.drift > 0 && previous.drift_since;
  const driftSince: Date | null = drift > 0 ? (continues ? new Date(previous.drift_since) : ranAt) : null;
  await db('enforcement_drift').insert({
    nas_id: n.id, ran_at: ranAt, ok: true, router_sessions: v.routerSessions, open_sessions: v.openSessions, in_sync: v.inSync,
    lost_start: v.lostStart, lost_stop: v.lostStop, not_enforced: v.notEnforced, repaired: v.repaired, drift,
    drift_since: driftSince, findings: JSON.stringify(v.findings.slice(0, MAX_FINDINGS)),
  });
  if (continues) {
    await raiseStaffAlerts(db, [{
      kind: 'enforcement_drift',
      key: `enforcement_drift:${n.id}:${driftSince!.toISOString()}`,
      message: `Router ${n.name} (${n.ip}) still differs from our sessions after a repair: ${v.lostStart} unknown to us, ${v.lostStop} closed, ${v.notEnforced} not enforced.`,
      details: { nasId: Number(n.id), nas: n.name, since: driftSince!.toISOString(), lostStart: v.lostStart, lostStop: v.lostStop, notEnforced: v.notEnforced, findings: v.findings.slice(0, 20) },
    }]);
  }
  return drift;
}
