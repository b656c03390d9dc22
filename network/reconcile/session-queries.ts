/**
 * The database side of reconciliation: our open sessions on a NAS, the access each online
 * subscription should have, the walled-garden settings, and the close of a lost Stop.
 *
 * network/ may not import aaa/ (ARCHITECTURE.md, "Dependency rules"), so these read aaa's
 * `accounting_sessions` and the `aaa` settings row with SQL of their own. Two facts are
 * mirrored from aaa and must stay in step with it:
 * - the access rule (aaa/policy/decide.ts rule 1-2): terminated → reject; suspended, or prepaid
 *   with paid_until passed or unset → walled garden, or reject when `suspendedAction` is
 *   `reject`; otherwise full access;
 * - the settings defaults (aaa/settings/aaa-settings.ts): list `isolir`, action `walled_garden`.
 */
import type { Knex } from '../../lib/db.js';
import type { ExpectedAccess, OpenSession, SubscriptionState } from './classify-sessions.js';

/**
 * The cause written on a session closed because its router no longer holds it: the cause the
 * stale sweep and the simultaneous-use check write for the same fact (aaa/accounting/
 * accounting-statements.ts STALE_CAUSE). Not an RFC 2866 §5.10 value, on purpose: the accounting
 * upsert lets a later real Stop overwrite such a close (its counters, stop time and cause win)
 * and lets a later Interim-Update reopen it. `Lost-Carrier` or `NAS-Request` would freeze our
 * guess. FreeRADIUS's own answer to the same situation (rlm_sql simultaneous-use check, stale
 * record found by checkrad → session_zap) fakes an Accounting-Stop with no Acct-Terminate-Cause.
 */
export const LOST_STOP_CAUSE = 'Stale-Session';

export interface AccessPolicy { suspendedAction: 'walled_garden' | 'reject'; addressList: string }

/** The walled garden's address list and what suspension does, from the `aaa` settings row. */
export async function readAccessPolicy(db: Knex): Promise<AccessPolicy> {
  const row = await db('settings').where({ key: 'aaa' }).first('value');
  const value = (row?.value ?? {}) as { suspendedAction?: unknown; walledGarden?: { addressList?: unknown } };
  const list = value.walledGarden?.addressList;
  return {
    suspendedAction: value.suspendedAction === 'reject' ? 'reject' : 'walled_garden',
    addressList: typeof list === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(list) ? list : 'isolir',
  };
}

/** Our open sessions on the NAS at `nasIp`. */
export async function loadOpenSessions(db: Knex, nasIp: string): Promise<OpenSession[]> {
  const { rows } = await db.raw(
    `SELECT session_key, acct_session_id, username, subscription_id, host(framed_ip_address) AS framed_ip, start_time
       FROM accounting_sessions WHERE nas_ip_address = ?::inet AND stop_time IS NULL`,
    [nasIp],
  );
  return rows.map((r: Record<string, unknown>) => ({
    sessionKey: String(r.session_key), acctSessionId: String(r.acct_session_id), username: String(r.username),
    subscriptionId: r.subscription_id === null ? null : Number(r.subscription_id), framedIp: (r.framed_ip as string | null) ?? null,
    startTime: new Date(r.start_time as string),
  }));
}

/** The access each of these usernames' subscriptions should have at `now` (unknown usernames are absent). */
export async function loadSubscriptionStates(db: Knex, usernames: readonly string[], now: Date, policy: AccessPolicy): Promise<Map<string, SubscriptionState>> {
  if (!usernames.length) return new Map();
  const { rows } = await db.raw(
    `SELECT id, username, status, (billing_type = 'prepaid' AND (paid_until IS NULL OR paid_until <= ?)) AS expired
       FROM subscriptions WHERE username = ANY(?::text[])`,
    [now, [...new Set(usernames)]],
  );
  return new Map(rows.map((r: { id: string; username: string; status: string; expired: boolean }) => {
    let access: ExpectedAccess = 'full';
    if (r.status === 'terminated') access = 'offline';
    else if (r.status === 'suspended' || r.expired) access = policy.suspendedAction === 'reject' ? 'offline' : 'walled_garden';
    return [r.username, { id: Number(r.id), access }];
  }));
}

/**
 * Closes the sessions the router no longer holds (a lost Stop): stop time = the last update (the
 * last moment the session was known alive, as the stale sweep does), cause LOST_STOP_CAUSE.
 * Only rows still open; returns how many were closed.
 */
export async function closeLostSessions(db: Knex, sessionKeys: readonly string[]): Promise<number> {
  if (!sessionKeys.length) return 0;
  const { rowCount } = await db.raw(
    `UPDATE accounting_sessions SET stop_time = update_time, terminate_cause = ?
      WHERE session_key = ANY(?::uuid[]) AND stop_time IS NULL`,
    [LOST_STOP_CAUSE, [...sessionKeys]],
  );
  return rowCount ?? 0;
}
