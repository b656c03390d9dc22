/**
 * The billing engine built from a container: payment gateways and notification channels from
 * the configuration, the notifier, pay links, and every billing use case bound to them with a
 * fresh effect collector, flushed after the work commits. The worker role runs its jobs on it;
 * the web role its webhooks and pay links; tests call it directly with a fixed clock.
 */
import type { Clock } from '../lib/clock.js';
import type { Config } from '../lib/config.js';
import type { Container } from '../lib/container.js';
import type { Knex } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import { QUEUES } from '../lib/queue.js';
import { runDunningPass, type DunningResult } from './dunning/run-dunning-pass.js';
import { setAccessByStaff, type StaffAccessAction, type StaffAccessOutcome } from './subscriptions/set-access-by-staff.js';
import type { AuditActor } from '../lib/audit.js';
import { collectEffects, type EffectSink } from './effects.js';
import { generateInvoices, type InvoiceRunResult } from './invoices/generate-invoices.js';
import type { ChannelName, NotificationChannel } from './notifications/channel.js';
import { createEmailChannel } from './notifications/channels/email.js';
import { createFonnteChannel } from './notifications/channels/fonnte.js';
import { createSmsHttpChannel } from './notifications/channels/sms-http.js';
import { createTelegramChannel } from './notifications/channels/telegram.js';
import { createWhatsAppCloudChannel } from './notifications/channels/whatsapp-cloud.js';
import { createNotificationDispatcher, type DispatchReport, type NotificationDispatcher } from './notifications/dispatch.js';
import { relayStaffAlerts } from './notifications/relay-staff-alerts.js';
import { loadTemplateOverrides } from './notifications/templates.js';
import type { Notifier } from './notifier.js';
import { createOutboxNotifier } from './outbox-notifier.js';
import { createPaymentLink } from './payments/create-payment-link.js';
import { createMidtransGateway } from './payments/gateways/midtrans.js';
import type { PaymentGateway, Provider } from './payments/gateways/payment-gateway.js';
import { createXenditGateway } from './payments/gateways/xendit.js';
import { recordStaffPayment, type PaymentOutcome, type StaffPaymentInput } from './payments/record-staff-payment.js';
import { loadBillingSettings } from './settings/billing-settings.js';
import { changePlan, previewPlanChange, type PlanQuote } from './subscriptions/change-plan.js';
import { processPaymentEvent, type EventOutcome } from './webhooks/process-payment-event.js';

/** Jobs on the `billing` queue. */
export const BILLING_JOBS = {
  invoiceRun: 'invoice-run',
  dunningPass: 'dunning-pass',
  paymentEvent: 'payment-event',
  paymentEventsSweep: 'payment-events-sweep',
  notificationsDispatch: 'notifications-dispatch',
} as const;

export interface BillingEngine {
  gateways: Partial<Record<Provider, PaymentGateway>>;
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
  createPaymentLink(invoiceId: number, provider?: Provider): Promise<{ url: string; orderId: string }>;
  previewPlanChange(subscriptionId: number, planId: number): Promise<PlanQuote>;
  changePlan(subscriptionId: number, planId: number): Promise<PlanQuote & { invoiceId: number | null }>;
  /** Staff suspends or reactivates a subscription (audited; the router is told after commit). */
  setAccessByStaff(input: { subscriptionId: number; action: StaffAccessAction; actor: AuditActor }): Promise<StaffAccessOutcome>;
  /**
   * Runs a billing use case that is not one of the methods above (billing/<area>/<use-case>.ts,
   * called from a console or portal route) with what use cases are built from and a fresh effect
   * collector; the effects of whatever committed (nas-control jobs, notification nudges) are sent
   * when `fn` settles. Use `effects.transaction(db, …)` inside so effects follow the commit.
   */
  run<T>(fn: (deps: UseCaseDeps) => Promise<T>): Promise<T>;
}

/** What a billing use case run through `engine.run` gets. */
export interface UseCaseDeps {
  db: Knex;
  clock: Clock;
  /** The ISP's time zone (billing dates), e.g. Asia/Jakarta. */
  timeZone: string;
  notifier: Notifier;
  effects: EffectSink;
  log: Logger;
  payUrl(invoiceId: number): string;
}

