/**
 * A staff member disconnects a subscriber now: every open session of a subscription, or one
 * session from the live sessions list. Billing does not talk to routers (ARCHITECTURE.md, "Dependency rules"): this
 * queues a `nas-control` job with `disconnect: true` after the audit row commits, and the radius
 * role sends a Disconnect-Request (RFC 5176 §3.1) to the NAS holding each session, with the
 * RouterOS API as fallback and a staff alert when both fail (aaa/nas/nas-control.ts). The
 * subscriber's router dials again and is decided afresh.
 *
 * Open sessions are matched as nas-control matches them: tied to the subscription, or not yet
 * tied to any but carrying its username.
 */
import { randomBytes } from 'node:crypto';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { nasControlJobId } from '../../lib/jobs.js';
import type { UseCaseDeps } from '../use-case/use-case-deps.js';

export type DisconnectTarget = { subscriptionId: number } | { sessionId: number };

/**
 * `not_found`: no such subscription, or no such open session; `no_subscription`: the session
 * belongs to no subscription (unknown username), so nothing can identify it to nas-control;
 * `no_open_sessions`: the subscription is offline already.
 */
export type DisconnectOutcome =
  | { ok: true; subscriptionId: number; customerId: number; sessions: number; /** The nas-control job's id (lib/jobs.ts), for the console to follow. */ jobId: string }
  | { ok: false; code: 'not_found' | 'no_subscription' }
  | { ok: false; code: 'no_open_sessions'; subscriptionId: number; customerId: number };

interface OpenSession { session_key: string; acct_session_id: string; nas_ip: string; framed_ip: string | null }

const OPEN_OF_SUBSCRIPTION = `
  SELECT a.session_key::text, a.acct_session_id, host(a.nas_ip_address) AS nas_ip, host(a.framed_ip_address) AS framed_ip
    FROM accounting_sessions a
   WHERE a.stop_time IS NULL AND (a.subscription_id = ? OR (a.subscription_id IS NULL AND a.username = ?))`;

async function target(trx: Knex.Transaction, t: DisconnectTarget): Promise<{ sub: { id: number; customer_id: number; username: string } | null; sessions: OpenSession[] } | null> {
  if ('subscriptionId' in t) {
    const sub = await trx('subscriptions').where({ id: t.subscriptionId }).first('id', 'customer_id', 'username');
    if (!sub) return null;
    const { rows } = await trx.raw(OPEN_OF_SUBSCRIPTION, [sub.id, sub.username]);
    return { sub, sessions: rows as OpenSession[] };
  }
  const session = await trx('accounting_sessions').where({ id: t.sessionId }).whereNull('stop_time')
    .first('subscription_id', 'username', trx.raw('session_key::text'), 'acct_session_id', trx.raw('host(nas_ip_address) AS nas_ip, host(framed_ip_address) AS framed_ip'));
  if (!session) return null;
  const sub = session.subscription_id !== null
    ? await trx('subscriptions').where({ id: session.subscription_id }).first('id', 'customer_id', 'username')
    : await trx('subscriptions').where({ username: session.username }).first('id', 'customer_id', 'username');
  return { sub: sub ?? null, sessions: [session as OpenSession] };
}

export async function disconnectSessions(deps: Pick<UseCaseDeps, 'db' | 'effects' | 'clock'>, input: DisconnectTarget & { actor: AuditActor }): Promise<DisconnectOutcome> {
  return deps.effects.transaction(deps.db, async (trx) => {
    const found = await target(trx, input);
    if (!found) return { ok: false, code: 'not_found' } as const;
    if (!found.sub) return { ok: false, code: 'no_subscription' } as const;
    const subscriptionId = Number(found.sub.id);
    const customerId = Number(found.sub.customer_id);
    if (!found.sessions.length) return { ok: false, code: 'no_open_sessions', subscriptionId, customerId } as const;
    const sessionId = 'sessionId' in input ? input.sessionId : null;
    const one = sessionId !== null ? found.sessions[0]! : null;
    await recordAudit(trx, input.actor, {
      action: 'subscription_disconnected',
      objectType: 'subscription',
      objectId: subscriptionId,
      after: {
        sessions: found.sessions.map((s) => ({ acctSessionId: s.acct_session_id, nasIp: s.nas_ip, framedIp: s.framed_ip })),
        ...(sessionId !== null ? { sessionId } : {}),
      },
    });
    // Every click is a new request to the router: a fresh job id (a repeated id would be ignored
    // by BullMQ while the previous job is still kept).
    const key = `disconnect-${deps.clock.now().getTime()}-${randomBytes(4).toString('hex')}`;
    deps.effects.accessChanged({ subscriptionId, reason: 'staff_disconnect', disconnect: true, ...(one ? { sessionKey: one.session_key } : {}) }, key);
    return { ok: true, subscriptionId, customerId, sessions: found.sessions.length, jobId: nasControlJobId({ subscriptionId }, key) } as const;
  });
}
