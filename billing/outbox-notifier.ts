/**
 * The billing Notifier on the notification outbox: each message becomes one row per suitable
 * channel (chooseTargets: WhatsApp or else SMS for a phone, e-mail for an address), with its
 * values formatted in the customer's language (rupiah `Rp 150.000`, dates `21 November 2026`).
 * One INSERT per call however many messages, so the invoice run and the dunning pass can queue
 * 100,000 messages in seconds; the idempotency key makes a repeated call queue nothing.
 */
import type { Clock } from '../lib/clock.js';
import { formatRupiah } from '../lib/money.js';
import type { ChannelName, Locale } from './notifications/channel.js';
import { chooseTargets, notifyStaff } from './notifications/enqueue.js';
import type { CustomerMessage, Notifier } from './notifier.js';

const dateFormats: Record<Locale, Intl.DateTimeFormat> = {
  id: new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
};

/** A local date (YYYY-MM-DD) as a customer reads it: `21 November 2026`. */
export function formatLocalDate(day: string, locale: Locale): string {
  return dateFormats[locale].format(new Date(`${day}T00:00:00Z`));
}

export function createOutboxNotifier(opts: {
  clock: Clock;
  /** The customer channels configured on this server. */
  channels: readonly ChannelName[];
  companyName: () => Promise<string>;
  /** Staff Telegram chat, when Telegram is configured. */
  staffChatId?: string;
}): Notifier {
  return {
    async customers(trx, messages) {
      if (!messages.length || !opts.channels.length) return 0;
      const ids = [...new Set(messages.map((m) => m.customerId))];
      const customers = new Map(
        ((await trx('customers').whereIn('id', ids).select('id', 'name', 'customer_number', 'phone', 'email', 'locale')) as Array<{
          id: number; name: string; customer_number: string; phone: string | null; email: string | null; locale: Locale;
        }>).map((c) => [Number(c.id), c]),
      );
      const companyName = await opts.companyName();
      const notBefore = opts.clock.now().toISOString();
      const rows: Array<Record<string, unknown>> = [];
      for (const m of messages) {
        const c = customers.get(m.customerId);
        if (!c) continue;
        for (const t of chooseTargets({ id: c.id, phone: c.phone, email: c.email, locale: c.locale }, opts.channels)) {
          rows.push({
            idempotency_key: `${m.idempotencyKey}:${t.channel}`,
            channel: t.channel,
            recipient: t.recipient,
            customer_id: c.id,
            template: m.template,
            locale: c.locale,
            payload: payloadFor(m, c, companyName),
            next_attempt_at: notBefore,
            created_at: notBefore,
          });
        }
      }
      if (!rows.length) return 0;
      const { rows: inserted } = await trx.raw(
        `INSERT INTO notification_outbox (idempotency_key, channel, recipient, customer_id, template, locale, payload, next_attempt_at, created_at)
         SELECT idempotency_key, channel, recipient, customer_id, template, locale, payload, next_attempt_at, created_at
           FROM json_to_recordset(?::json) AS t(idempotency_key text, channel text, recipient text, customer_id bigint,
                                                template text, locale text, payload jsonb, next_attempt_at timestamptz, created_at timestamptz)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING id`,
        [JSON.stringify(rows)],
      );
      return inserted.length;
    },
    async staff(trx, message, idempotencyKey) {
      if (!opts.staffChatId) return;
      await notifyStaff(trx, {
        template: 'staff_alert',
        payload: { message, companyName: await opts.companyName() },
        idempotencyKey,
        chatId: opts.staffChatId,
        notBefore: opts.clock.now(),
      });
    },
  };
}

function payloadFor(m: CustomerMessage, c: { name: string; customer_number: string; locale: Locale }, companyName: string): Record<string, string> {
  const p: Record<string, string> = { customerName: c.name, customerNumber: c.customer_number, companyName };
  if (m.data.invoiceNumber !== undefined) p.invoiceNumber = m.data.invoiceNumber;
  if (m.data.amount !== undefined) p.amount = formatRupiah(m.data.amount);
  if (m.data.dueDate !== undefined) p.dueDate = formatLocalDate(m.data.dueDate, c.locale);
  if (m.data.planName !== undefined) p.planName = m.data.planName;
  if (m.data.payUrl !== undefined) p.payUrl = m.data.payUrl;
  return p;
}
