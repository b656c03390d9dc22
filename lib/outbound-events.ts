/**
 * The outbox of outbound webhook events (README.md, "Webhooks"; ARCHITECTURE.md, "Outbound
 * webhooks"): a change that other systems may want to hear about records its event here, with the
 * change's own transaction, so an event exists exactly when the change commits (a rolled-back
 * payment sends nothing). Recording also creates one pending delivery per active endpoint that
 * subscribes to the type; the worker sends them (billing/webhooks-out/dispatch-deliveries.ts).
 * An event no active endpoint subscribes to is not stored at all: one statement that inserts
 * nothing, so an ISP without webhooks pays one index probe per change.
 *
 * Kernel, like the audit log and staff alerts: billing emits most events, lib/staff-alerts.ts
 * emits `alert.raised`, and neither owns the tables (ARCHITECTURE.md, "Dependency rules").
 *
 * What a receiver gets (the envelope, built at delivery from the stored row):
 * `{ "id": "<uuid>", "type": "payment.received", "created_at": "2026-12-08T02:15:00.000Z", "data": {…} }`
 * with `id` the event's id (the same on every retry and replay: receivers de-duplicate on it),
 * `created_at` the start of the change's transaction (PostgreSQL now()), ISO 8601 UTC, and `data` the
 * event's shape (billing/events/event-data.ts documents each; money in integer rupiah).
 */
import type { Knex } from './db.js';

/** Every event type an endpoint can subscribe to, in the order the console lists them. */
export const EVENT_TYPES = [
  'payment.received',
  'invoice.issued',
  'invoice.overdue',
  'subscription.created',
  'subscription.suspended',
  'subscription.reactivated',
  'alert.raised',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The type of the event "send a test event" sends (not subscribable: it goes to one endpoint on demand). */
export const TEST_EVENT_TYPE = 'webhook.test';

/** One event to record: its type and its `data` object (JSON-serialisable; no secrets). */
export interface OutboundEvent {
  type: EventType;
  data: Record<string, unknown>;
}

/** True when `value` names an event type of EVENT_TYPES. */
export const isEventType = (value: string): value is EventType => (EVENT_TYPES as readonly string[]).includes(value);

/**
 * Records `events` with `db` (the change's transaction, so they exist exactly when it commits)
 * and a pending delivery per active endpoint subscribed to each event's type, in one statement.
 * @returns how many events were stored (those no active endpoint subscribes to are not).
 */
export async function recordEvents(db: Knex | Knex.Transaction, events: readonly OutboundEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  if (events.length > 20) {
    // A big batch (the invoice run, the overdue step): skip serialising it when nobody listens.
    const types = [...new Set(events.map((e) => e.type))];
    if (!(await db('webhook_endpoints').where('is_active', true).whereRaw('events && ?::text[]', [types]).first('id'))) return 0;
  }
  const { rows } = await db.raw(
    `WITH wanted AS (
       SELECT t.ord, t.type, t.data
         FROM jsonb_to_recordset(?::jsonb) AS t(ord int, type text, data jsonb)
        WHERE EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.is_active AND e.events @> ARRAY[t.type])
     ), stored AS (
       INSERT INTO webhook_events (type, data)
       SELECT type, data FROM wanted ORDER BY ord
       RETURNING id, type
     ), deliveries AS (
       INSERT INTO webhook_deliveries (event_id, endpoint_id)
       SELECT s.id, e.id FROM stored s JOIN webhook_endpoints e ON e.is_active AND e.events @> ARRAY[s.type]
     )
     SELECT count(*)::int AS n FROM stored`,
    [JSON.stringify(events.map((e, ord) => ({ ord, type: e.type, data: e.data })))],
  );
  return Number((rows as Array<{ n: number }>)[0]?.n ?? 0);
}

/** Records one event (recordEvents); returns whether it was stored. */
export async function recordEvent(db: Knex | Knex.Transaction, event: OutboundEvent): Promise<boolean> {
  return (await recordEvents(db, [event])) > 0;
}
