/**
 * Staff send a customer a one-time sign-in link to the self-service portal through a configured
 * channel (WhatsApp, SMS or e-mail), as the portal sends its sign-in codes
 * (portal/account/sign-in.ts): rendered and sent at once, never through the notification outbox,
 * so the link never lands in the database. The link is billing/customers/sign-in-link.ts's (one
 * use, SIGN_IN_LINK_TTL_SECONDS; a new one makes the previous link stop working, a printed
 * letter's included, even when the channel then fails: the unsent link reaches nobody).
 *
 * - Only a channel that is configured and can reach the customer is offered and used: WhatsApp
 *   and SMS need a phone number normalizePhone reads, e-mail an address.
 * - Text: template `sign_in_link` in the customer's locale, a staff-edited text for that channel
 *   first, then one for every channel, then the built-in file (WhatsApp Cloud sends the approved
 *   template of that name instead, billing/notifications/channels/whatsapp-cloud.ts).
 * - At most SEND_LIMIT sends per customer per SEND_WINDOW_SECONDS (lib/http/attempt-limiter.ts),
 *   counted before the link is made, failures included: a console session cannot flood a
 *   customer's phone.
 * - Audited as `portal_sign_in_link_issued` with `{ via, sent, error? }`, never the link or the
 *   recipient; the channel's error (SendResult.error, with the link redacted) is what staff see.
 */
import type { ChannelName, Locale, NotificationChannel, SendResult } from '../../billing/notifications/channel.js';
import { redactSecrets } from '../../billing/notifications/channel.js';
import { normalizePhone } from '../../lib/phone.js';
import { loadTemplateOverrideSet, renderTemplate, TemplateError, type RenderedMessage } from '../../billing/notifications/templates.js';
import { loadBillingSettings } from '../../billing/settings/billing-settings.js';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { createAttemptLimiter, minutesToWait } from '../../lib/http/attempt-limiter.js';
import type { Logger } from '../../lib/logger.js';
import type { Redis } from '../../lib/redis.js';
import { SIGN_IN_LINK_TTL_SECONDS, type SignInLinks } from '../../billing/customers/sign-in-link.js';
import type { PortalAccountCustomer } from './portal-account.js';

/** The channels a sign-in link may go by, in the order the page offers them. */
export const LINK_CHANNELS = ['whatsapp', 'sms', 'email'] as const satisfies readonly ChannelName[];
export type LinkChannel = (typeof LINK_CHANNELS)[number];

export const SEND_LIMIT = 3;
export const SEND_WINDOW_SECONDS = 3600;

export function isLinkChannel(value: unknown): value is LinkChannel {
  return typeof value === 'string' && (LINK_CHANNELS as readonly string[]).includes(value);
}

/** Who the link goes to on `channel`: the normalized phone (WhatsApp, SMS) or the e-mail address; null when the customer has none. */
function recipientOf(customer: Pick<PortalAccountCustomer, 'phone' | 'email'>, channel: LinkChannel): string | null {
  if (channel === 'email') return customer.email?.trim() || null;
  return normalizePhone(customer.phone);
}

export type SendLinkOutcome =
  | { ok: true; channel: LinkChannel }
  | { ok: false; code: 'unavailable'; channel: LinkChannel }
  | { ok: false; code: 'rate_limited'; channel: LinkChannel; minutes: number }
  | { ok: false; code: 'failed'; channel: LinkChannel; error: string };

export interface SignInLinkSender {
  /** Each configured channel that can carry a link, and whether it reaches this customer (`reachable`). */
  channelsFor(customer: Pick<PortalAccountCustomer, 'phone' | 'email'>): Array<{ name: LinkChannel; reachable: boolean }>;
  /**
   * Issues a new link and sends it by `channel`. `linkOf(token)` is the absolute URL of a token.
   * Resolves with the outcome; never rejects for a channel's failure.
   */
  send(actor: AuditActor, customer: PortalAccountCustomer, channel: LinkChannel, linkOf: (token: string) => string): Promise<SendLinkOutcome>;
}

export function createSignInLinkSender(deps: {
  db: Knex;
  redis: Redis;
  /** Redis key prefix. */
  prefix: string;
  log: Logger;
  links: SignInLinks;
  /** The configured channels, read on each use (they follow the console's settings). */
  channels(): Partial<Record<ChannelName, NotificationChannel>>;
}): SignInLinkSender {
  const limiter = createAttemptLimiter({ redis: deps.redis, prefix: deps.prefix, name: 'portal-link-send-customer', limit: SEND_LIMIT, windowSeconds: SEND_WINDOW_SECONDS });

  async function render(channel: LinkChannel, locale: Locale, params: Record<string, string>): Promise<RenderedMessage> {
    const set = await loadTemplateOverrideSet(deps.db);
    for (const overrides of [set.byChannel[channel], set.all]) {
      if (!overrides?.sign_in_link?.[locale]) continue;
      try {
        return renderTemplate('sign_in_link', locale, params, overrides);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        deps.log.warn({ template: 'sign_in_link', locale, channel, error: err.message }, 'edited template failed; using the next one');
      }
    }
    return renderTemplate('sign_in_link', locale, params);
  }

  return {
    channelsFor(customer) {
      const on = deps.channels();
      return LINK_CHANNELS.filter((n) => on[n]).map((name) => ({ name, reachable: recipientOf(customer, name) !== null }));
    },

    async send(actor, customer, channelName, linkOf) {
      const channel = deps.channels()[channelName];
      const to = recipientOf(customer, channelName);
      if (!channel || !to) return { ok: false, code: 'unavailable', channel: channelName };
      const state = await limiter.hit(`customer:${customer.id}`);
      if (!state.allowed) return { ok: false, code: 'rate_limited', channel: channelName, minutes: minutesToWait(state) };

      const token = await deps.links.issue(customer.id);
      const link = linkOf(token);
      const locale: Locale = customer.locale === 'en' ? 'en' : 'id';
      const params = {
        link, days: String(SIGN_IN_LINK_TTL_SECONDS / 86400),
        customerName: customer.name, customerNumber: customer.customer_number, companyName: (await loadBillingSettings(deps.db)).companyName,
      };
      let result: SendResult;
      try {
        const rendered = await render(channelName, locale, params);
        result = await channel.send({ recipient: to, subject: rendered.subject, text: rendered.text, template: 'sign_in_link', locale, params });
      } catch (err) {
        result = { ok: false, retryable: false, error: `${channelName}: ${(err as Error).message}` };
      }
      const error = result.ok ? null : redactSecrets(result.error, [link, token], 300);
      await recordAudit(deps.db, actor, {
        action: 'portal_sign_in_link_issued', objectType: 'customer', objectId: customer.id,
        after: { via: channelName, sent: result.ok, ...(error ? { error } : {}) },
      });
      // Never the link or the recipient in a log line.
      if (error !== null) {
        deps.log.warn({ customerId: customer.id, channel: channelName, error }, 'portal sign-in link not sent');
        return { ok: false, code: 'failed', channel: channelName, error };
      }
      deps.log.info({ customerId: customer.id, channel: channelName }, 'portal sign-in link sent');
      return { ok: true, channel: channelName };
    },
  };
}
