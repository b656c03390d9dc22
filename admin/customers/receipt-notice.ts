/**
 * What the customer page says after staff record a payment (ARCHITECTURE.md "Payment flow"): where
 * the receipt went. The engine's recordStaffPayment queues the "payment received" message (the
 * customer's receipt: views/notifications/{id,en}/payment_received.hbs, "keep this message as your
 * receipt") in the payment's own transaction, through the notifier (billing/notifications/outbox-notifier.ts:
 * WhatsApp for a phone when WhatsApp is configured, else SMS; e-mail for an address), keyed
 * `payment_received:<payment id>:<channel>`. This reads those outbox rows back, and when no
 * WhatsApp row was queued says why: the customer has no phone number, or WhatsApp is off.
 * There is no customer-facing receipt link to add: the message itself is the receipt.
 */
import type { Knex } from '../../lib/db.js';

const CHANNELS = ['whatsapp', 'sms', 'email'] as const;

export interface ReceiptNotice {
  /** The outbox rows of the receipt: channel and recipient (62812… or an e-mail address). */
  sentTo: Array<{ channel: (typeof CHANNELS)[number]; recipient: string }>;
  /**
   * `queued`: a WhatsApp receipt is in the outbox; `no_phone`: the customer has no phone number;
   * `off`: WhatsApp is not configured; `not_queued`: none for another reason (a phone WhatsApp
   * cannot take, or the payment was recorded before WhatsApp was set up).
   */
  whatsapp: 'queued' | 'no_phone' | 'off' | 'not_queued';
}

/**
 * The receipt notice of payment `paymentId` of customer `customerId`; null when the payment is not
 * that customer's (a receipt id typed into the URL for someone else shows nothing).
 * @param whatsappOn whether the WhatsApp channel is configured now (engine.channels.whatsapp).
 */
export async function receiptNotice(db: Knex, customerId: number, paymentId: number, whatsappOn: boolean): Promise<ReceiptNotice | null> {
  const customer = await db('payments as p').join('customers as c', 'c.id', 'p.customer_id')
    .where({ 'p.id': paymentId, 'p.customer_id': customerId }).first('c.phone');
  if (!customer) return null;
  const sentTo = (await db('notification_outbox')
    .whereIn('idempotency_key', CHANNELS.map((c) => `payment_received:${paymentId}:${c}`))
    .orderBy('id')
    .select('channel', 'recipient')) as ReceiptNotice['sentTo'];
  const whatsapp = sentTo.some((s) => s.channel === 'whatsapp') ? 'queued' : !customer.phone ? 'no_phone' : !whatsappOn ? 'off' : 'not_queued';
  return { sentTo, whatsapp };
}
