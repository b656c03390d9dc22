/**
 * What the network map draws inside a bounding box (bounding-box.ts): subscriptions and devices
 * with a location, each capped at `limit` rows (with the total in the box, so the page can say
 * "zoom in"), so a network of 10,000 subscribers stays usable.
 *
 * - A subscription's state (the marker's colour), first match wins:
 *   `isolated` (status suspended: "Isolir", in the walled garden), `overdue` (an overdue invoice
 *   of the subscription, or of its customer not tied to a subscription), `online` (an open
 *   accounting session: stop_time IS NULL, RFC 2866 Start without Stop), else `offline`.
 *   `online` is also given on its own. Terminated subscriptions are not drawn.
 * - A device: kind, prober state (device_state; 'unknown' when never probed) and, when it has a
 *   port count (an ODP, an OLT…), its ports used and free: a port is used when a device hangs off
 *   it (parent_port) or a subscription does (device_port), as the device page counts them
 *   (admin/devices/device-detail.ts).
 * - `parent`: the location of the device a row hangs off (subscriptions.device_id,
 *   devices.parent_id), for the link drawn to it; null when it has none or no location.
 *
 * Index use: subscriptions_location / devices_location (migrations/20261207001600_map_locations.ts)
 * for the box, accounting_sessions_subscription_start (a subscription's open sessions), invoices_customer.
 */
import type { Knex } from '../../lib/db.js';
import type { BoundingBox } from './bounding-box.js';

export type SubscriptionMapState = 'online' | 'offline' | 'isolated' | 'overdue';

export interface MapSubscription {
  id: number;
  customerId: number;
  customer: string;
  username: string;
  status: string;
  state: SubscriptionMapState;
  online: boolean;
  lat: number;
  lng: number;
  deviceId: number | null;
  devicePort: number | null;
  parent: [number, number] | null;
}

export interface MapDevice {
  id: number;
  kind: string;
  name: string;
  state: 'up' | 'down' | 'unknown';
  lat: number;
  lng: number;
  parentId: number | null;
  parent: [number, number] | null;
  /** Null when the device has no port count. */
  ports: { count: number; used: number; free: number } | null;
  /** Subscriptions hanging off it directly (not terminated). */
  subscriptions: number;
}

export interface MapLayer<T> {
  /** Rows in the box. */
  total: number;
  /** More rows are in the box than `items` holds. */
  capped: boolean;
  items: T[];
}

export interface MapFeatures {
  subscriptions: MapLayer<MapSubscription>;
  devices: MapLayer<MapDevice>;
}

const num = (v: unknown): number => Number(v);
const pair = (lat: unknown, lng: unknown): [number, number] | null => (lat === null || lng === null ? null : [Number(lat), Number(lng)]);

async function subscriptionsIn(db: Knex, box: BoundingBox, limit: number): Promise<MapLayer<MapSubscription>> {
  const where = `s.latitude BETWEEN ? AND ? AND s.longitude BETWEEN ? AND ? AND s.status <> 'terminated'`;
  const params = [box.south, box.north, box.west, box.east];
  const [{ rows: [count] }, { rows }] = await Promise.all([
    db.raw(`SELECT count(*)::int AS n FROM subscriptions s WHERE ${where}`, params),
    db.raw(
      `SELECT s.id, s.customer_id, c.name AS customer, s.username, s.status, s.latitude, s.longitude, s.device_id, s.device_port,
              d.latitude AS parent_lat, d.longitude AS parent_lng,
              EXISTS (SELECT 1 FROM accounting_sessions a WHERE a.subscription_id = s.id AND a.stop_time IS NULL) AS online,
              EXISTS (SELECT 1 FROM invoices i WHERE i.customer_id = s.customer_id AND i.status = 'overdue'
                        AND (i.subscription_id = s.id OR i.subscription_id IS NULL)) AS overdue
         FROM subscriptions s JOIN customers c ON c.id = s.customer_id LEFT JOIN devices d ON d.id = s.device_id
        WHERE ${where} ORDER BY s.id LIMIT ?`,
      [...params, limit],
    ),
  ]);
  const items = (rows as Array<Record<string, unknown>>).map((r): MapSubscription => ({
    id: num(r.id), customerId: num(r.customer_id), customer: String(r.customer), username: String(r.username), status: String(r.status),
    state: r.status === 'suspended' ? 'isolated' : r.overdue ? 'overdue' : r.online ? 'online' : 'offline',
    online: Boolean(r.online), lat: num(r.latitude), lng: num(r.longitude),
    deviceId: r.device_id === null ? null : num(r.device_id), devicePort: r.device_port === null ? null : num(r.device_port),
    parent: pair(r.parent_lat, r.parent_lng),
  }));
  return { total: count.n, capped: count.n > items.length, items };
}

