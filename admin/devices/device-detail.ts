/**
 * Everything the device page shows: the device (never its sealed SNMP secrets: only whether each
 * is set), its router's NAS, the chain of parents up to the top (network/devices/topology.ts),
 * its children with their ports, its ports used and free (when it has a port count: each port
 * carries one child device or one subscription), the subscriptions hanging off it, how many
 * subscriptions are behind it in all, and its state from the prober (device_state), if any.
 */
import type { Knex } from '../../lib/db.js';
import { deviceAncestors, subscriptionsBehind } from '../../network/devices/topology.js';

export interface DevicePort {
  port: number;
  /** What is on the port: a device or a subscription, with its page; null when free. */
  used: { kind: 'device' | 'subscription'; id: number; name: string } | null;
}

/** The device row for the page and the form (no sealed value), or null. */
export async function loadDevice(db: Knex, id: number): Promise<Record<string, unknown> | null> {
  const row = await db('devices as d').leftJoin('nas as n', 'n.id', 'd.nas_id').where('d.id', id).first(
    'd.id', 'd.kind', 'd.name', 'd.nas_id', 'n.name as nas_name', 'd.parent_id', 'd.parent_port', 'd.port_count', 'd.latitude', 'd.longitude',
    'd.probe_ping', 'd.probe_snmp', 'd.snmp_version', 'd.snmp_port', 'd.snmp_v3_user', 'd.snmp_v3_auth_protocol', 'd.snmp_v3_priv_protocol', 'd.note',
    'd.version', 'd.created_at', 'd.updated_at', db.raw('host(d.address) AS address'),
    db.raw('d.snmp_community_enc IS NOT NULL AS snmp_community_set, d.snmp_v3_auth_key_enc IS NOT NULL AS snmp_v3_auth_key_set, d.snmp_v3_priv_key_enc IS NOT NULL AS snmp_v3_priv_key_set'),
  );
  return row ?? null;
}

export async function deviceDetail(db: Knex, id: number): Promise<Record<string, unknown> | null> {
  const device = await loadDevice(db, id);
  if (!device) return null;
  const ancestorIds = await deviceAncestors(db, id);
  const names = ancestorIds.length ? await db('devices').whereIn('id', ancestorIds).select('id', 'name', 'kind') : [];
  const chain = ancestorIds.map((a) => names.find((n) => Number(n.id) === a)).filter(Boolean).reverse();
  const children = await db('devices').where({ parent_id: id }).orderByRaw('parent_port NULLS LAST, name').select('id', 'name', 'kind', 'parent_port', db.raw('host(address) AS address'));
  const subscriptions = await db('subscriptions as s').join('customers as c', 'c.id', 's.customer_id').where('s.device_id', id)
    .orderByRaw('s.device_port NULLS LAST, s.username').select('s.id', 's.username', 's.status', 's.device_port', 'c.id as customer_id', 'c.name as customer_name');
  const state = (await db('device_state').where({ device_id: id }).first()) ?? null;
  const behind = (await subscriptionsBehind(db, id)).length;
  let ports: DevicePort[] | null = null;
  if (device.port_count !== null) {
    const used = new Map<number, DevicePort['used']>();
    for (const c of children) if (c.parent_port !== null) used.set(Number(c.parent_port), { kind: 'device', id: Number(c.id), name: String(c.name) });
    for (const s of subscriptions) if (s.device_port !== null) used.set(Number(s.device_port), { kind: 'subscription', id: Number(s.id), name: String(s.username) });
    ports = Array.from({ length: Number(device.port_count) }, (_, i) => ({ port: i + 1, used: used.get(i + 1) ?? null }));
  }
  const portsUsed = ports?.filter((p) => p.used).length ?? 0;
  return {
    device, chain, children, subscriptions, state, behind, ports,
    portsUsed, portsFree: ports ? ports.length - portsUsed : null,
  };
}
