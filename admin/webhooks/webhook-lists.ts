/**
 * What the webhooks screen shows (admin/webhooks/routes.ts): the endpoints with their delivery
 * counts, one endpoint, and its delivery log newest first a page at a time. Never a secret: the
 * sealed columns are not read here.
 */
import type { Knex } from '../../lib/db.js';

export const DELIVERIES_PAGE_SIZE = 50;

export interface EndpointRow {
  id: number;
  url: string;
  description: string;
  events: string[];
  is_active: boolean;
  disabled_reason: string | null;
  failing_since: Date | null;
  previous_secret_until: Date | null;
  created_at: Date;
  pending: number;
  failed: number;
  last_delivered_at: Date | null;
}

const ENDPOINT_COLUMNS = ['e.id', 'e.url', 'e.description', 'e.events', 'e.is_active', 'e.disabled_reason', 'e.failing_since', 'e.previous_secret_until', 'e.created_at'];

function withCounts(db: Knex): Knex.QueryBuilder {
  return db('webhook_endpoints as e').select(
    ...ENDPOINT_COLUMNS,
    db.raw(`(SELECT count(*)::int FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending') AS pending`),
    db.raw(`(SELECT count(*)::int FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'failed') AS failed`),
    db.raw(`(SELECT max(d.delivered_at) FROM webhook_deliveries d WHERE d.endpoint_id = e.id) AS last_delivered_at`),
  );
}

/** Every endpoint, oldest first. */
export async function listEndpoints(db: Knex): Promise<EndpointRow[]> {
  const rows = (await withCounts(db).orderBy('e.id')) as EndpointRow[];
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** One endpoint, or null. */
export async function loadEndpoint(db: Knex, id: number): Promise<EndpointRow | null> {
  const row = (await withCounts(db).where('e.id', id).first()) as EndpointRow | undefined;
  return row ? { ...row, id: Number(row.id) } : null;
}

export interface DeliveryRow {
  id: number;
  event_id: string;
  type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  last_response: string | null;
  last_duration_ms: number | null;
  created_at: Date;
}

/** The endpoint's deliveries newest first; `page` from 1, `hasNext` read from one extra row. */
export async function listDeliveries(db: Knex, endpointId: number, pageAsked: number): Promise<{ rows: DeliveryRow[]; page: number; hasNext: boolean }> {
  const page = Math.max(1, Math.min(pageAsked, 10_000));
  const rows = (await db('webhook_deliveries as d').join('webhook_events as ev', 'ev.id', 'd.event_id')
    .where('d.endpoint_id', endpointId)
    .select('d.id', db.raw('ev.public_id::text AS event_id'), 'ev.type', 'd.status', 'd.attempts', 'd.next_attempt_at', 'd.last_attempt_at', 'd.last_status_code',
      'd.last_error', 'd.last_response', 'd.last_duration_ms', 'd.created_at')
    .orderBy('d.id', 'desc')
    .limit(DELIVERIES_PAGE_SIZE + 1).offset((page - 1) * DELIVERIES_PAGE_SIZE)) as DeliveryRow[];
  return { rows: rows.slice(0, DELIVERIES_PAGE_SIZE).map((r) => ({ ...r, id: Number(r.id) })), page, hasNext: rows.length > DELIVERIES_PAGE_SIZE };
}