async function devicesIn(db: Knex, box: BoundingBox, limit: number): Promise<MapLayer<MapDevice>> {
  const where = 'd.latitude BETWEEN ? AND ? AND d.longitude BETWEEN ? AND ?';
  const params = [box.south, box.north, box.west, box.east];
  const [{ rows: [count] }, { rows }] = await Promise.all([
    db.raw(`SELECT count(*)::int AS n FROM devices d WHERE ${where}`, params),
    db.raw(
      `SELECT d.id, d.kind, d.name, d.latitude, d.longitude, d.parent_id, d.port_count, coalesce(st.state, 'unknown') AS state,
              p.latitude AS parent_lat, p.longitude AS parent_lng,
              CASE WHEN d.port_count IS NULL THEN NULL ELSE (
                SELECT count(*)::int FROM (
                  SELECT k.parent_port FROM devices k WHERE k.parent_id = d.id AND k.parent_port IS NOT NULL
                  UNION SELECT s.device_port FROM subscriptions s WHERE s.device_id = d.id AND s.device_port IS NOT NULL) used) END AS ports_used,
              (SELECT count(*)::int FROM subscriptions s WHERE s.device_id = d.id AND s.status <> 'terminated') AS subscriptions
         FROM devices d LEFT JOIN devices p ON p.id = d.parent_id LEFT JOIN device_state st ON st.device_id = d.id
        WHERE ${where} ORDER BY d.id LIMIT ?`,
      [...params, limit],
    ),
  ]);
  const items = (rows as Array<Record<string, unknown>>).map((r): MapDevice => {
    const portCount = r.port_count === null ? null : num(r.port_count);
    const used = num(r.ports_used ?? 0);
    return {
      id: num(r.id), kind: String(r.kind), name: String(r.name), state: r.state as MapDevice['state'], lat: num(r.latitude), lng: num(r.longitude),
      parentId: r.parent_id === null ? null : num(r.parent_id), parent: pair(r.parent_lat, r.parent_lng),
      ports: portCount === null ? null : { count: portCount, used, free: Math.max(0, portCount - used) },
      subscriptions: num(r.subscriptions),
    };
  });
  return { total: count.n, capped: count.n > items.length, items };
}

/** Subscriptions and devices located inside `box`, each layer capped at `limit` rows (lowest ids first). */
export async function mapFeatures(db: Knex, box: BoundingBox, limit: number): Promise<MapFeatures> {
  const [subscriptions, devices] = await Promise.all([subscriptionsIn(db, box, limit), devicesIn(db, box, limit)]);
  return { subscriptions, devices };
}

/**
 * Where the map opens: the box around every located subscription and device, or null when
 * nothing has a location yet.
 */
export async function locatedExtent(db: Knex): Promise<BoundingBox | null> {
  const { rows: [r] } = await db.raw(
    `SELECT min(lat) AS south, max(lat) AS north, min(lng) AS west, max(lng) AS east FROM (
       SELECT latitude AS lat, longitude AS lng FROM subscriptions WHERE latitude IS NOT NULL AND status <> 'terminated'
       UNION ALL SELECT latitude, longitude FROM devices WHERE latitude IS NOT NULL) p`,
  );
  if (r.south === null) return null;
  return { west: num(r.west), south: num(r.south), east: num(r.east), north: num(r.north) };
}
