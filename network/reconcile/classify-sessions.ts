/**
 * The comparison at the heart of reconciliation (issue 12 item 9), pure: a router's active
 * sessions against our open accounting sessions on that NAS, and each online subscription
 * against what its access should be.
 *
 * Pairing, per router entry: our open session with the same Acct-Session-Id (`session-id`),
 * else one with the same username and framed address, else one with the same username. Then:
 * - `lostStart`: on the router, not with us (RFC 2866 §5.1 Accounting-Start lost). Reported
 *   only: the next Interim-Update of that session creates our row (the accounting upsert inserts
 *   when the Start never came). Entries younger than `graceMs` are left alone (a Start in flight).
 * - `lostStop`: with us, not on the router (Accounting-Stop lost). Safe to close, but only
 *   sessions that started before `listedAt - graceMs` (one that began after the router answered
 *   is not missing from its list).
 * - `enforcement`: a router session whose subscription is in the wrong state on the router (the
 *   CoA or Disconnect did not take):
 *   - `not_isolated`: suspended (or prepaid and expired), walled garden configured, but the
 *     session's address is not in the walled garden's address list;
 *   - `should_be_offline`: terminated, or suspended with `suspendedAction = reject`, still online;
 *   - `still_isolated`: access restored (active / soft limit) but still in the address list.
 *   Skipped when the router's address list could not be read (`isolated` null), except
 *   `should_be_offline`, which needs no list.
 */
import type { RouterSession } from './router-sessions.js';

/** One of our open sessions on the NAS (accounting_sessions with no stop). */
export interface OpenSession {
  sessionKey: string;
  acctSessionId: string;
  username: string;
  subscriptionId: number | null;
  framedIp: string | null;
  startTime: Date;
}

/** What access a subscription has now, as the radius role decides it (ARCHITECTURE.md, "Vocabulary"). */
export type ExpectedAccess = 'full' | 'walled_garden' | 'offline';

export interface SubscriptionState { id: number; access: ExpectedAccess }

export type EnforcementKind = 'not_isolated' | 'should_be_offline' | 'still_isolated';

export interface EnforcementDrift {
  kind: EnforcementKind;
  subscriptionId: number;
  router: RouterSession;
  /** Our open session for it, when we have one (nas-control acts on our sessions). */
  ours: OpenSession | null;
}

export interface Classification {
  inSync: Array<{ router: RouterSession; ours: OpenSession }>;
  lostStart: RouterSession[];
  lostStop: OpenSession[];
  enforcement: EnforcementDrift[];
}

export interface ClassifyInput {
  router: readonly RouterSession[];
  ours: readonly OpenSession[];
  /** By username. Usernames absent here (vouchers, unknown) are not checked for enforcement. */
  subscriptions: ReadonlyMap<string, SubscriptionState>;
  /** Addresses in the walled garden's address list, or null when unread. */
  isolated: ReadonlySet<string> | null;
  /** When the router was asked. */
  listedAt: Date;
  /** Milliseconds within which a session may be in flight (default 60 s). */
  graceMs?: number;
}

export function classifySessions(input: ClassifyInput): Classification {
  const graceMs = input.graceMs ?? 60_000;
  const unmatched = new Set(input.ours);
  const pick = (test: (o: OpenSession) => boolean): OpenSession | null => {
    for (const o of unmatched) if (test(o)) return o;
    return null;
  };
  const out: Classification = { inSync: [], lostStart: [], lostStop: [], enforcement: [] };
  const paired = new Map<RouterSession, OpenSession>();
  // Session ids first for every entry, so a username fallback cannot take another entry's row.
  for (const r of input.router) {
    const o = r.sessionId ? pick((x) => x.acctSessionId === r.sessionId && x.username === r.username) : null;
    if (o) { paired.set(r, o); unmatched.delete(o); }
  }
  for (const r of input.router) {
    if (paired.has(r)) continue;
    const o = pick((x) => x.username === r.username && r.address !== null && x.framedIp === r.address) ?? pick((x) => x.username === r.username);
    if (o) { paired.set(r, o); unmatched.delete(o); }
  }
  for (const r of input.router) {
    const o = paired.get(r);
    if (o) out.inSync.push({ router: r, ours: o });
    else if (r.uptimeSeconds === null || r.uptimeSeconds * 1000 >= graceMs) out.lostStart.push(r);
    const drift = enforcementOf(r, input);
    if (drift) out.enforcement.push({ ...drift, router: r, ours: o ?? null });
  }
  const startedBefore = input.listedAt.getTime() - graceMs;
  out.lostStop = [...unmatched].filter((o) => o.startTime.getTime() < startedBefore);
  return out;
}

function enforcementOf(r: RouterSession, input: ClassifyInput): { kind: EnforcementKind; subscriptionId: number } | null {
  const sub = input.subscriptions.get(r.username);
  if (!sub) return null;
  if (sub.access === 'offline') return { kind: 'should_be_offline', subscriptionId: sub.id };
  if (!input.isolated || !r.address) return null;
  const listed = input.isolated.has(r.address);
  if (sub.access === 'walled_garden' && !listed) return { kind: 'not_isolated', subscriptionId: sub.id };
  if (sub.access === 'full' && listed) return { kind: 'still_isolated', subscriptionId: sub.id };
  return null;
}
