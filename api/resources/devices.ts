/**
 * /devices: the network devices of the monitoring (network/: OLT, ODC, ODP, switches, access
 * points…, ARCHITECTURE.md "Network operations"): list (filters `kind`, `parent_id`, `state`,
 * `q` on name or address) and get, each with the prober's state (device_state: up / down /
 * unknown since when, last probe, round-trip time and loss of the last ping round, fping) and,
 * for one device, its interfaces as SNMP last read them (IF-MIB ifOperStatus, RFC 2863 §3.1.14;
 * speed from ifHighSpeed × 10^6 or ifSpeed). Never the sealed SNMP community or v3 keys: only
 * whether each is set. Read-only here; devices are edited in the console (devices.edit).
 */
import { z } from 'zod';
import { DEVICE_KINDS } from '../../network/devices/device-form.js';
import type { Knex } from '../../lib/db.js';
import { paginate } from '../framework/pagination.js';
import { route, type ApiRoute } from '../framework/route.js';
import { found, idParams, instant, iso, pageOf, pageQuery } from './common.js';

const STATES = ['unknown', 'up', 'down'] as const;

const stateSchema = z.object({
  state: z.enum(STATES), since: instant, last_probe_at: instant, last_up_at: instant,
  consecutive_misses: z.number().int(), rtt_ms: z.number().nullable().describe('Milliseconds, last ping round'), loss_pct: z.number().nullable(),
}).nullable().describe('null: never probed');

const device = z.object({
  id: z.number().int(), kind: z.enum(DEVICE_KINDS), name: z.string(), address: z.string().nullable(),
  nas_id: z.number().int().nullable(), parent_id: z.number().int().nullable(), parent_port: z.number().int().nullable(), port_count: z.number().int().nullable(),
  latitude: z.number().nullable(), longitude: z.number().nullable(), probe_ping: z.boolean(), probe_snmp: z.boolean(),
  snmp_version: z.string().nullable(), snmp_community_set: z.boolean(), snmp_v3_auth_key_set: z.boolean(), snmp_v3_priv_key_set: z.boolean(),
  note: z.string().nullable(), subscriptions: z.number().int().describe('Subscriptions hanging directly off it'),
  state: stateSchema, created_at: instant, updated_at: instant, version: z.number().int(),
}).meta({ id: 'Device' });

const deviceDetail = device.extend({
  interfaces: z.array(z.object({
    id: z.number().int(), if_index: z.number().int(), name: z.string(), alias: z.string(), speed_bps: z.number().nullable(),
    admin_status: z.string().nullable(), oper_status: z.string().nullable(), updated_at: instant,
  })),
  children: z.array(z.object({ id: z.number().int(), name: z.string(), kind: z.enum(DEVICE_KINDS), parent_port: z.number().int().nullable() })),
}).meta({ id: 'DeviceDetail' });

function devicesQuery(db: Knex): Knex.QueryBuilder {
  return db('devices as d').leftJoin('device_state as st', 'st.device_id', 'd.id').select(
    'd.id', 'd.kind', 'd.name', 'd.nas_id', 'd.parent_id', 'd.parent_port', 'd.port_count', 'd.latitude', 'd.longitude', 'd.probe_ping', 'd.probe_snmp',
    'd.snmp_version', 'd.note', 'd.created_at', 'd.updated_at', 'd.version', db.raw('host(d.address) AS address'),
    db.raw('d.snmp_community_enc IS NOT NULL AS snmp_community_set, d.snmp_v3_auth_key_enc IS NOT NULL AS snmp_v3_auth_key_set, d.snmp_v3_priv_key_enc IS NOT NULL AS snmp_v3_priv_key_set'),
    db.raw('(SELECT count(*)::int FROM subscriptions s WHERE s.device_id = d.id) AS subscriptions'),
    'st.state', 'st.since', 'st.last_probe_at', 'st.last_up_at', 'st.consecutive_misses', 'st.rtt_ms', 'st.loss_pct',
  );
}

