/**
 * Sending an unpaid invoice to its customer again (staff at the counter: "I never got it"): the
 * same "invoice issued" message the invoice run queues (generate-invoices.ts), asking for what is
 * still owed, with the pay link, through the notifier, so it goes to the channels the customer
 * can be reached on (WhatsApp or SMS for a phone, e-mail for an address: billing/notifications/outbox-notifier.ts).
 * Each press is a new message (its idempotency key carries the instant), queued in the same
 * transaction as its audit row (`invoice_sent_again`, with the channels). The outbox rows it
 * created are returned so the page can say where it went.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Effects } from '../use-case/effects.js';
import type { CustomerMessage, Notifier } from '../notifications/notifier.js';

// The notifier keys each outbox row `<message key>:<channel>`.
const CHANNELS = ['whatsapp', 'sms', 'email', 'telegram'] as const;

export interface SentTo {
  channel: (typeof CHANNELS)[number];
  /** Normalised phone (62812…) or e-mail address. */
  recipient: string;
}

export type SendInvoiceAgainOutcome =
  | { ok: true; customerId: number; invoiceNumber: string; sentTo: SentTo[] }
  | { ok: false; code: 'not_found' }
  /** Paid, void or draft: there is nothing to ask for. */
  | { ok: false; code: 'not_open'; status: string }
  /** No channel is configured, or the customer has no phone or e-mail a channel can use. */
  | { ok: false; code: 'no_channel' };

export async function sendInvoiceAgain(
  deps: { db: Knex; clock: Clock; notifier: Notifier; effects: Effects; payUrl(invoiceId: number): string },
  input: { invoiceId: number; actor: AuditActor },
): Promise<SendInvoiceAgainOutcome> {
  const now = deps.clock.now();
  return deps.effects.transaction(deps.db, async (trx): Promise<SendInvoiceAgainOutcome> => {
    const inv = await trx('invoices').where({ id: input.invoiceId })
      .first('id', 'customer_id', 'invoice_number', 'status', 'due_date', 'total', 'amount_paid');
    if (!inv) return { ok: false, code: 'not_found' };
    if (!['open', 'partially_paid', 'overdue'].includes(inv.status) || !inv.invoice_number) return { ok: false, code: 'not_open', status: inv.status };
    const plan = await trx('invoice_lines as l').join('plans as p', 'p.id', 'l.plan_id').where('l.invoice_id', inv.id).orderBy('l.position').first('p.name');
    const customerId = Number(inv.customer_id);
    const key = `invoice_sent_again:${inv.id}:${now.getTime()}`;
    const message: CustomerMessage = {
      customerId,
      template: 'invoice_issued',
      idempotencyKey: key,
      data: {
        invoiceNumber: inv.invoice_number,
        amount: Number(inv.total) - Number(inv.amount_paid),
        ...(inv.due_date ? { dueDate: inv.due_date } : {}),
        ...(plan ? { planName: plan.name } : {}),
        payUrl: deps.payUrl(inv.id),
      },
    };
    const queued = await deps.notifier.customers(trx, [message]);
    if (!queued) return { ok: false, code: 'no_channel' };
    const sentTo = (await trx('notification_outbox')
      .whereIn('idempotency_key', CHANNELS.map((c) => `${key}:${c}`))
      .orderBy('id')
      .select('channel', 'recipient')) as SentTo[];
    await recordAudit(trx, input.actor, {
      action: 'invoice_sent_again',
      objectType: 'invoice',
      objectId: inv.id,
      after: { invoiceNumber: inv.invoice_number, amount: message.data.amount, channels: sentTo.map((s) => s.channel) },
    });
    deps.effects.notificationsQueued();
    return { ok: true, customerId, invoiceNumber: inv.invoice_number, sentTo };
  });
}
