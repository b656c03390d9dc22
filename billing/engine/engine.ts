/**
 * The billing engine built from a container: payment gateways and notification channels from
 * the console's settings over the environment (settings/live-integrations.ts), the notifier, pay links, and every billing use case bound to them with a
 * fresh effect collector, flushed after the work commits. The worker role runs its jobs on it;
 * the web role its webhooks and pay links; tests call it directly with a fixed clock.
 */
import type { Clock } from '../../lib/clock.js';
import type { Config } from '../../lib/config.js';
import type { Container } from '../../lib/container.js';
import type { Logger } from '../../lib/logger.js';
import { QUEUES } from '../../lib/queue.js';
import { runDunningPass, type DunningResult } from '../dunning/run-dunning-pass.js';
import { suspendOrReactivate, type StaffStatusAction, type StaffStatusOutcome } from '../subscriptions/suspend-or-reactivate.js';
import type { AuditActor } from '../../lib/audit.js';
import { collectEffects, type EffectSink } from '../use-case/effects.js';
import type { UseCaseDeps } from '../use-case/use-case-deps.js';
import { generateInvoices, type InvoiceRunResult } from '../invoices/generate-invoices.js';
import type { ChannelName, NotificationChannel } from '../notifications/channel.js';
import { createNotificationDispatcher, type DispatchReport, type NotificationDispatcher } from '../notifications/dispatch.js';
import { relayStaffAlerts } from '../notifications/relay-staff-alerts.js';
import { loadTemplateOverrideSet, renderTemplate, type TemplateOverrideSet } from '../notifications/templates.js';
import type { Notifier } from '../notifications/notifier.js';
import { createOutboxNotifier } from '../notifications/outbox-notifier.js';
import { createPaymentLink } from '../payments/create-payment-link.js';
import type { PaymentGateway, Provider } from '../payments/gateways/payment-gateway.js';
import { recordStaffPayment, type PaymentOutcome, type StaffPaymentInput } from '../payments/record-staff-payment.js';
import { loadBillingSettings } from '../settings/billing-settings.js';
import { buildChannel, buildGateway, CHANNELS, PROVIDERS, type BuildContext } from '../settings/integrations.js';
import { createLiveIntegrations, type LiveIntegrations } from '../settings/live-integrations.js';
import { changePlan, previewPlanChange, type PlanQuote } from '../subscriptions/change-plan.js';
import { processPaymentEvent, type EventOutcome } from '../webhooks/process-payment-event.js';

/** Jobs on the `billing` queue. */
export const BILLING_JOBS = {
  invoiceRun: 'invoice-run',
  dunningPass: 'dunning-pass',
  paymentEvent: 'payment-event',
  paymentEventsSweep: 'payment-events-sweep',
  notificationsDispatch: 'notifications-dispatch',
  expireVouchers: 'expire-vouchers',
} as const;

export interface BillingEngine {
  /**
   * The gateways that are on, as a live view: `gateways.midtrans` is read anew on each access and
   * follows the console's gateway settings without a restart (undefined when off).
   */
  gateways: Partial<Record<Provider, PaymentGateway>>;
  /**
   * The console's gateway and channel settings as this engine applies them (absent on engines
   * that tests build by hand): `reload()` after saving them, so this process uses them at once.
   */
  integrations?: LiveIntegrations;
  /** The configured notification channels (the portal sends one-time sign-in codes through them at once). */
  channels: Partial<Record<ChannelName, NotificationChannel>>;
  notifier: Notifier;
  dispatcher: NotificationDispatcher;
  /** The signed link in messages that opens a payment page for an invoice. */
  payUrl(invoiceId: number): string;
  /** The invoice id of a pay link token, or null when it was not ours. */
  invoiceOfPayToken(token: string): number | null;
  /** Relays new staff alerts to the staff chat, then sends due outbox messages. */
  dispatchNotifications(): Promise<DispatchReport & { staffAlerts: number }>;
  generateInvoices(): Promise<InvoiceRunResult>;
  runDunningPass(): Promise<DunningResult>;
  processPaymentEvent(eventId: number): Promise<EventOutcome>;
  recordStaffPayment(input: StaffPaymentInput): Promise<PaymentOutcome>;
  /**
   * A gateway payment page for what is owed on the invoice (billing/payments/create-payment-link.ts).
   * @param opts.returnPath where the gateway sends the customer back, under PUBLIC_URL (default /pay/done)
   * @param opts.andEarlier also pay every open invoice allocated to before this one (captive portal)
   */
  createPaymentLink(invoiceId: number, provider?: Provider, opts?: { returnPath?: string; andEarlier?: boolean }): Promise<{ url: string; orderId: string }>;
  previewPlanChange(subscriptionId: number, planId: number): Promise<PlanQuote>;
  changePlan(subscriptionId: number, planId: number): Promise<PlanQuote & { invoiceId: number | null }>;
  /** Staff suspends or reactivates a subscription (audited; the router is told after commit). */
  suspendOrReactivate(input: { subscriptionId: number; action: StaffStatusAction; actor: AuditActor }): Promise<StaffStatusOutcome>;
  /**
   * Runs a billing use case that is not one of the methods above (billing/<area>/<use-case>.ts,
   * called from a console or portal route) with what use cases are built from and a fresh effect
   * collector; the effects of whatever committed (nas-control jobs, notification nudges) are sent
   * when `fn` settles. Use `effects.transaction(db, …)` inside so effects follow the commit.
   */
  run<T>(fn: (deps: UseCaseDeps) => Promise<T>): Promise<T>;
}

