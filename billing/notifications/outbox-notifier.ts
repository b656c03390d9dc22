/**
 * The billing Notifier on the notification outbox: each message becomes one row per suitable
 * channel (chooseTargets: WhatsApp or else SMS for a phone, e-mail for an address), with its
 * values formatted in the customer's language (rupiah `Rp 150.000`, dates `21 November 2026`).
 * One INSERT per call however many messages (enqueueNotifications), so the invoice run and the
 * dunning pass can queue 100,000 messages in seconds; the idempotency key makes a repeated call
 * queue nothing.
 */
import type { Clock } from '../../lib/clock.js';
import { formatRupiah } from '../../lib/money.js';
import type { ChannelName, Locale } from './channel.js';
import { chooseTargets, enqueueNotifications, type OutboxEntry } from './enqueue.js';
import type { CustomerMessage, Notifier } from './notifier.js';

const dateFormats: Record<Locale, Intl.DateTimeFormat> = {
  id: new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
};

/** A local date (YYYY-MM-DD) as a customer reads it: `21 November 2026`. */
export function formatLocalDate(day: string, locale: Locale): string {
  return dateFormats[locale].format(new Date(`${day}T00:00:00Z`));
}

/** A local date and time (YYYY-MM-DDTHH:mm) as a customer reads it: `7 Desember 2026 14.05` / `7 December 2026 14:05`. */
export function formatLocalDateTime(at: string, locale: Locale): string {
  const [day = '', time = ''] = at.split('T');
  const hm = time.slice(0, 5);
  return `${formatLocalDate(day, locale)} ${locale === 'id' ? hm.replace(':', '.') : hm}`;
}

export function createOutboxNotifier(opts: {
  clock: Clock;
  /** The customer channels configured on this server. */
  channels: readonly ChannelName[];
  companyName: () => Promise<string>;
}): Notifier {
  return {
    async customers(trx, messages) {
      if (!messages.length || !opts.channels.length) return 0;
      const ids = [...new Set(messages.map((m) => m.customerId))];
      const customers = new Map(
        ((await trx('customers').whereRaw('id = ANY(?::bigint[])', [ids]).select('id', 'name', 'customer_number', 'phone', 'email', 'locale')) as Array<{
          id: number; name: string; customer_number: string; phone: string | null; email: string | null; locale: Locale;
        }>).map((c) => [Number(c.id), c]),
      );
      const companyName = await opts.companyName();
      const now = opts.clock.now();
      const entries: OutboxEntry[] = [];
      for (const m of messages) {
        const c = customers.get(m.customerId);
        if (!c) continue;
        for (const t of chooseTargets(c, opts.channels)) {
          entries.push({
            idempotencyKey: `${m.idempotencyKey}:${t.channel}`,
            channel: t.channel,
            recipient: t.recipient,
            customerId: c.id,
            template: m.template,
            locale: c.locale,
            payload: payloadFor(m, c, companyName),
          });
        }
      }
      return enqueueNotifications(trx, entries, now);
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
  if (m.data.since !== undefined) p.since = formatLocalDateTime(m.data.since, c.locale);
  if (m.data.until !== undefined) p.until = formatLocalDateTime(m.data.until, c.locale);
  return p;
}
