/**
 * Everything the subscription page shows: the subscription with its plan, customer and any
 * scheduled plan change; its open sessions; its session history, newest first, HISTORY_PAGE_ROWS
 * a page (index accounting_sessions_subscription_start); and its traffic per day over the last
 * USAGE_DAYS days from usage_daily (ISP time zone). The password stays sealed: the page masks it.
 *
 * Octet directions follow RFC 2866 §5.3/5.4 as seen from the NAS: Acct-Input-Octets are what the
 * subscriber sent (upload), Acct-Output-Octets what they received (download).
 */
import { OCTETS_AS_TEXT, type Knex } from '../../lib/db.js';

export const HISTORY_PAGE_ROWS = 20;
export const USAGE_DAYS = 30;

export interface SessionRow {
  id: number;
  acct_session_id: string;
  nas_name: string | null;
  nas_ip: string;
  framed_ip: string | null;
  mac: string | null;
  start_time: Date;
  stop_time: Date | null;
  update_time: Date;
  session_time: number;
  /** Acct-Session-Time as h:mm:ss, with days when longer. */
  duration: string;
  /** 64-bit counters as exact decimal text. */
  input_octets: string;
  output_octets: string;
  terminate_cause: string | null;
}

export interface SubscriptionDetail {
  subscription: Record<string, unknown> & { id: number; customer_id: number; username: string; status: string; plan_id: number };
  openSessions: SessionRow[];
  history: { rows: SessionRow[]; page: number; pages: number; total: number; prev: number | null; next: number | null };
  usage: Array<{ day: string; input_octets: string; output_octets: string; total: number }>;
  usageTotal: { input_octets: number; output_octets: number; total: number };
}

/** Seconds as `1d 02:03:04` or `2:03:04`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86_400);
  const hms = `${Math.floor((s % 86_400) / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return days ? `${days}d ${hms}` : hms;
}

function sessions(db: Knex): Knex.QueryBuilder {
  return db('accounting_sessions as a')
    .leftJoin('nas as n', function () {
      this.on('n.id', 'a.nas_id').orOn(db.raw('(a.nas_id IS NULL AND n.ip_address = a.nas_ip_address)'));
    })
    .select(
      'a.id', 'a.acct_session_id', 'n.name as nas_name', 'a.start_time', 'a.stop_time', 'a.update_time', 'a.session_time',
      'a.terminate_cause', db.raw(OCTETS_AS_TEXT('a')),
      db.raw('host(a.nas_ip_address) AS nas_ip, host(a.framed_ip_address) AS framed_ip, a.calling_station_id AS mac'),
      db.raw('text(a.framed_ipv6_prefix) AS framed_ipv6_prefix, text(a.delegated_ipv6_prefix) AS delegated_ipv6_prefix, host(a.framed_ipv6_address) AS framed_ipv6_address, a.framed_interface_id'),
    );
}

const withDuration = (rows: Array<Omit<SessionRow, 'duration'>>): SessionRow[] => rows.map((r) => ({ ...r, duration: formatDuration(Number(r.session_time)) }));

/** Only the history page (its htmx fragment). */
export async function sessionHistory(db: Knex, subscriptionId: number, page: number): Promise<SubscriptionDetail['history']> {
  const counted = await db('accounting_sessions').where({ subscription_id: subscriptionId }).count({ n: '*' }).first();
  const total = Number(counted?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / HISTORY_PAGE_ROWS));
  const current = Math.min(Math.max(1, page), pages);
  const rows = await sessions(db).where('a.subscription_id', subscriptionId)
    .orderBy([{ column: 'a.start_time', order: 'desc' }, { column: 'a.id', order: 'desc' }])
    .limit(HISTORY_PAGE_ROWS).offset((current - 1) * HISTORY_PAGE_ROWS);
  return { rows: withDuration(rows), page: current, pages, total, prev: current > 1 ? current - 1 : null, next: current < pages ? current + 1 : null };
}

/**
 * The page's data, or null when there is no such subscription.
 * @param today local date (YYYY-MM-DD) in the ISP time zone: the last day of the usage table.
 */
export async function subscriptionDetail(db: Knex, id: number, today: string, historyPage: number): Promise<SubscriptionDetail | null> {
  const subscription = await db('subscriptions as s')
    .join('plans as p', 'p.id', 's.plan_id')
    .join('customers as c', 'c.id', 's.customer_id')
    .leftJoin('plans as np', 'np.id', 's.next_plan_id')
    .leftJoin('devices as d', 'd.id', 's.device_id')
    .where('s.id', id)
    .first(
      's.id', 's.customer_id', 's.plan_id', 's.username', 's.service_type', 's.status', 's.status_reason', 's.status_changed_at',
      's.billing_type', 's.anchor_day', 's.paid_until', 's.started_at', 's.terminated_at', 's.framed_pool', 's.version',
      's.notes', 's.termination_reason', 's.released_username',
      'c.name as customer_name', 'c.customer_number', 'p.name as plan_name', 'p.price as plan_price', 'p.rate_limit', 'p.billing_cycle',
      'p.cycle_days', 'p.framed_pool as plan_pool', 'np.name as next_plan_name',
      's.device_id', 's.device_port', 's.latitude', 's.longitude', 'd.name as device_name', 'd.kind as device_kind',
      db.raw(`host(s.static_ip) AS static_ip, s.mac_address::text AS mac_address, to_char(s.next_plan_effective, 'YYYY-MM-DD') AS next_plan_effective`),
      db.raw('text(s.framed_ipv6_prefix) AS framed_ipv6_prefix, text(s.delegated_ipv6_prefix) AS delegated_ipv6_prefix'),
      'p.framed_ipv6_pool as plan_framed_ipv6_pool', 'p.delegated_ipv6_pool as plan_delegated_ipv6_pool',
    );
  if (!subscription) return null;
  const [open, history, usageRows] = await Promise.all([
    sessions(db)
      .whereNull('a.stop_time')
      .where((w) => w.where('a.subscription_id', id).orWhere((o) => o.whereNull('a.subscription_id').where('a.username', subscription.username)))
      .orderBy('a.start_time', 'desc'),
    sessionHistory(db, id, historyPage),
    db('usage_daily').where({ subscription_id: id }).whereRaw('day > ?::date - ?::int', [today, USAGE_DAYS]).orderBy('day', 'desc')
      .select('day', db.raw(OCTETS_AS_TEXT('usage_daily'))),
  ]);
  const usage = (usageRows as Array<{ day: string; input_octets: string; output_octets: string }>).map((u) => ({ ...u, total: Number(u.input_octets) + Number(u.output_octets) }));
  const usageTotal = usage.reduce((t, u) => ({ input_octets: t.input_octets + Number(u.input_octets), output_octets: t.output_octets + Number(u.output_octets), total: t.total + u.total }), { input_octets: 0, output_octets: 0, total: 0 });
  return { subscription: subscription as SubscriptionDetail['subscription'], openSessions: withDuration(open), history, usage, usageTotal };
}