/** What a billing use case run through `engine.run` gets (billing/use-case/use-case-deps.ts). */
export type { UseCaseDeps } from '../use-case/use-case-deps.js';

/** Gateways whose keys are configured in the environment (the console's settings aside: see settings/live-integrations.ts). */
export function gatewaysFrom(config: Config): Partial<Record<Provider, PaymentGateway>> {
  const gateways: Partial<Record<Provider, PaymentGateway>> = {};
  const ctx = { config, secrets: NO_SECRETS };
  for (const p of PROVIDERS) {
    const g = buildGateway(p, {}, ctx);
    if (g) gateways[p] = g;
  }
  return gateways;
}

/** Notification channels configured in the environment (the console's settings aside). */
export function channelsFrom(config: Config): Partial<Record<ChannelName, NotificationChannel>> {
  const channels: Partial<Record<ChannelName, NotificationChannel>> = {};
  const ctx = { config, secrets: NO_SECRETS };
  for (const n of CHANNELS) {
    const ch = buildChannel(n, {}, ctx);
    if (ch) channels[n] = ch;
  }
  return channels;
}

/** Nothing stored is read by gatewaysFrom / channelsFrom, so nothing is ever opened. */
const NO_SECRETS: BuildContext['secrets'] = {
  seal: () => {
    throw new Error('no secret box here');
  },
  open: () => {
    throw new Error('no secret box here');
  },
};

/**
 * Wraps a channel so a staff-edited text for that channel alone (message_templates.channel)
 * replaces the text the dispatcher rendered for every channel. `current()` is the set the
 * dispatcher loaded for this dispatch. A broken channel text falls back to what was rendered.
 */
function withChannelTemplates(channel: NotificationChannel, current: () => TemplateOverrideSet | undefined, log: Logger): NotificationChannel {
  return {
    name: channel.name,
    send(message) {
      const own = current()?.byChannel[channel.name];
      if (own?.[message.template as keyof typeof own]?.[message.locale]) {
        try {
          const r = renderTemplate(message.template, message.locale, message.params, own);
          return channel.send({ ...message, subject: r.subject, text: r.text });
        } catch (err) {
          log.warn({ template: message.template, locale: message.locale, channel: channel.name, error: (err as Error).message }, 'edited channel template failed; using the one for every channel');
        }
      }
      return channel.send(message);
    },
  };
}

export function publicUrl(config: Config): string {
  return (config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/+$/, '');
}

