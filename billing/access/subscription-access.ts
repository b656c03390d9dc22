/**
 * The read model the radius role decides on: subscriptions with their access fields, plans with
 * their network attributes, open sessions and quota usage. This is the one module through which
 * aaa/ reads billing's state (ARCHITECTURE.md, "Dependency rules"); aaa/replica keeps the result in memory.
 */
import type { Knex } from '../../lib/db.js';
import { preparedQuery } from '../../lib/prepared-query.js';
import type { BillingCycle } from '../plans/billing-period.js';

export type SubscriptionStatus = 'active' | 'soft_limited' | 'suspended' | 'terminated';

export interface SubscriptionAccess {
  id: number;
  customerId: number;
  planId: number;
  username: string;
  /** Sealed password (lib/secret-box.ts); opened by the replica on first use. */
  passwordEnc: string;
  serviceType: 'pppoe' | 'hotspot';
  status: SubscriptionStatus;
  billingType: 'postpaid' | 'prepaid';
  anchorDay: number;
  /** Local date the subscription started (YYYY-MM-DD, ISP time zone): anchors billing periods. */
  startDate: string;
  /** Epoch milliseconds, or null. */
  paidUntil: number | null;
  staticIp: string | null;
  framedPool: string | null;
  macAddress: string | null;
  /** Static Framed-IPv6-Prefix (RFC 3162 §2.3), `2001:db8:0:1::/64`; null or absent: none. */
  framedIpv6Prefix?: string | null;
  /** Static Delegated-IPv6-Prefix (RFC 4818), `2001:db8:100::/56`; null or absent: none. */
  delegatedIpv6Prefix?: string | null;
}

export interface PlanAccess {
  id: number;
  name: string;
  rateLimit: string;
  quotaBytes: number | null;
  fupRateLimit: string | null;
  softLimitRateLimit: string | null;
  framedPool: string | null;
  /** Framed-IPv6-Pool (RFC 3162 §2.6): an `/ipv6 pool` on the router; null or absent: none. */
  framedIpv6Pool?: string | null;
  /** The router's DHCPv6-PD pool: Mikrotik-Delegated-IPv6-Pool / Delegated-IPv6-Prefix-Pool (RFC 6911 §3.4); null or absent: none. */
  delegatedIpv6Pool?: string | null;
  mikrotikGroup: string | null;
  sessionTimeout: number | null;
  idleTimeout: number | null;
  simultaneousUse: number;
  billingCycle: BillingCycle;
  cycleDays: number | null;
}

export interface OpenSessionAccess {
  subscriptionId: number;
  sessionKey: string;
  nasIpAddress: string;
  acctSessionId: string;
  callingStationId: string | null;
  framedIpAddress: string | null;
  /** Epoch milliseconds of the last accounting update. */
  updateTime: number;
}

const SUBSCRIPTION_COLUMNS = `
  s.id, s.customer_id AS "customerId", s.plan_id AS "planId", s.username, s.password_enc AS "passwordEnc",
  s.service_type AS "serviceType", s.status, s.billing_type AS "billingType", s.anchor_day AS "anchorDay",
  to_char(s.started_at AT TIME ZONE ?, 'YYYY-MM-DD') AS "startDate",
  (extract(epoch FROM s.paid_until) * 1000)::bigint AS "paidUntil",
  host(s.static_ip) AS "staticIp", s.framed_pool AS "framedPool", s.mac_address::text AS "macAddress",
  text(s.framed_ipv6_prefix) AS "framedIpv6Prefix", text(s.delegated_ipv6_prefix) AS "delegatedIpv6Prefix"`;

/** Subscriptions by id (all when `ids` is omitted). Terminated ones are included: they get a precise Reply-Message. */
export async function loadSubscriptionAccess(db: Knex, timeZone: string, ids?: number[]): Promise<SubscriptionAccess[]> {
  const where = ids ? 'WHERE s.id = ANY(?::bigint[])' : '';
  const params: unknown[] = ids ? [timeZone, ids] : [timeZone];
  const { rows } = await db.raw(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions s ${where}`, params as Knex.RawBinding[]);
  return rows as SubscriptionAccess[];
}

/**
 * The subscription with this username (one query), or null. Usernames are 1-64 characters
 * without NUL (migrations/…_subscriptions.ts): the caller rejects other names before asking.
 */
export async function findSubscriptionAccessByUsername(db: Knex, timeZone: string, username: string): Promise<SubscriptionAccess | null> {
  const { rows } = await db.raw(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions s WHERE s.username = ?`, [timeZone, username]);
  return (rows[0] as SubscriptionAccess | undefined) ?? null;
}

