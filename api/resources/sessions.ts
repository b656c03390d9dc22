/**
 * /sessions: RADIUS accounting sessions (RFC 2866), the rows aaa/accounting/ writes.
 * - `online`: the open sessions (`stop_time IS NULL`), filters `nas_id`, `subscription_id`,
 *   `username`. The predicate prunes the month-partitioned table to its open partition
 *   (ARCHITECTURE.md "Accounting partitions"), as admin/sessions/list-sessions.ts reads it;
 * - `history`: the closed sessions stopped in [`from`, `to`) (default: the 31 days before `to`,
 *   at most 366 days, so a query touches a bounded number of monthly partitions), filters
 *   `subscription_id`, `username`;
 * - one session by id (open or closed);
 * - disconnect one open session: the console's use case (billing/subscriptions/disconnect-sessions.ts,
 *   audited `subscription_disconnected`), a Disconnect-Request (RFC 5176 §3) sent by the radius
 *   role after commit; 202 with the nas-control job id.
 * Octet counters are 64-bit (Acct-*-Gigawords × 2^32 + Acct-*-Octets, RFC 2869 §5.1–5.2) and
 * pass 2^53: they are exact decimal strings.
 */
import { z } from 'zod';
import { disconnectSessions } from '../../billing/subscriptions/disconnect-sessions.js';
import { OCTETS_AS_TEXT, type Knex } from '../../lib/db.js';
import { paginate } from '../framework/pagination.js';
import { validationProblem } from '../framework/problem.js';
import { route, type ApiRoute } from '../framework/route.js';
import { found, idParams, instant, iso, pageOf, pageQuery, refusal } from './common.js';

const DAY_MS = 86_400_000;
/** Default and largest span of a history query. */
export const HISTORY_DEFAULT_DAYS = 31;
export const HISTORY_MAX_DAYS = 366;

const octets = z.string().regex(/^\d+$/).describe('64-bit counter as exact decimal text');

const session = z.object({
  id: z.number().int(), username: z.string(), acct_session_id: z.string().describe('Acct-Session-Id (RFC 2866 §5.5)'),
  subscription_id: z.number().int().nullable(), voucher_id: z.number().int().nullable(),
  nas_id: z.number().int().nullable(), nas_name: z.string().nullable(), nas_ip_address: z.string(),
  framed_ip_address: z.string().nullable(), framed_ipv6_prefix: z.string().nullable(), delegated_ipv6_prefix: z.string().nullable(),
  calling_station_id: z.string().nullable().describe('The subscriber\'s MAC as the NAS reports it'),
  start_time: instant, update_time: instant, stop_time: instant.describe('null while the session is open'),
  session_time: z.number().int().describe('Seconds (Acct-Session-Time)'),
  input_octets: octets.describe('Octets from the subscriber (upload)'), output_octets: octets.describe('Octets to the subscriber (download)'),
  terminate_cause: z.string().nullable().describe('Acct-Terminate-Cause (RFC 2866 §5.10)'),
}).meta({ id: 'Session' });

function sessionsQuery(db: Knex): Knex.QueryBuilder {
  return db('accounting_sessions as s')
    // Sessions carry the NAS address they came from; nas_id may be null for a NAS registered later.
    .leftJoin('nas as n', function () {
      this.on('n.id', 's.nas_id').orOn(db.raw('(s.nas_id IS NULL AND n.ip_address = s.nas_ip_address)'));
    })
    .select(
      's.id', 's.username', 's.acct_session_id', 's.subscription_id', 's.voucher_id', 'n.id as nas_id', 'n.name as nas_name',
      db.raw('host(s.nas_ip_address) AS nas_ip_address, host(s.framed_ip_address) AS framed_ip_address'),
      db.raw('text(s.framed_ipv6_prefix) AS framed_ipv6_prefix, text(s.delegated_ipv6_prefix) AS delegated_ipv6_prefix'),
      's.calling_station_id', 's.start_time', 's.update_time', 's.stop_time', 's.session_time', 's.terminate_cause',
      db.raw(OCTETS_AS_TEXT('s')),
    );
}

type SessionBody = z.infer<typeof session>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const toSession = (r: Record<string, unknown>): SessionBody => ({
  ...(r as SessionBody), id: Number(r.id), subscription_id: num(r.subscription_id), voucher_id: num(r.voucher_id), nas_id: num(r.nas_id),
  session_time: Number(r.session_time), start_time: iso(r.start_time), update_time: iso(r.update_time), stop_time: iso(r.stop_time),
});

const filters = {
  subscription_id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  username: z.string().min(1).max(253).optional().describe('Exact User-Name'),
};