export function createBillingEngine(
  c: Container,
  opts: { clock?: Clock; gateways?: Partial<Record<Provider, PaymentGateway>>; channels?: Partial<Record<ChannelName, NotificationChannel>> } = {},
): BillingEngine {
  const { config, db } = c;
  const log = c.log.child({ role: 'billing' });
  const clock = opts.clock ?? c.clock;
  const timeZone = config.ISP_TIME_ZONE;
  // Gateways and channels follow the console's settings (stored over the environment) without a
  // restart; ones a test passes in are fixed.
  const integrations = createLiveIntegrations({ db, config, secrets: c.secrets, log, gateways: opts.gateways, channels: opts.channels });
  const { gateways, channels } = integrations;
  if (!opts.gateways || !opts.channels) {
    integrations.reload().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'could not read gateway and channel settings yet'));
  }
  // The notifier queues rows for the customer channels that are on when it runs.
  const notifiers = new Map<string, Notifier>();
  const notifier: Notifier = {
    customers(trx, messages) {
      const on = (['whatsapp', 'sms', 'email'] as const).filter((n) => channels[n]);
      const key = on.join(',');
      let n = notifiers.get(key);
      if (!n) {
        n = createOutboxNotifier({ clock, channels: on, companyName: async () => (await loadBillingSettings(db)).companyName });
        notifiers.set(key, n);
      }
      return n.customers(trx, messages);
    },
  };
  let templates: TemplateOverrideSet | undefined;
  const dispatchChannels = {} as Partial<Record<ChannelName, NotificationChannel>>;
  for (const n of CHANNELS) {
    Object.defineProperty(dispatchChannels, n, {
      enumerable: true,
      get: () => {
        const ch = channels[n];
        return ch && withChannelTemplates(ch, () => templates, log);
      },
    });
  }
  const dispatcher = createNotificationDispatcher({
    db, channels: dispatchChannels, clock, log,
    templateOverrides: async () => {
      templates = await loadTemplateOverrideSet(db);
      return templates.all;
    },
  });
  /** Runs `fn` after making sure the gateway and channel settings are current. */
  const fresh = async <T>(fn: () => Promise<T>): Promise<T> => {
    await integrations.ensureFresh();
    return fn();
  };
  const base = publicUrl(config);
  const payUrl = (invoiceId: number): string => `${base}/pay/${c.signer.sign('pay', String(invoiceId))}`;

  const billing = c.queues.queue(QUEUES.billing);
  const effects = (): EffectSink =>
    collectEffects({
      nasControl: c.queues.queue(QUEUES.nasControl),
      kickNotifications: async () => {
        await billing.add(BILLING_JOBS.notificationsDispatch, {}, { deduplication: { id: 'notifications-dispatch' } });
      },
      log,
    });
  /** Runs `fn` with a fresh effect collector and sends the effects of whatever committed. */
  async function withEffects<T>(fn: (e: EffectSink) => Promise<T>): Promise<T> {
    const e = effects();
    try {
      return await fn(e);
    } finally {
      await e.flush();
    }
  }

  return {
    gateways,
    channels,
    integrations,
    notifier,
    dispatcher,
    payUrl,
    invoiceOfPayToken(token) {
      const v = c.signer.verify('pay', token);
      return v && /^\d+$/.test(v) ? Number(v) : null;
    },
    dispatchNotifications: () => fresh(async () => {
      const staffAlerts = await relayStaffAlerts(db, {
        chatId: integrations.telegramChatId(), whatsappNumbers: integrations.staffWhatsAppNumbers(),
        companyName: (await loadBillingSettings(db)).companyName, now: clock.now(),
      });
      return { ...(await dispatcher.dispatchDue(500)), staffAlerts };
    }),
    generateInvoices: () => fresh(() => withEffects((e) => generateInvoices({ db, clock, timeZone, notifier, effects: e, log, payUrl }))),
    runDunningPass: () => fresh(() => withEffects((e) => runDunningPass({ db, clock, timeZone, notifier, effects: e, log, payUrl }))),
    processPaymentEvent: (eventId) => fresh(() => withEffects((e) => processPaymentEvent({ db, gateways, clock, timeZone, notifier, effects: e, log }, eventId))),
    recordStaffPayment: (input) => fresh(() => withEffects((e) => recordStaffPayment({ db, clock, timeZone, notifier, effects: e }, input))),
    createPaymentLink: (invoiceId, provider, opts = {}) =>
      fresh(() => createPaymentLink({ db, gateways, clock, log, returnUrl: `${base}${opts.returnPath ?? '/pay/done'}` }, invoiceId, provider, { andEarlier: opts.andEarlier })),
    previewPlanChange: (subscriptionId, planId) => previewPlanChange({ db, clock, timeZone }, subscriptionId, planId),
    changePlan: (subscriptionId, planId) => withEffects((e) => changePlan({ db, clock, timeZone, effects: e }, subscriptionId, planId)),
    suspendOrReactivate: (input) => withEffects((e) => suspendOrReactivate({ db, effects: e }, input)),
    run: (fn) => fresh(() => withEffects((e) => fn({ db, clock, timeZone, notifier, effects: e, log, payUrl }))),
  };
}
