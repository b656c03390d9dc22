/**
 * Putting messages in the outbox (`notification_outbox`). These run inside the caller's
 * transaction: billing marks an invoice paid and enqueues "payment received" in one commit, so a
 * message exists if and only if the change committed. Nothing is sent here; the dispatcher
 * (dispatch.ts) sends due rows later.
 *
 * Every row has an idempotency key (unique): the same event enqueued twice (a retried
 * transaction, a duplicate webhook, a dunning pass run twice) is one row and one message.
 * Pick keys that name the event, e.g. `invoice_issued:INV-2026-11-000123`,
 * `payment_reminder:INV-2026-11-000123:d-3`, `suspended:sub-42:v7`.
 */
import type { Knex } from '../../lib/db.js';
import type { ChannelName, Locale } from './channel.js';
import { normalizePhone } from './phone.js';
import type { TemplateName } from './templates.js';

export interface OutboxEntry {
  /** Unique per message; a second insert with the same key is ignored. */
  idempotencyKey: string;
  channel: ChannelName;
  /** Phone (E.164 digits preferred), e-mail address or Telegram chat id. */
  recipient: string;
  customerId?: number | null;
  template: TemplateName;
  locale: Locale;
  /** Template params, already formatted strings (`formatRupiah(150000)` → `Rp 150.000`). */
  payload: Record<string, string>;
  /**
   * Not sent before this instant. Default: due at once (the database's now()); the dispatcher
   * compares with its clock, so a caller with a fixed clock behind real time passes `clock.now()`.
   */
  notBefore?: Date;
}

function assertPayload(payload: Record<string, string>): void {
  for (const [k, v] of Object.entries(payload)) {
    if (typeof v !== 'string') throw new TypeError(`notification payload ${k} must be a string (format it first), got ${typeof v}`);
  }
}

/**
 * Inserts one outbox row (INSERT … ON CONFLICT (idempotency_key) DO NOTHING).
 * @returns true when inserted, false when a row with that key already exists.
 * @throws TypeError for a payload value that is not a string; database errors as thrown by knex.
 */
export async function enqueueNotification(db: Knex | Knex.Transaction, n: OutboxEntry): Promise<boolean> {
  assertPayload(n.payload);
  const rows = (await db('notification_outbox')
    .insert({
      idempotency_key: n.idempotencyKey,
      channel: n.channel,
      recipient: n.recipient,
      customer_id: n.customerId ?? null,
      template: n.template,
      locale: n.locale,
      payload: JSON.stringify(n.payload),
      ...(n.notBefore ? { next_attempt_at: n.notBefore } : {}),
    })
    .onConflict('idempotency_key')
    .ignore()
    .returning('id')) as Array<{ id: number }>;
  return rows.length > 0;
}

export interface CustomerContact {
  id: number;
  phone?: string | null;
  email?: string | null;
  locale?: Locale | null;
}

export interface NotifyCustomerInput {
  customer: CustomerContact;
  template: TemplateName;
  payload: Record<string, string>;
  /** Base key; each row gets `${idempotencyKey}:${channel}`. */
  idempotencyKey: string;
  /** The channels this server has configured (e.g. from config: whatsapp, email). */
  channels: readonly ChannelName[];
  notBefore?: Date;
}

export interface Enqueued {
  channel: ChannelName;
  /** false: that message was already in the outbox. */
  inserted: boolean;
}

export interface Target {
  channel: ChannelName;
  /** Normalised phone (62812…) or trimmed e-mail address. */
  recipient: string;
}

/**
 * Where a customer message goes, given the enabled channels: WhatsApp when the customer has a
 * valid phone number and whatsapp is enabled, else SMS when sms is enabled; plus e-mail when they
 * have an address and email is enabled. Empty when the customer cannot be reached.
 */
export function chooseTargets(customer: Partial<CustomerContact>, channels: readonly ChannelName[]): Target[] {
  const targets: Target[] = [];
  const phone = normalizePhone(customer.phone);
  if (phone && channels.includes('whatsapp')) targets.push({ channel: 'whatsapp', recipient: phone });
  else if (phone && channels.includes('sms')) targets.push({ channel: 'sms', recipient: phone });
  const email = customer.email?.trim();
  if (email && /^[^\s@]+@[^\s@]+$/.test(email) && channels.includes('email')) targets.push({ channel: 'email', recipient: email });
  return targets;
}

/**
 * Enqueues a customer message on each suitable channel (see chooseTargets), in the customer's
 * locale (default `id`), one row per channel keyed `${idempotencyKey}:${channel}`. Phone numbers
 * are stored normalised (62812…). @returns the channels chosen (empty: the customer is unreachable).
 */
export async function notifyCustomer(db: Knex | Knex.Transaction, input: NotifyCustomerInput): Promise<Enqueued[]> {
  const { customer } = input;
  const out: Enqueued[] = [];
  for (const t of chooseTargets(customer, input.channels)) {
    const inserted = await enqueueNotification(db, {
      idempotencyKey: `${input.idempotencyKey}:${t.channel}`,
      channel: t.channel,
      recipient: t.recipient,
      customerId: customer.id,
      template: input.template,
      locale: customer.locale ?? 'id',
      payload: input.payload,
      notBefore: input.notBefore,
    });
    out.push({ channel: t.channel, inserted });
  }
  return out;
}

export interface NotifyStaffInput {
  template: 'staff_alert';
  /** Needs `message`; may carry companyName, customerName, customerNumber. */
  payload: Record<string, string>;
  /** The row's key is `${idempotencyKey}:telegram`. */
  idempotencyKey: string;
  /** Telegram chat id of the staff group (TELEGRAM_CHAT_ID). */
  chatId: string;
  /** Default `id`. */
  locale?: Locale;
  notBefore?: Date;
}

/** Enqueues a staff alert to the staff Telegram chat. @returns true when inserted. */
export async function notifyStaff(db: Knex | Knex.Transaction, input: NotifyStaffInput): Promise<boolean> {
  return enqueueNotification(db, {
    idempotencyKey: `${input.idempotencyKey}:telegram`,
    channel: 'telegram',
    recipient: input.chatId,
    customerId: null,
    template: input.template,
    locale: input.locale ?? 'id',
    payload: input.payload,
    notBefore: input.notBefore,
  });
}
