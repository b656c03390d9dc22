/**
 * The console's view of network outages (network/alerts/outages.ts writes them): the list, newest
 * first, and one outage with its affected subscriptions and the SLA credit each got
 * (outage_subscriptions.credit_amount; billing/ledger/credit-outage.ts).
 */
import type { Knex } from '../../lib/db.js';

export const OUTAGES_PAGE_SIZE = 50;

export interface OutageRow {
  id: number;
  device_id: number;
  device_name: string;
  device_kind: string;
  started_at: Date;
  ended_at: Date | null;
  affected: number;
  /** Rupiah credited so far. */
  credited: number;
}

export interface AffectedRow {
  subscription_id: number;
  username: string;
  customer_id: number;
  customer_name: string;
  customer_number: string;
  plan_name: string;
  credit_amount: number | null;
  credited_at: Date | null;
}

const base = (db: Knex) =>
  db('outages as o').join('devices as d', 'd.id', 'o.device_id')
    .select('o.id', 'o.device_id', 'd.name as device_name', 'd.kind as device_kind', 'o.started_at', 'o.ended_at', 'o.affected',
      db.raw('(SELECT coalesce(sum(credit_amount), 0) FROM outage_subscriptions os WHERE os.outage_id = o.id)::bigint AS credited'));

const toRow = (r: OutageRow): OutageRow => ({ ...r, id: Number(r.id), device_id: Number(r.device_id), credited: Number(r.credited) });

/** Outages newest first (open ones first), `page` from 1. */
export async function listOutages(db: Knex, page: number): Promise<{ rows: OutageRow[]; page: number; hasNext: boolean }> {
  const p = Math.max(1, Math.min(page, 10_000));
  const rows = (await base(db)
    .orderByRaw('o.ended_at IS NULL DESC, o.started_at DESC, o.id DESC')
    .limit(OUTAGES_PAGE_SIZE + 1).offset((p - 1) * OUTAGES_PAGE_SIZE)) as OutageRow[];
  return { rows: rows.slice(0, OUTAGES_PAGE_SIZE).map(toRow), page: p, hasNext: rows.length > OUTAGES_PAGE_SIZE };
}

/** One outage and its affected subscriptions (by customer), or null. */
export async function outageDetail(db: Knex, id: number): Promise<{ outage: OutageRow; affected: AffectedRow[] } | null> {
  const row = (await base(db).where('o.id', id).first()) as OutageRow | undefined;
  if (!row) return null;
  const affected = (await db('outage_subscriptions as os')
    .join('subscriptions as s', 's.id', 'os.subscription_id')
    .join('customers as c', 'c.id', 's.customer_id')
    .join('plans as p', 'p.id', 's.plan_id')
    .where('os.outage_id', id)
    .orderBy([{ column: 'c.name' }, { column: 's.id' }])
    .select('os.subscription_id', 's.username', 's.customer_id', 'c.name as customer_name', 'c.customer_number', 'p.name as plan_name', 'os.credit_amount', 'os.credited_at')) as AffectedRow[];
  return {
    outage: toRow(row),
    affected: affected.map((a) => ({ ...a, subscription_id: Number(a.subscription_id), customer_id: Number(a.customer_id), credit_amount: a.credit_amount === null ? null : Number(a.credit_amount) })),
  };
}
