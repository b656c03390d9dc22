/**
 * The device list: filters by kind and by parent (the devices hanging directly off one device,
 * or "top level": none), a search over name and address, sorting by name or kind, PAGE_SIZE rows
 * a page. Each row carries its parent, its ports in use (child devices and subscriptions on it)
 * against its port count, and its state (device_state, when the prober has one).
 */
import type { Knex } from '../../lib/db.js';
import { queryValue } from '../../lib/http/request.js';
import { DEVICE_KINDS } from '../../network/devices/device-form.js';
import { likePattern } from '../customers/list-customers.js';

export const PAGE_SIZE = 50;
export const DEVICE_SORTS = ['name', 'kind'] as const;

export interface DeviceListQuery {
  q: string;
  kind: string;
  /** A device id, 'none' for top-level devices, '' for any. */
  parent: string;
  sort: (typeof DEVICE_SORTS)[number];
  dir: 'asc' | 'desc';
  page: number;
}

export interface DeviceList {
  rows: Array<Record<string, unknown>>;
  total: number;
  page: number;
  pages: number;
}

/** The list's query from a query string (anything unknown: no filter). */
export function deviceListQuery(q: Record<string, unknown>): DeviceListQuery {
  const kind = queryValue(q.kind, 20);
  const parent = queryValue(q.parent, 16);
  const sort = queryValue(q.sort, 10);
  return {
    q: queryValue(q.q, 100).trim(),
    kind: (DEVICE_KINDS as readonly string[]).includes(kind) ? kind : '',
    parent: parent === 'none' || /^\d{1,15}$/.test(parent) ? parent : '',
    sort: (DEVICE_SORTS as readonly string[]).includes(sort) ? (sort as DeviceListQuery['sort']) : 'name',
    dir: queryValue(q.dir, 4) === 'desc' ? 'desc' : 'asc',
    page: Number.parseInt(queryValue(q.page, 6), 10) || 1,
  };
}

function filtered(db: Knex, query: DeviceListQuery): Knex.QueryBuilder {
  const b = db('devices as d');
  if (query.kind) b.where('d.kind', query.kind);
  if (query.parent === 'none') b.whereNull('d.parent_id');
  else if (query.parent) b.where('d.parent_id', Number(query.parent));
  if (query.q) b.where((w) => w.whereRaw('lower(d.name) LIKE ?', [likePattern(query.q)]).orWhereRaw('host(d.address) LIKE ?', [likePattern(query.q)]));
  return b;
}

/** One page of devices; a page past the end gives the last one. */
export async function listDevices(db: Knex, query: DeviceListQuery, pageSize = PAGE_SIZE): Promise<DeviceList> {
  const counted = (await filtered(db, query).count({ n: '*' })) as Array<{ n: string | number }>;
  const total = Number(counted[0]?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, query.page), pages);
  const order = query.sort === 'kind' ? [{ column: 'd.kind', order: query.dir }, { column: 'd.name' }] : [{ column: 'd.name', order: query.dir }, { column: 'd.id' }];
  const rows = await filtered(db, query)
    .leftJoin('devices as p', 'p.id', 'd.parent_id')
    .leftJoin('device_state as st', 'st.device_id', 'd.id')
    .select('d.id', 'd.kind', 'd.name', 'd.parent_id', 'd.parent_port', 'd.port_count', 'p.name as parent_name', 'st.state',
      db.raw('host(d.address) AS address'),
      db.raw('((SELECT count(*) FROM devices c WHERE c.parent_id = d.id AND c.parent_port IS NOT NULL) + (SELECT count(*) FROM subscriptions s WHERE s.device_id = d.id AND s.device_port IS NOT NULL))::int AS ports_used'),
      db.raw('(SELECT count(*)::int FROM subscriptions s WHERE s.device_id = d.id) AS subscriptions'))
    .orderBy(order)
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return { rows, total, page, pages };
}

/** Every device as a choice (parent select, subscription form), by name: id, name, kind, port count. */
export async function deviceChoices(db: Knex): Promise<Array<{ id: number; name: string; kind: string; port_count: number | null }>> {
  const rows = await db('devices').orderBy([{ column: 'name' }, { column: 'id' }]).select('id', 'name', 'kind', 'port_count');
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
