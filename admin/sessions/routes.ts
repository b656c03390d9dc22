/**
 * Live sessions: who is online now (open accounting sessions), searchable by username, framed
 * IP, MAC or Acct-Session-Id, filtered by NAS, sorted, paged, exported as CSV, and a
 * per-session "disconnect" that reaches the NAS through nas-control (RFC 5176 Disconnect-Request).
 */
import Router from '@koa/router';
import { disconnectSessions } from '../../billing/subscriptions/disconnect-sessions.js';
import { actorOf, guard, type AdminState } from '../context.js';
import { everyRow, streamCsv } from '../csv.js';
import type { AdminDeps } from '../deps.js';
import { formBody, idParam, queryValue } from '../../lib/http/request.js';
import { formatDuration } from '../subscriptions/subscription-detail.js';
import { listLiveSessions, nasChoices, SESSION_SORTS, type SessionListQuery, type SessionSort } from './list-sessions.js';
import { listLinks } from '../list-links.js';
import { createRouterOutcomes, savedSuffix } from '../subscriptions/router-outcome.js';
import { t } from '../../lib/i18n.js';

function listQuery(q: Record<string, unknown>): SessionListQuery {
  const sort = queryValue(q.sort);
  const nas = queryValue(q.nas, 16);
  return {
    q: queryValue(q.q),
    nasId: /^\d{1,15}$/.test(nas) ? Number(nas) : null,
    sort: (SESSION_SORTS as readonly string[]).includes(sort) ? (sort as SessionSort) : 'start',
    // Newest first unless asked otherwise; names read best A to Z.
    dir: queryValue(q.dir) === 'asc' || (queryValue(q.dir) === '' && sort === 'username') ? 'asc' : 'desc',
    page: Number.parseInt(queryValue(q.page, 6), 10) || 1,
  };
}

const params = (p: SessionListQuery): string =>
  new URLSearchParams({ q: p.q, nas: p.nasId === null ? '' : String(p.nasId), sort: p.sort, dir: p.dir, page: String(p.page) }).toString();

/** Only a path back to this list (no open redirect through the form). */
function backTo(value: unknown): string {
  const v = String(value ?? '');
  return /^\/admin\/sessions(\?[A-Za-z0-9_.~%&=+-]*)?$/.test(v) ? v : '/admin/sessions';
}

export function createSessionRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  const router = createRouterOutcomes(deps);

  r.get('/admin/sessions', ...guard('sessions.view'), async (ctx) => {
    const query = listQuery(ctx.query);
    const [list, routers] = await Promise.all([listLiveSessions(deps.db, query), nasChoices(deps.db)]);
    const now = deps.clock.now().getTime();
    const rows = list.rows.map((s) => ({ ...s, duration: formatDuration((now - new Date(s.start_time).getTime()) / 1000) }));
    const with_ = (over: Partial<SessionListQuery>): string => params({ ...query, ...over });
    deps.render(ctx, 'admin/sessions/list', {
      title: t(ctx.state.locale, 'nav.sessions'),
      query,
      list: { ...list, rows },
      routers,
      saved: queryValue(ctx.query.saved, 40) || null,
      back: `/admin/sessions?${with_({ page: list.page })}`,
      ...listLinks({ query, list, sorts: SESSION_SORTS, params: with_, csvPath: '/admin/sessions.csv', firstDir: 'desc' }),
    }, 'partials/admin/session-results');
  });

  r.get('/admin/sessions.csv', ...guard('sessions.view'), async (ctx) => {
    const query = listQuery(ctx.query);
    const pageSize = 1000;
    await streamCsv(ctx, `sessions-${deps.clock.now().toISOString().slice(0, 10)}.csv`,
      ['username', 'customer', 'nas', 'nas_ip', 'framed_ip', 'mac', 'acct_session_id', 'start_time', 'last_update', 'session_time_s', 'input_octets', 'output_octets'],
      async function* () {
        for await (const s of everyRow((page) => listLiveSessions(deps.replicaDb, { ...query, page }, pageSize))) {
          yield [s.username, s.customer_name ?? '', s.nas_name ?? '', s.nas_ip, s.framed_ip ?? '', s.mac ?? '', s.acct_session_id,
            new Date(s.start_time).toISOString(), new Date(s.update_time).toISOString(), Number(s.session_time), s.input_octets, s.output_octets];
        }
      });
  });

  r.post('/admin/sessions/:id/disconnect', ...guard('sessions.disconnect'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const back = backTo(formBody(ctx).back);
    const outcome = await deps.engine.run((u) => disconnectSessions(u, { sessionId: id, actor: actorOf(ctx) }));
    // What the router answered, waited for briefly (the subscription page keeps following it).
    const saved = outcome.ok ? `disconnect${savedSuffix(await router.follow(outcome.subscriptionId, outcome.jobId))}` : outcome.code === 'not_found' ? 'disconnect_gone' : outcome.code;
    ctx.redirect(`${back}${back.includes('?') ? '&' : '?'}saved=${saved}`);
  });

  return r;
}
