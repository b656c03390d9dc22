/**
 * The payment gateways and notification channels a running process uses, kept in step with the
 * settings table without a restart:
 * - `gateways` and `channels` are live views: reading `gateways.midtrans` gives the gateway built
 *   from the settings as last loaded (undefined when off), so whoever holds the object (the
 *   webhook router's signature check, pay links, the outbox dispatcher) sees a change at once;
 * - the settings are re-read when the process itself saved them (`reload()`, called by the
 *   console after its commit) and otherwise at most every `ttlMs` (default 3 s): async paths
 *   await `ensureFresh()` before they use a gateway or channel (one cheap query for the rows'
 *   versions; a full reload only when they changed), a synchronous read of a stale view starts a
 *   refresh in the background and answers with what it has. So a change made in another process
 *   (a separate web or worker container) is seen within a few seconds.
 * A stored value that cannot be read (a secret sealed under another APP_SECRET_KEY) is logged
 * and ignored: the environment's value applies.
 */
import type { Config } from '../../lib/config.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { readSetting, settingVersions } from '../../lib/settings-store.js';
import type { ChannelName, NotificationChannel } from '../notifications/channel.js';
import type { PaymentGateway, Provider } from '../payments/gateways/payment-gateway.js';
import {
  buildChannel, buildGateway, CHANNELS, CHANNELS_KEY, GATEWAYS_KEY, PROVIDERS, staffWhatsAppNumbers, storedArea, telegramChatId, type StoredArea,
} from './integrations.js';

export interface LiveIntegrations {
  /** Live view: the gateways that are on. */
  readonly gateways: Partial<Record<Provider, PaymentGateway>>;
  /** Live view: the channels that are on. */
  readonly channels: Partial<Record<ChannelName, NotificationChannel>>;
  /** The staff Telegram chat when Telegram is on. */
  telegramChatId(): string | undefined;
  /** The staff WhatsApp numbers (E.164 with `+`) when WhatsApp is on, else []. */
  staffWhatsAppNumbers(): string[];
  /** Re-reads the settings when they may have changed (older than the TTL). */
  ensureFresh(): Promise<void>;
  /** Re-reads the settings now (after this process saved them). */
  reload(): Promise<void>;
}

export interface LiveIntegrationsOptions {
  db: Knex;
  config: Config;
  secrets: SecretBox;
  log: Logger;
  /** Fixed gateways (tests): the settings never change them. */
  gateways?: Partial<Record<Provider, PaymentGateway>>;
  /** Fixed channels (tests). */
  channels?: Partial<Record<ChannelName, NotificationChannel>>;
  ttlMs?: number;
}

interface Snapshot {
  gateways: Partial<Record<Provider, PaymentGateway>>;
  channels: Partial<Record<ChannelName, NotificationChannel>>;
  chatId: string | undefined;
  staffNumbers: string[];
}

export function createLiveIntegrations(opts: LiveIntegrationsOptions): LiveIntegrations {
  const { db, config, secrets, log } = opts;
  const ttlMs = opts.ttlMs ?? 3000;
  const ctx = { config, secrets };
  const fixedChannels = opts.channels;
  const fixedGateways = opts.gateways;

  const build = (gw: StoredArea, ch: StoredArea): Snapshot => {
    const snap: Snapshot = { gateways: {}, channels: {}, chatId: undefined, staffNumbers: [] };
    for (const p of PROVIDERS) {
      const g = buildGateway(p, gw, ctx);
      if (g) snap.gateways[p] = g;
    }
    for (const n of CHANNELS) {
      const c = buildChannel(n, ch, ctx);
      if (c) snap.channels[n] = c;
    }
    snap.chatId = telegramChatId(ch, ctx);
    snap.staffNumbers = staffWhatsAppNumbers(ch, ctx);
    return snap;
  };

  // Until the first load: the environment alone (what the process had before this existed).
  let snapshot = build({}, {});
  let fingerprint: string | null = null;
  let checkedAt = 0;
  let inFlight: Promise<void> | null = null;

  async function load(force: boolean): Promise<void> {
    const fp = await settingVersions(db, [GATEWAYS_KEY, CHANNELS_KEY]);
    if (!force && fp === fingerprint) {
      checkedAt = Date.now();
      return;
    }
    const [gw, ch] = await Promise.all([readSetting(db, GATEWAYS_KEY), readSetting(db, CHANNELS_KEY)]);
    const gwStored = storedArea(gw.value);
    const chStored = storedArea(ch.value);
    for (const [area, stored] of [['payment_gateways', gwStored], ['notification_channels', chStored]] as const) {
      for (const [provider, fields] of Object.entries(stored)) {
        for (const [field, v] of Object.entries(fields)) {
          if (v.startsWith('v1:')) {
            try {
              secrets.open(v);
            } catch {
              log.error({ area, provider, field }, 'stored secret cannot be opened (wrong APP_SECRET_KEY?); using the environment');
            }
          }
        }
      }
    }
    snapshot = build(gwStored, chStored);
    fingerprint = fp;
    checkedAt = Date.now();
  }

  function refresh(force: boolean): Promise<void> {
    if (inFlight && !force) return inFlight;
    const run = (inFlight ?? Promise.resolve()).catch(() => undefined).then(() => load(force));
    const mine = run.finally(() => {
      if (inFlight === mine) inFlight = null;
    });
    inFlight = mine;
    return mine;
  }

  /** A synchronous read: start a background refresh when stale. */
  function touch(): void {
    if (Date.now() - checkedAt < ttlMs || inFlight) return;
    refresh(false).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'could not re-read gateway and channel settings'));
  }

  const gatewayView = {} as Partial<Record<Provider, PaymentGateway>>;
  for (const p of PROVIDERS) {
    Object.defineProperty(gatewayView, p, {
      enumerable: true,
      get: () => {
        if (fixedGateways) return fixedGateways[p];
        touch();
        return snapshot.gateways[p];
      },
    });
  }
  const channelView = {} as Partial<Record<ChannelName, NotificationChannel>>;
  for (const n of CHANNELS) {
    Object.defineProperty(channelView, n, {
      enumerable: true,
      get: () => {
        if (fixedChannels) return fixedChannels[n];
        touch();
        return snapshot.channels[n];
      },
    });
  }

  return {
    gateways: gatewayView,
    channels: channelView,
    telegramChatId: () => (fixedChannels ? (fixedChannels.telegram ? config.TELEGRAM_CHAT_ID : undefined) : snapshot.chatId),
    // The numbers as saved, through the WhatsApp channel in use (fixed or from the settings).
    staffWhatsAppNumbers: () => (channelView.whatsapp ? snapshot.staffNumbers : []),
    async ensureFresh() {
      if (fixedChannels && fixedGateways) return;
      if (Date.now() - checkedAt < ttlMs) return;
      try {
        await refresh(false);
      } catch (err) {
        // The database is what the caller needs next anyway; keep the last settings.
        log.warn({ err: (err as Error).message }, 'could not re-read gateway and channel settings');
      }
    },
    reload: () => refresh(true),
  };
}