type DeviceBody = z.infer<typeof device>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
function toDevice(r: Record<string, unknown>): DeviceBody {
  return {
    id: Number(r.id), kind: r.kind as DeviceBody['kind'], name: String(r.name), address: (r.address as string | null) ?? null,
    nas_id: num(r.nas_id), parent_id: num(r.parent_id), parent_port: num(r.parent_port), port_count: num(r.port_count),
    latitude: num(r.latitude), longitude: num(r.longitude), probe_ping: Boolean(r.probe_ping), probe_snmp: Boolean(r.probe_snmp),
    snmp_version: r.snmp_version === null || r.snmp_version === undefined ? null : String(r.snmp_version),
    snmp_community_set: Boolean(r.snmp_community_set), snmp_v3_auth_key_set: Boolean(r.snmp_v3_auth_key_set), snmp_v3_priv_key_set: Boolean(r.snmp_v3_priv_key_set),
    note: (r.note as string | null) ?? null, subscriptions: Number(r.subscriptions),
    state: r.state ? {
      state: r.state as 'unknown' | 'up' | 'down', since: iso(r.since), last_probe_at: iso(r.last_probe_at), last_up_at: iso(r.last_up_at),
      consecutive_misses: Number(r.consecutive_misses), rtt_ms: num(r.rtt_ms), loss_pct: num(r.loss_pct),
    } : null,
    created_at: iso(r.created_at), updated_at: iso(r.updated_at), version: Number(r.version),
  };
}

export const deviceRoutes: ApiRoute[] = [
  route({
    method: 'get', path: '/devices', operationId: 'listDevices', tag: 'Devices', summary: 'List network devices with their state', permission: 'devices.view',
    query: pageQuery.extend({
      kind: z.enum(DEVICE_KINDS).optional(),
      parent_id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().describe('Devices hanging directly off this one'),
      state: z.enum(STATES).optional().describe('unknown includes devices never probed'),
      q: z.string().max(100).optional().describe('Part of the name or the address'),
    }),
    response: { status: 200, schema: pageOf(device, 'Device'), description: 'A page of devices, newest first' },
    async handler({ query, deps }) {
      const q = devicesQuery(deps.db);
      if (query.kind) q.where('d.kind', query.kind);
      if (query.parent_id) q.where('d.parent_id', query.parent_id);
      if (query.state === 'unknown') q.where((w) => w.whereNull('st.state').orWhere('st.state', 'unknown'));
      else if (query.state) q.where('st.state', query.state);
      if (query.q) {
        const like = `%${query.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
        q.where((w) => w.whereILike('d.name', like).orWhereRaw('host(d.address) LIKE ?', [like]));
      }
      const page = await paginate<Record<string, unknown> & { id: number }>(q, 'd.id', query);
      return { body: { data: page.data.map(toDevice), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'get', path: '/devices/{id}', operationId: 'getDevice', tag: 'Devices', summary: 'A device with its state, interfaces and children', permission: 'devices.view',
    params: idParams, problems: [404],
    response: { status: 200, schema: deviceDetail, description: 'The device' },
    async handler({ params, deps }) {
      const row = toDevice(found(await devicesQuery(deps.db).where('d.id', params.id).first()));
      const [interfaces, children] = await Promise.all([
        deps.db('device_interfaces').where({ device_id: params.id }).orderBy('if_index').select('id', 'if_index', 'name', 'alias', 'speed_bps', 'admin_status', 'oper_status', 'updated_at'),
        deps.db('devices').where({ parent_id: params.id }).orderByRaw('parent_port NULLS LAST, name').select('id', 'name', 'kind', 'parent_port'),
      ]);
      return {
        body: {
          ...row,
          interfaces: interfaces.map((i: Record<string, unknown>) => ({
            id: Number(i.id), if_index: Number(i.if_index), name: String(i.name), alias: String(i.alias), speed_bps: num(i.speed_bps),
            admin_status: (i.admin_status as string | null) ?? null, oper_status: (i.oper_status as string | null) ?? null, updated_at: iso(i.updated_at),
          })),
          children: children.map((c: Record<string, unknown>) => ({ id: Number(c.id), name: String(c.name), kind: c.kind as DeviceBody['kind'], parent_port: num(c.parent_port) })),
        },
      };
    },
  }),
];
