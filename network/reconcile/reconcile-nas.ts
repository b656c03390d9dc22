/**
 * Reconciles one router (issue 12 item 9): reads our open sessions on it, asks it over the
 * RouterOS API what is online (router-sessions.ts), compares (classify-sessions.ts), repairs what
 * is safe and says what it found.
 *
 * Repairs:
 * - a lost Stop: the row is closed (session-queries.ts closeLostSessions);
 * - a subscription online in the wrong state (a CoA or Disconnect that did not take): a
 *   `nas-control` job again (lib/jobs.ts NasControlJob; the radius role sends the CoA or the
 *   Disconnect-Request, RFC 5176, and falls back to the RouterOS API) when we hold the session;
 *   when we do not (its Start was lost too, so nas-control cannot see it), the session is removed
 *   on the router right away (`remove =.id=`, MikroTik manual "API"), and the subscriber
 *   reconnects into the state the radius role now decides.
 * A lost Start is only reported: the session's next Interim-Update creates our row.
 * Never throws for the router's faults: unreachable, login refused, a trap or the deadline
 * come back as `{ ok: false, error }` (never containing the password).
 */
import type { Queue } from 'bullmq';
import type { Knex } from '../../lib/db.js';
import { enqueueNasControl } from '../../lib/jobs.js';
import { describeRouterOsError, withRouterOs, type RouterOsLogin } from '../../lib/routeros/api-connection.js';
import { classifySessions, type Classification } from './classify-sessions.js';
import { readRouterState } from './router-sessions.js';
import { closeLostSessions, loadOpenSessions, loadSubscriptionStates, readAccessPolicy } from './session-queries.js';

/** One finding, as stored in enforcement_drift.findings. */
export interface Finding {
  kind: 'lost_start' | 'lost_stop' | 'not_isolated' | 'should_be_offline' | 'still_isolated';
  username: string;
  sessionId: string | null;
  address: string | null;
  subscriptionId: number | null;
  /** What the run did: `reported`, `closed`, `nas_control_queued`, `removed`, `remove_failed: …`. */
  action: string;
}

export interface NasReconciliation {
  routerSessions: number;
  openSessions: number;
  inSync: number;
  lostStart: number;
  lostStop: number;
  notEnforced: number;
  repaired: number;
  findings: Finding[];
}

export type NasOutcome = { ok: true; value: NasReconciliation } | { ok: false; error: string };

export interface ReconcileNasDeps {
  db: Knex;
  /** The `nas-control` queue. */
  nasControl: Queue;
  now: () => Date;
  /** Bound on the whole exchange with the router, milliseconds. */
  timeoutMs: number;
  /** Identifies this run in nas-control job ids (one CoA per subscription per run). */
  runKey: string;
}

export async function reconcileNas(deps: ReconcileNasDeps, nas: { id: number; ip: string; login: RouterOsLogin }): Promise<NasOutcome> {
  const policy = await readAccessPolicy(deps.db);
  const ours = await loadOpenSessions(deps.db, nas.ip);
  const listedAt = deps.now();
  const asked = await withRouterOs(nas.login, deps.timeoutMs, async (api) => {
    const state = await readRouterState(api, policy.addressList);
    const subscriptions = await loadSubscriptionStates(deps.db, [...state.sessions.map((s) => s.username), ...ours.map((o) => o.username)], listedAt, policy);
    const found = classifySessions({ router: state.sessions, ours, subscriptions, isolated: state.isolated, listedAt });
    // Sessions we cannot hand to nas-control are ended here, on the open connection.
    const removed = new Map<string, string>();
    for (const d of found.enforcement.filter((e) => !e.ours)) {
      try {
        await api.write(`${d.router.menu}/remove`, [`=.id=${d.router.id}`]);
        removed.set(d.router.id, 'removed');
      } catch (err) {
        const error = describeRouterOsError(err);
        removed.set(d.router.id, /no such item/i.test(error) ? 'removed' : `remove_failed: ${error}`);
      }
    }
    return { found, removed, subscriptions, routerSessions: state.sessions.length };
  });
  if (!asked.ok) return asked;
  const { found, removed, subscriptions, routerSessions } = asked.value;
  const subscriptionOf = (username: string): number | null => subscriptions.get(username)?.id ?? null;
  return { ok: true, value: { ...(await repair(deps, found, removed, subscriptionOf)), routerSessions, openSessions: ours.length } };
}

async function repair(
  deps: ReconcileNasDeps,
  found: Classification,
  removed: Map<string, string>,
  subscriptionOf: (username: string) => number | null,
): Promise<Omit<NasReconciliation, 'routerSessions' | 'openSessions'>> {
  const findings: Finding[] = [];
  const closed = await closeLostSessions(deps.db, found.lostStop.map((o) => o.sessionKey));
  for (const o of found.lostStop) {
    findings.push({ kind: 'lost_stop', username: o.username, sessionId: o.acctSessionId, address: o.framedIp, subscriptionId: o.subscriptionId, action: 'closed' });
  }
  for (const r of found.lostStart) {
    findings.push({ kind: 'lost_start', username: r.username, sessionId: r.sessionId, address: r.address, subscriptionId: subscriptionOf(r.username), action: 'reported' });
  }
  const queued = new Set<number>();
  let repaired = closed;
  for (const d of found.enforcement) {
    const action = removed.get(d.router.id) ?? 'nas_control_queued';
    if (d.ours && !queued.has(d.subscriptionId)) {
      queued.add(d.subscriptionId);
      await enqueueNasControl(deps.nasControl, { subscriptionId: d.subscriptionId, reason: `enforcement_drift_${d.kind}` }, `reconcile-${deps.runKey}`);
    }
    if (action === 'removed' || action === 'nas_control_queued') repaired++;
    findings.push({ kind: d.kind, username: d.router.username, sessionId: d.router.sessionId, address: d.router.address, subscriptionId: d.subscriptionId, action });
  }
  return {
    inSync: found.inSync.length,
    lostStart: found.lostStart.length,
    lostStop: found.lostStop.length,
    notEnforced: found.enforcement.length,
    repaired,
    findings,
  };
}
