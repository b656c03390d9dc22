/**
 * The assistant's bookkeeping (tables: migrations/20261208000800_whatsapp_assistant.ts): the
 * conversation of a number, locked for the message being handled so two webhooks for one number
 * are handled one after the other; the inbound message stored once per provider id; the reply
 * stored and queued in the notification outbox in the caller's transaction (sent later by the
 * dispatcher, billing/notifications/dispatch.ts, through the configured WhatsApp channel).
 */
import type { Knex } from '../../lib/db.js';
import type { Locale } from '../../lib/i18n.js';
import { enqueueNotifications } from '../notifications/enqueue.js';
import type { Command } from './parse-command.js';

export interface Conversation {
  id: number;
  /** E.164 digits without `+` (`6281234567890`). */
  phone: string;
  customer_id: number | null;
  subscription_id: number | null;
  locale: Locale;
  /** A command waiting for the customer to pick a subscription (`{ command }`), else null. */
  pending: { command: Command | null } | null;
  ticket_id: number | null;
  rate_notice_at: Date | null;
}

type Db = Knex | Knex.Transaction;

/** The conversation of `phone`, created on first contact, locked FOR UPDATE until the caller's transaction ends. */
export async function lockConversation(trx: Knex.Transaction, phone: string, locale: Locale, now: Date): Promise<Conversation> {
  await trx.raw('INSERT INTO assistant_conversations (phone, locale, created_at) VALUES (?, ?, ?) ON CONFLICT (phone) DO NOTHING', [phone, locale, now]);
  const row = await trx('assistant_conversations').where({ phone }).forUpdate()
    .first('id', 'phone', 'customer_id', 'subscription_id', 'locale', 'pending', 'ticket_id', 'rate_notice_at');
  return { ...row, id: Number(row.id), customer_id: row.customer_id && Number(row.customer_id), subscription_id: row.subscription_id && Number(row.subscription_id), ticket_id: row.ticket_id && Number(row.ticket_id) } as Conversation;
}

/** Inbound messages of the conversation received after `since` (the rate-limit window). */
export async function inboundSince(trx: Db, conversationId: number, since: Date): Promise<number> {
  const [row] = await trx('assistant_messages').where({ conversation_id: conversationId, direction: 'in' }).where('created_at', '>', since).count<Array<{ count: string }>>('* as count');
  return Number(row?.count ?? 0);
}

/**
 * Stores an inbound message. @returns its id, or null when the provider already delivered a
 * message with this id (a redelivered webhook: handled once).
 */
export async function storeInbound(
  trx: Db,
  input: { conversationId: number; provider: 'cloud' | 'fonnte'; providerMessageId: string | null; body: string; status: 'handled' | 'rate_limited'; now: Date },
): Promise<number | null> {
  const { rows } = await trx.raw(
    `INSERT INTO assistant_messages (conversation_id, direction, provider, provider_message_id, body, status, created_at)
     VALUES (?, 'in', ?, ?, ?, ?, ?)
     ON CONFLICT (provider, provider_message_id) WHERE direction = 'in' AND provider_message_id IS NOT NULL DO NOTHING
     RETURNING id`,
    [input.conversationId, input.provider, input.providerMessageId, input.body.slice(0, 5000), input.status, input.now],
  );
  return rows[0] ? Number(rows[0].id) : null;
}

/** Ties a stored inbound message to the ticket it was passed to. */
export async function linkTicket(trx: Db, messageId: number, ticketId: number): Promise<void> {
  await trx('assistant_messages').where({ id: messageId }).update({ ticket_id: ticketId });
}

/** The form the outbox and channels read a number in (enqueue.ts chooseTargets): Indonesian as digits, others with `+`. */
export function outboxRecipient(phone: string): string {
  return phone.startsWith('62') ? phone : `+${phone}`;
}

/**
 * Stores an outbound message and queues it (template `assistant_reply`, idempotency key
 * `assistant:<message id>`) in the caller's transaction. @returns the message id.
 */
export async function queueReply(
  trx: Db,
  conv: Pick<Conversation, 'id' | 'phone' | 'customer_id'>,
  input: { text: string; locale: Locale; now: Date; ticketId?: number | null },
): Promise<number> {
  const text = input.text.slice(0, 4096); // a WhatsApp text body holds at most 4096 characters
  const [row] = await trx('assistant_messages')
    .insert({ conversation_id: conv.id, direction: 'out', provider: 'outbox', body: text, status: 'queued', ticket_id: input.ticketId ?? null, created_at: input.now })
    .returning('id');
  const id = Number(row.id);
  const key = `assistant:${id}`;
  await enqueueNotifications(trx, [{
    idempotencyKey: key, channel: 'whatsapp', recipient: outboxRecipient(conv.phone), customerId: conv.customer_id,
    template: 'assistant_reply', locale: input.locale, payload: { text },
  }], input.now);
  await trx.raw('UPDATE assistant_messages SET outbox_id = (SELECT id FROM notification_outbox WHERE idempotency_key = ?) WHERE id = ?', [key, id]);
  return id;
}
