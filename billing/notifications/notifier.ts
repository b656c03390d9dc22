/**
 * What billing tells customers, as data (staff hear through staff_alerts, relayed to Telegram by
 * notifications/relay-staff-alerts.ts). The notification module turns each message
 * into outbox rows (one per suitable channel, formatted in the customer's language) inside the
 * same transaction as the change, so a message exists exactly when the change committed.
 */
import type { Knex } from '../../lib/db.js';

export type CustomerTemplate = 'invoice_issued' | 'payment_reminder' | 'payment_received' | 'suspended' | 'reactivated' | 'outage_started' | 'outage_ended';

export interface CustomerMessage {
  customerId: number;
  template: CustomerTemplate;
  /** Unique per message: a retried transaction or a second pass queues nothing new. */
  idempotencyKey: string;
  /** Raw values; formatted per customer locale (rupiah, dates) by the notifier. */
  data: {
    invoiceNumber?: string;
    /** Rupiah. */
    amount?: number;
    /** Local date YYYY-MM-DD. */
    dueDate?: string;
    planName?: string;
    payUrl?: string;
    /** Local date and time `YYYY-MM-DDTHH:mm` (an outage's start). */
    since?: string;
    /** Local date and time `YYYY-MM-DDTHH:mm` (an outage's end). */
    until?: string;
  };
}

export interface Notifier {
  /** Queues the messages; returns how many outbox rows were created. */
  customers(trx: Knex.Transaction, messages: CustomerMessage[]): Promise<number>;
}