/** An instant in a query string: RFC 3339 with offset, or a date (UTC midnight). */
const timeParam = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).optional();

/** The `[from, to)` of a history query: defaults, order and span checked. @throws ProblemError 422 */
export function historyRange(q: { from?: string | undefined; to?: string | undefined }, now: Date): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - HISTORY_DEFAULT_DAYS * DAY_MS);
  if (from >= to) throw validationProblem([{ pointer: '#/query/from', detail: 'must be before `to`' }]);
  if (to.getTime() - from.getTime() > HISTORY_MAX_DAYS * DAY_MS) throw validationProblem([{ pointer: '#/query/from', detail: `at most ${HISTORY_MAX_DAYS} days before \`to\`` }]);
  return { from, to };
}

export const sessionRoutes: ApiRoute[] = [
  route({
    method: 'get', path: '/sessions/online', operationId: 'listOnlineSessions', tag: 'Sessions', summary: 'Who is online: the open sessions', permission: 'sessions.view',
    query: pageQuery.extend({ nas_id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(), ...filters }),
    response: { status: 200, schema: pageOf(session, 'Session'), description: 'A page of open sessions, newest first' },
    async handler({ query, deps }) {
      const q = sessionsQuery(deps.db).whereNull('s.stop_time');
      if (query.nas_id) q.whereRaw('s.nas_ip_address = (SELECT x.ip_address FROM nas x WHERE x.id = ?)', [query.nas_id]);
      if (query.subscription_id) q.where('s.subscription_id', query.subscription_id);
      if (query.username) q.where('s.username', query.username);
      const page = await paginate<Record<string, unknown> & { id: number }>(q, 's.id', query);
      return { body: { data: page.data.map(toSession), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'get', path: '/sessions/history', operationId: 'listSessionHistory', tag: 'Sessions', summary: 'Closed sessions stopped in a time range', permission: 'sessions.view',
    description: `Sessions whose stop time is in [\`from\`, \`to\`) (default: the ${HISTORY_DEFAULT_DAYS} days before \`to\`, which defaults to now; at most ${HISTORY_MAX_DAYS} days).`,
    query: pageQuery.extend({
      from: timeParam.describe('RFC 3339 time or YYYY-MM-DD (UTC midnight), inclusive'),
      to: timeParam.describe('RFC 3339 time or YYYY-MM-DD (UTC midnight), exclusive'),
      ...filters,
    }),
    response: { status: 200, schema: pageOf(session, 'Session'), description: 'A page of closed sessions, newest first' },
    async handler({ query, deps }) {
      const { from, to } = historyRange(query, deps.clock.now());
      // A range on the partition key: only the months it overlaps are scanned (PostgreSQL §5.12.4).
      const q = sessionsQuery(deps.db).where('s.stop_time', '>=', from).where('s.stop_time', '<', to);
      if (query.subscription_id) q.where('s.subscription_id', query.subscription_id);
      if (query.username) q.where('s.username', query.username);
      const page = await paginate<Record<string, unknown> & { id: number }>(q, 's.id', query);
      return { body: { data: page.data.map(toSession), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'get', path: '/sessions/{id}', operationId: 'getSession', tag: 'Sessions', summary: 'A session, open or closed', permission: 'sessions.view',
    params: idParams, problems: [404],
    response: { status: 200, schema: session, description: 'The session' },
    async handler({ params, deps }) {
      return { body: toSession(found(await sessionsQuery(deps.db).where('s.id', params.id).first())) };
    },
  }),
  route({
    method: 'post', path: '/sessions/{id}/disconnect', operationId: 'disconnectSession', tag: 'Sessions', summary: 'Disconnect one open session', permission: 'sessions.disconnect',
    description: 'The console\'s disconnect button: a Disconnect-Request (RFC 5176 §3) to the NAS holding the session, sent by the radius role after the audit row commits. 404 when the session is not open; 409 `no_subscription` when it belongs to no subscription.',
    params: idParams, problems: [404, 409],
    response: {
      status: 202, description: 'Queued for the router',
      schema: z.object({ subscription_id: z.number().int(), sessions: z.number().int(), job_id: z.string().describe('The nas-control job') }).meta({ id: 'SessionDisconnectQueued' }),
    },
    async handler({ params, caller, deps }) {
      const outcome = await deps.engine.run((u) => disconnectSessions(u, { sessionId: params.id, actor: caller.actor }));
      if (!outcome.ok) refusal(outcome);
      return { status: 202, body: { subscription_id: outcome.subscriptionId, sessions: outcome.sessions, job_id: outcome.jobId } };
    },
  }),
];
