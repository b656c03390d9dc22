/**
 * Live sessions: the open accounting sessions (stop_time IS NULL), with one search box that
 * understands what staff paste (a framed IP, a MAC in any notation, an Acct-Session-Id, or part
 * of a username), a filter by NAS, sorting by start, username or bytes, and offset pagination.
 *
 * Fast with a million session rows: every query reads only the open ones through partial indexes
 * (migrations 20261121000600 and 20261122000100); closed history is never scanned. Counters are
 * deliberately not indexed (an Interim-Update must stay a HOT update), so "sort by bytes" sorts
 * the open sessions that match, a top-N sort over at most the open set.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { OCTETS_AS_TEXT, type Knex } from '../../lib/db.js';
import { likePattern } from '../customers/list-customers.js';

export const SESSION_PAGE_SIZE = 50;
export const SESSION_SORTS = ['start', 'username', 'bytes'] as const;
export type SessionSort = (typeof SESSION_SORTS)[number];

export interface SessionListQuery {
  q: string;
  /** nas.id, or null for every NAS. */
  nasId: number | null;
  sort: SessionSort;
  dir: 'asc' | 'desc';
  /** 1-based. */
  page: number;
}

export interface LiveSessionRow {
  id: number;
  username: string;
  acct_session_id: string;
  subscription_id: number | null;
  customer_id: number | null;
  customer_name: string | null;
  nas_name: string | null;
  nas_ip: string;
  framed_ip: string | null;
  /** IPv6 of the session (Framed-IPv6-Prefix, Delegated-IPv6-Prefix, Framed-IPv6-Address, Framed-Interface-Id), null when not reported. */
  framed_ipv6_prefix?: string | null;
  delegated_ipv6_prefix?: string | null;
  framed_ipv6_address?: string | null;
  framed_interface_id?: string | null;
  mac: string | null;
  start_time: Date;
  update_time: Date;
  session_time: number;
  /** 64-bit counters as exact decimal text (RFC 2869 §5.1/5.2: they pass 2^53). */
  input_octets: string;
  output_octets: string;
}

export interface SessionList {
  rows: LiveSessionRow[];
  total: number;
  page: number;
  pages: number;
}

/** 12 hex digits of a MAC in any notation (AA:BB:…, aa-bb-…, aabb.ccdd.eeff), upper case; else null. */
export function macDigits(q: string): string | null {
  const digits = q.replace(/[:.\-\s]/g, '').toUpperCase();
  return /^[0-9A-F]{12}$/.test(digits) && /^[0-9A-Fa-f:.\-\s]+$/.test(q) ? digits : null;
}

/** The WHERE of the list: open sessions, the NAS filter and the search. */
function filtered(db: Knex, query: SessionListQuery): Knex.QueryBuilder {
  const b = db('accounting_sessions as s').whereNull('s.stop_time');
  if (query.nasId !== null) {
    // Sessions carry the NAS address they came from (nas_id may be null for a NAS registered later).
    b.whereRaw('s.nas_ip_address = (SELECT n.ip_address FROM nas n WHERE n.id = ?)', [query.nasId]);
  }
  const q = query.q.trim();
  if (!q) return b;
  if (isIPv4(q)) return b.whereRaw('s.framed_ip_address = ?::inet', [q]);
  // An IPv6 address: the session whose prefix holds it (the GiST indexes of migrations/…_ipv6.ts).
  if (isIPv6(q)) return b.whereRaw('(s.delegated_ipv6_prefix >>= ?::inet OR s.framed_ipv6_prefix >>= ?::inet OR s.framed_ipv6_address = ?::inet)', [q, q, q]);
  const mac = macDigits(q);
  if (mac) return b.whereRaw(`upper(translate(s.calling_station_id, ':-.', '')) = ?`, [mac]);
  // One trigram index (migration 20261122000100) serves a fragment of a username, a MAC or an
  // address; the Acct-Session-Id is matched whole. A BitmapOr of the two partial indexes.
  return b.where((w) => w
    .whereRaw('session_search_text(s.username, s.calling_station_id, s.framed_ip_address) LIKE ?', [likePattern(q)])
    .orWhere('s.acct_session_id', q));
}

const ORDER: Record<SessionSort, string> = {
  start: 's.start_time',
  username: 's.username',
  bytes: '(s.input_octets::numeric + s.output_octets)',
};

/** One page of live sessions; a page past the end gives the last page. */
export async function listLiveSessions(db: Knex, query: SessionListQuery, pageSize = SESSION_PAGE_SIZE): Promise<SessionList> {
  const counted = (await filtered(db, query).count({ n: '*' })) as Array<{ n: string | number }>;
  const total = Number(counted[0]?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, query.page), pages);
  const dir = query.dir === 'asc' ? 'ASC' : 'DESC';
  // The page's ids first (an index-ordered scan for start and username), then their details:
  // the joins are paid for the rows shown, not for the rows OFFSET skips.
  const ids = filtered(db, query)
    .select('s.id')
    .orderByRaw(`${ORDER[query.sort]} ${dir}, s.id ${dir}`)
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const rows = await db('accounting_sessions as s')
    .join(ids.as('p'), 'p.id', 's.id')
    .leftJoin('nas as n', function () {
      this.on('n.id', 's.nas_id').orOn(db.raw('(s.nas_id IS NULL AND n.ip_address = s.nas_ip_address)'));
    })
    .leftJoin('subscriptions as sub', 'sub.id', 's.subscription_id')
    .leftJoin('customers as c', 'c.id', 'sub.customer_id')
    .select(
      's.id', 's.username', 's.acct_session_id', 's.subscription_id', 'sub.customer_id', 'c.name as customer_name', 'n.name as nas_name',
      db.raw('host(s.nas_ip_address) AS nas_ip, host(s.framed_ip_address) AS framed_ip, s.calling_station_id AS mac'),
      // IPv6 as the NAS reported it (aaa/accounting/session-ipv6.ts).
      db.raw('text(s.framed_ipv6_prefix) AS framed_ipv6_prefix, text(s.delegated_ipv6_prefix) AS delegated_ipv6_prefix, host(s.framed_ipv6_address) AS framed_ipv6_address, s.framed_interface_id'),
      's.start_time', 's.update_time', 's.session_time',
      db.raw(OCTETS_AS_TEXT('s')),
    )
    .orderByRaw(`${ORDER[query.sort]} ${dir}, s.id ${dir}`);
  return { rows: rows as LiveSessionRow[], total, page, pages };
}

/** Registered NAS for the filter, by name. */
export async function nasChoices(db: Knex): Promise<Array<{ id: number; name: string; ip: string }>> {
  return db('nas').orderBy('name').select('id', 'name', db.raw('host(ip_address) AS ip'));
}
