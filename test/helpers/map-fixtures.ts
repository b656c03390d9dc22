/**
 * A small located network for the map's tests (test/scenarios/network-map.test.ts,
 * test/e2e/network-map.test.ts): an OLT and an ODP (8 ports, port 5 taken by a device without a
 * location) near Cibubur, and four subscriptions beside the ODP, one per map state: online (an
 * open accounting session, on port 1), offline (its last session closed, port 2), isolated
 * (suspended, on no device), overdue (an overdue invoice, port 3).
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from '../../lib/db.js';
import { createSubscription } from './factories.js';

export interface MapNetwork {
  olt: number;
  odp: number;
  online: number;
  offline: number;
  isolated: number;
  overdue: number;
}

/** A subscription at (lat, lng), on ODP `odp` port `port` when given. */
export async function locatedSubscription(db: Knex, lat: number, lng: number, over: { status?: string; odp?: number; port?: number } = {}): Promise<number> {
  const s = await createSubscription(db, { username: `map-${randomUUID().slice(0, 8)}`, status: over.status });
  await db('subscriptions').where({ id: s.id }).update({ latitude: lat, longitude: lng, device_id: over.port ? over.odp : null, device_port: over.port ?? null });
  return s.id;
}

export async function seedMapNetwork(db: Knex): Promise<MapNetwork> {
  const device = async (row: Record<string, unknown>): Promise<number> => Number((await db('devices').insert(row).returning('id'))[0].id);
  const olt = await device({ kind: 'olt', name: 'OLT Cibubur', latitude: -6.31, longitude: 106.91, port_count: 16 });
  const odp = await device({ kind: 'odp', name: 'ODP Melati 01', parent_id: olt, parent_port: 3, latitude: -6.3, longitude: 106.9, port_count: 8 });
  await device({ kind: 'cpe', name: 'CPE tanpa lokasi', parent_id: odp, parent_port: 5 });
  const ids: MapNetwork = {
    olt, odp,
    online: await locatedSubscription(db, -6.2995, 106.9012, { odp, port: 1 }),
    offline: await locatedSubscription(db, -6.3012, 106.9008, { odp, port: 2 }),
    isolated: await locatedSubscription(db, -6.2992, 106.8988, { status: 'suspended' }),
    overdue: await locatedSubscription(db, -6.3008, 106.8991, { odp, port: 3 }),
  };
  const username = async (id: number): Promise<string> => (await db('subscriptions').where({ id }).first('username')).username;
  await db('accounting_sessions').insert({
    session_key: randomUUID(), acct_session_id: '81a00001', username: await username(ids.online), subscription_id: ids.online,
    nas_ip_address: '10.9.0.1', start_time: new Date('2026-12-07T01:00:00Z'), update_time: new Date('2026-12-07T02:55:00Z'),
  });
  await db('accounting_sessions').insert({
    session_key: randomUUID(), acct_session_id: '81a00002', username: await username(ids.offline), subscription_id: ids.offline,
    nas_ip_address: '10.9.0.1', start_time: new Date('2026-12-06T01:00:00Z'), update_time: new Date('2026-12-06T02:00:00Z'), stop_time: new Date('2026-12-06T02:00:00Z'),
  });
  const overdue = await db('subscriptions').where({ id: ids.overdue }).first('customer_id');
  await db('invoices').insert({
    customer_id: overdue.customer_id, subscription_id: ids.overdue, kind: 'recurring', period_start: '2026-11-01', period_end: '2026-11-30',
    issue_date: '2026-11-01', due_date: '2026-11-10', status: 'overdue', subtotal: 150_000, total: 150_000, invoice_number: `INV/2026/11/${randomUUID().slice(0, 6)}`,
  });
  return ids;
}