/** Gateways whose keys are configured. */
export function gatewaysFrom(config: Config): Partial<Record<Provider, PaymentGateway>> {
  const gateways: Partial<Record<Provider, PaymentGateway>> = {};
  if (config.MIDTRANS_SERVER_KEY) {
    gateways.midtrans = createMidtransGateway({
      serverKey: config.MIDTRANS_SERVER_KEY,
      clientKey: config.MIDTRANS_CLIENT_KEY ?? '',
      isProduction: config.MIDTRANS_PRODUCTION,
      apiUrl: config.MIDTRANS_API_URL,
      snapUrl: config.MIDTRANS_SNAP_URL,
    });
  }
  if (config.XENDIT_SECRET_KEY && config.XENDIT_CALLBACK_TOKEN) {
    gateways.xendit = createXenditGateway({ secretKey: config.XENDIT_SECRET_KEY, callbackToken: config.XENDIT_CALLBACK_TOKEN, apiUrl: config.XENDIT_API_URL });
  }
  return gateways;
}

/** Notification channels whose settings are configured. */
export function channelsFrom(config: Config): Partial<Record<ChannelName, NotificationChannel>> {
  const channels: Partial<Record<ChannelName, NotificationChannel>> = {};
  if (config.WHATSAPP_PROVIDER === 'cloud' && config.WHATSAPP_CLOUD_TOKEN && config.WHATSAPP_CLOUD_PHONE_NUMBER_ID) {
    channels.whatsapp = createWhatsAppCloudChannel({ token: config.WHATSAPP_CLOUD_TOKEN, phoneNumberId: config.WHATSAPP_CLOUD_PHONE_NUMBER_ID, apiUrl: config.WHATSAPP_CLOUD_API_URL });
  } else if (config.WHATSAPP_PROVIDER === 'fonnte' && config.FONNTE_TOKEN) {
    channels.whatsapp = createFonnteChannel({ token: config.FONNTE_TOKEN, apiUrl: config.FONNTE_API_URL });
  }
  if (config.SMS_GATEWAY_URL) channels.sms = createSmsHttpChannel({ url: config.SMS_GATEWAY_URL, token: config.SMS_GATEWAY_TOKEN });
  if (config.SMTP_URL && config.SMTP_FROM) channels.email = createEmailChannel({ url: config.SMTP_URL, from: config.SMTP_FROM });
  if (config.TELEGRAM_BOT_TOKEN && config.TELEGRAM_CHAT_ID) channels.telegram = createTelegramChannel({ token: config.TELEGRAM_BOT_TOKEN, apiUrl: config.TELEGRAM_API_URL });
  return channels;
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
  const gateways = opts.gateways ?? gatewaysFrom(config);
  const channels = opts.channels ?? channelsFrom(config);
  const customerChannels = (['whatsapp', 'sms', 'email'] as const).filter((n) => channels[n]);
  const notifier = createOutboxNotifier({
    clock,
    channels: customerChannels,
    companyName: async () => (await loadBillingSettings(db)).companyName,
  });
  const staffChatId = channels.telegram ? config.TELEGRAM_CHAT_ID : undefined;
  const dispatcher = createNotificationDispatcher({ db, channels, clock, log, templateOverrides: () => loadTemplateOverrides(db) });
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
    notifier,
    dispatcher,
    payUrl,
    invoiceOfPayToken(token) {
      const v = c.signer.verify('pay', token);
      return v && /^\d+$/.test(v) ? Number(v) : null;
    },
    async dispatchNotifications() {
      const staffAlerts = await relayStaffAlerts(db, { chatId: staffChatId, companyName: (await loadBillingSettings(db)).companyName, now: clock.now() });
      return { ...(await dispatcher.dispatchDue(500)), staffAlerts };
    },
    generateInvoices: () => withEffects((e) => generateInvoices({ db, clock, timeZone, notifier, effects: e, log, payUrl })),
    runDunningPass: () => withEffects((e) => runDunningPass({ db, clock, timeZone, notifier, effects: e, log, payUrl })),
    processPaymentEvent: (eventId) => withEffects((e) => processPaymentEvent({ db, gateways, clock, timeZone, notifier, effects: e, log }, eventId)),
    recordStaffPayment: (input) => withEffects((e) => recordStaffPayment({ db, clock, timeZone, notifier, effects: e }, input)),
    createPaymentLink: (invoiceId, provider) => createPaymentLink({ db, gateways, clock, log, returnUrl: `${base}/pay/done` }, invoiceId, provider),
    previewPlanChange: (subscriptionId, planId) => previewPlanChange({ db, clock, timeZone }, subscriptionId, planId),
    changePlan: (subscriptionId, planId) => withEffects((e) => changePlan({ db, clock, timeZone, effects: e }, subscriptionId, planId)),
    setAccessByStaff: (input) => withEffects((e) => setAccessByStaff({ db, effects: e }, input)),
    run: (fn) => withEffects((e) => fn({ db, clock, timeZone, notifier, effects: e, log, payUrl })),
  };
}