/** What the NAS knows a subscription by: its login name and service (nas-control), or null when it does not exist. */
export async function loadSubscriptionLogin(db: Knex, subscriptionId: number): Promise<Pick<SubscriptionAccess, 'username' | 'serviceType'> | null> {
  const row = await db('subscriptions').where({ id: subscriptionId }).first('username', 'service_type');
  return row ? { username: String(row.username), serviceType: row.service_type as SubscriptionAccess['serviceType'] } : null;
}

/** Plans by id (all when `ids` is omitted). */
export async function loadPlanAccess(db: Knex, ids?: number[]): Promise<PlanAccess[]> {
  const where = ids ? 'WHERE id = ANY(?::bigint[])' : '';
  const { rows } = await db.raw(
    `SELECT id, name, rate_limit AS "rateLimit", quota_bytes AS "quotaBytes", fup_rate_limit AS "fupRateLimit",
            soft_limit_rate_limit AS "softLimitRateLimit", framed_pool AS "framedPool", mikrotik_group AS "mikrotikGroup",
            framed_ipv6_pool AS "framedIpv6Pool", delegated_ipv6_pool AS "delegatedIpv6Pool",
            session_timeout AS "sessionTimeout", idle_timeout AS "idleTimeout", simultaneous_use AS "simultaneousUse",
            billing_cycle AS "billingCycle", cycle_days AS "cycleDays"
       FROM plans ${where}`,
    ids ? [ids] : [],
  );
  return rows as PlanAccess[];
}

const OPEN_SESSIONS = `
  SELECT subscription_id AS "subscriptionId", session_key::text AS "sessionKey", host(nas_ip_address) AS "nasIpAddress",
         acct_session_id AS "acctSessionId", calling_station_id AS "callingStationId",
         host(framed_ip_address) AS "framedIpAddress", (extract(epoch FROM update_time) * 1000)::bigint AS "updateTime"
    FROM accounting_sessions
   WHERE stop_time IS NULL AND subscription_id IS NOT NULL`;

/**
 * Open sessions (stop_time IS NULL) of the given subscriptions, or of all subscriptions.
 * By id, it runs prepared (lib/prepared-query.ts): an Access-Request reads the sessions of its
 * subscription when a Start or Stop changed them since (aaa/replica/replica-lookups.ts), and
 * planning this query over the partitioned history cost three times its execution (0.42 ms
 * against 0.15 ms, pg_stat_statements during `npm run bench:radius -- --only acct`).
 */
export async function loadOpenSessions(db: Knex, subscriptionIds?: number[]): Promise<OpenSessionAccess[]> {
  const { rows } = subscriptionIds
    ? await preparedQuery<OpenSessionAccess>(db, 'replica_open_sessions', `${OPEN_SESSIONS} AND subscription_id = ANY(?::bigint[])`, [subscriptionIds])
    : await db.raw<{ rows: OpenSessionAccess[] }>(OPEN_SESSIONS);
  return rows;
}

/**
 * Octets (in + out) used per subscription from local date `from` on, for the given subscriptions.
 * A bigint: 64-bit counters (RFC 2869 §5.1-5.2) pass 2^53, where the int8 parser of lib/db.ts
 * would throw and stop the replica load. Summed as numeric and capped at 2^63 − 1: no quota means
 * more, and no row's value can make the query fail.
 */
export async function loadUsageSince(
  db: Knex,
  subscriptionIds: number[],
  from: Map<number, string>,
): Promise<Map<number, bigint>> {
  const ids = subscriptionIds.filter((id) => from.has(id));
  if (!ids.length) return new Map();
  const { rows } = await db.raw(
    `SELECT u.subscription_id AS id,
            least(coalesce(sum(u.input_octets::numeric + u.output_octets::numeric), 0), 9223372036854775807)::text AS octets
       FROM usage_daily u
       JOIN unnest(?::bigint[], ?::date[]) AS p(id, since) ON p.id = u.subscription_id AND u.day >= p.since
      GROUP BY u.subscription_id`,
    [ids, ids.map((id) => from.get(id)!)],
  );
  const out = new Map<number, bigint>(ids.map((id) => [id, 0n]));
  for (const r of rows as Array<{ id: number; octets: string }>) out.set(Number(r.id), BigInt(r.octets));
  return out;
}
