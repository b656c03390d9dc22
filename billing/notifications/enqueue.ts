/**
 * Putting messages in the outbox (`notification_outbox`). This runs inside the caller's
 * transaction: billing marks an invoice paid and enqueues "payment received" in one commit, so a
 * message exists if and only if the change committed. Nothing is sent here; the dispatcher
 * (dispatch.ts) sends due rows later.
 *
 * Every row has an idempotency key (unique): the same event enqueued twice (a retried
 * transaction, a duplicate webhook, a dunning pass run twice) is one row and one message.
 * Pick keys that name the event and channel, e.g. `invoice_issued:INV-2026-11-000123:whatsapp`,
 * `dunning:3:123:sms`.
 */
import type { Knex } from '../../lib/db.js';
import type { ChannelName, Locale } from './channel.js';
import { normalizePhone } from '../../lib/phone.js';
import type { TemplateName } from './templates.js';

export interface OutboxEntry {
  /** Unique per message; a second insert with the same key is ignored. */
  idempotencyKey: string;
  channel: ChannelName;
  /** Phone (E.164 digits, see normalizePhone), e-mail address or Telegram chat id. */
  recipient: string;
  customerId?: number | null;
  template: TemplateName;
  locale: Locale;
  /** Template params, already formatted strings (`formatRupiah(150000)` → `Rp 150.000`). */
  payload: Record<string, string>;
  /** Not sent before this instant (default: at once). */
  notBefore?: Date;
}

function assertPayload(payload: Record<string, string>): void {
  for (const [k, v] of Object.entries(payload)) {
    if (typeof v !== 'string') throw new TypeError(`notification payload ${k} must be a string (format it first), got ${typeof v}`);
  }
}

/**
 * Inserts the entries in one statement (`INSERT … SELECT FROM json_to_recordset … ON CONFLICT
 * (idempotency_key) DO NOTHING`), however many: the invoice run and the dunning pass queue
 * 100,000 messages at a time. `now` is the caller's clock (created_at, and when due unless
 * `notBefore`): the dispatcher compares with the same clock.
 * @returns how many rows were inserted (entries whose key already existed are not).
 * @throws TypeError for a payload value that is not a string; database errors as thrown by pg.
 */
export async function enqueueNotifications(db: Knex | Knex.Transaction, entries: readonly OutboxEntry[], now: Date): Promise<number> {
  if (!entries.length) return 0;
  const rows = entries.map((n) => {
    assertPayload(n.payload);
    return {
      idempotency_key: n.idempotencyKey, channel: n.channel, recipient: n.recipient, customer_id: n.customerId ?? null,
      template: n.template, locale: n.locale, payload: n.payload, next_attempt_at: (n.notBefore ?? now).toISOString(),
    };
  });
  const { rows: inserted } = await db.raw(
    `INSERT INTO notification_outbox (idempotency_key, channel, recipient, customer_id, template, locale, payload, next_attempt_at, created_at)
     SELECT idempotency_key, channel, recipient, customer_id, template, locale, payload, next_attempt_at, ?
       FROM json_to_recordset(?::json) AS t(idempotency_key text, channel text, recipient text, customer_id bigint,
                                            template text, locale text, payload jsonb, next_attempt_at timestamptz)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING id`,
    [now, JSON.stringify(rows)],
  );
  return (inserted as unknown[]).length;
}

export interface CustomerContact {
  phone?: string | null;
  email?: string | null;
}

export interface Target {
  channel: ChannelName;
  /**
   * A phone as the channels read it back unchanged with lib/phone.ts normalizePhone: Indonesian
   * numbers as E.164 digits (62812…), another country's with its `+` (+6591234567: bare, its
   * digits would be read as a national number and refused); or a trimmed e-mail address.
   */
  recipient: string;
}

/**
 * Where a customer message goes, given the enabled channels: WhatsApp when the customer has a
 * valid phone number and whatsapp is enabled, else SMS when sms is enabled; plus e-mail when they
 * have an address and email is enabled. Empty when the customer cannot be reached.
 */
export function chooseTargets(customer: CustomerContact, channels: readonly ChannelName[]): Target[] {
  const targets: Target[] = [];
  const digits = normalizePhone(customer.phone);
  const phone = digits && (digits.startsWith('62') ? digits : `+${digits}`);
  if (phone && channels.includes('whatsapp')) targets.push({ channel: 'whatsapp', recipient: phone });
  else if (phone && channels.includes('sms')) targets.push({ channel: 'sms', recipient: phone });
  const email = customer.email?.trim();
  if (email && /^[^\s@]+@[^\s@]+$/.test(email) && channels.includes('email')) targets.push({ channel: 'email', recipient: email });
  return targets;
}
