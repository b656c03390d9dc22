/**
 * Payment gateways and notification channels as staff set them in the console, over the
 * environment (lib/config.ts: MIDTRANS_*, XENDIT_*, TRIPAY_*, DUITKU_*, WHATSAPP_*, FONNTE_*, SMS_*, SMTP_*,
 * TELEGRAM_*). Two rows of the settings table, `payment_gateways` and `notification_channels`:
 * `{ <provider>: { <field>: value } }`. A stored field wins over its environment variable; an
 * absent one falls back to it, so an installation configured by environment keeps working and a
 * field can be handed back to the environment by removing it.
 *
 * Secrets (API keys, tokens, the SMTP password) are stored sealed with the SecretBox
 * (`v1:…`, AES-256-GCM under APP_SECRET_KEY), never rendered back (only "set · ends in …4f2a")
 * and never written to the audit log (only "changed"). API base URLs (MIDTRANS_API_URL,
 * WHATSAPP_CLOUD_API_URL, ...) stay environment-only: they exist for sandboxes and tests.
 */
import type { Config } from '../../lib/config.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { ChannelName, NotificationChannel } from '../notifications/channel.js';
import { createEmailChannel } from '../notifications/channels/email.js';
import { createFonnteChannel } from '../notifications/channels/fonnte.js';
import { createSmsHttpChannel } from '../notifications/channels/sms-http.js';
import { createTelegramChannel } from '../notifications/channels/telegram.js';
import { createWhatsAppCloudChannel } from '../notifications/channels/whatsapp-cloud.js';
import { createMidtransGateway } from '../payments/gateways/midtrans.js';
import type { PaymentGateway, Provider } from '../payments/gateways/payment-gateway.js';
import { createXenditGateway } from '../payments/gateways/xendit.js';
import { createTripayGateway } from '../payments/gateways/tripay.js';
import { createDuitkuGateway } from '../payments/gateways/duitku.js';
import { checkStaffNumbers, staffNumbersOf, storedStaffNumbers } from './staff-whatsapp-numbers.js';

export const GATEWAYS_KEY = 'payment_gateways';
export const CHANNELS_KEY = 'notification_channels';

/**
 * One setting of a provider:
 * - `secret`: sealed at rest, shown masked; a blank form field keeps it;
 * - `text`: shown as stored; blank hands it back to the environment;
 * - `choice`: one of `options` ('' = as the environment says).
 */
export interface FieldSpec {
  name: string;
  kind: 'secret' | 'text' | 'choice';
  /** The environment variable it overrides (none: the default below). */
  env?: keyof Config;
  options?: readonly string[];
  /** For choices without a variable: the value when nothing is stored. */
  fallback?: string;
  /** Text: a check on what staff type; returns a locale key of the error, or null. */
  check?: (value: string) => string | null;
  /** Text: the form a value that passed `check` is stored in (default: as typed, trimmed). */
  normalize?: (value: string) => string;
  max?: number;
}

const url = (v: string): string | null => {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:' ? null : 'settings.error.url';
  } catch {
    return 'settings.error.url';
  }
};
const smtpUrl = (v: string): string | null => {
  try {
    const u = new URL(v);
    return u.protocol === 'smtp:' || u.protocol === 'smtps:' ? null : 'settings.error.smtp_url';
  } catch {
    return 'settings.error.smtp_url';
  }
};
const ON_OFF = ['on', 'off'] as const;

export const GATEWAY_FIELDS: Readonly<Record<Provider, readonly FieldSpec[]>> = {
  midtrans: [
    { name: 'enabled', kind: 'choice', options: ON_OFF, fallback: 'on' },
    { name: 'serverKey', kind: 'secret', env: 'MIDTRANS_SERVER_KEY', max: 200 },
    { name: 'clientKey', kind: 'text', env: 'MIDTRANS_CLIENT_KEY', max: 200 },
    { name: 'production', kind: 'choice', env: 'MIDTRANS_PRODUCTION', options: ['true', 'false'] },
  ],
  xendit: [
    { name: 'enabled', kind: 'choice', options: ON_OFF, fallback: 'on' },
    { name: 'secretKey', kind: 'secret', env: 'XENDIT_SECRET_KEY', max: 200 },
    { name: 'callbackToken', kind: 'secret', env: 'XENDIT_CALLBACK_TOKEN', max: 200 },
  ],
  // Tripay and Duitku (issue 14, payment channels): `method` / `paymentMethod` is the channel a
  // payment link opens with (Tripay closed payments and Duitku's inquiry API take one).
  tripay: [
    { name: 'enabled', kind: 'choice', options: ON_OFF, fallback: 'on' },
    { name: 'apiKey', kind: 'secret', env: 'TRIPAY_API_KEY', max: 200 },
    { name: 'privateKey', kind: 'secret', env: 'TRIPAY_PRIVATE_KEY', max: 200 },
    { name: 'merchantCode', kind: 'text', env: 'TRIPAY_MERCHANT_CODE', max: 32, check: (v) => (/^[A-Za-z0-9]{1,32}$/.test(v) ? null : 'settings.error.code') },
    { name: 'method', kind: 'text', env: 'TRIPAY_METHOD', max: 32, check: (v) => (/^[A-Z0-9_]{2,32}$/.test(v) ? null : 'settings.error.code') },
  ],
  duitku: [
    { name: 'enabled', kind: 'choice', options: ON_OFF, fallback: 'on' },
    { name: 'merchantCode', kind: 'text', env: 'DUITKU_MERCHANT_CODE', max: 32, check: (v) => (/^[A-Za-z0-9]{1,32}$/.test(v) ? null : 'settings.error.code') },
    { name: 'apiKey', kind: 'secret', env: 'DUITKU_API_KEY', max: 200 },
    { name: 'paymentMethod', kind: 'text', env: 'DUITKU_PAYMENT_METHOD', max: 8, check: (v) => (/^[A-Z0-9]{2,8}$/.test(v) ? null : 'settings.error.code') },
  ],
};

export const CHANNEL_FIELDS: Readonly<Record<ChannelName, readonly FieldSpec[]>> = {
  whatsapp: [
    { name: 'provider', kind: 'choice', env: 'WHATSAPP_PROVIDER', options: ['none', 'cloud', 'fonnte'] },
    { name: 'cloudToken', kind: 'secret', env: 'WHATSAPP_CLOUD_TOKEN', max: 1000 },
    { name: 'cloudPhoneNumberId', kind: 'text', env: 'WHATSAPP_CLOUD_PHONE_NUMBER_ID', max: 64, check: (v) => (/^\d{5,30}$/.test(v) ? null : 'settings.error.digits') },
    { name: 'fonnteToken', kind: 'secret', env: 'FONNTE_TOKEN', max: 200 },
    // Who gets every staff alert on WhatsApp too (relay-staff-alerts.ts): a short list, stored E.164.
    { name: 'staffNumbers', kind: 'text', max: 200, check: checkStaffNumbers, normalize: storedStaffNumbers },
  ],
  sms: [
    { name: 'enabled', kind: 'choice', options: ON_OFF, fallback: 'on' },
    { name: 'url', kind: 'text', env: 'SMS_GATEWAY_URL', max: 500, check: url },
    { name: 'token', kind: 'secret', env: 'SMS_GATEWAY_TOKEN', max: 500 },
  ],
  email: [
    { name: 'enabled', kind: 'choice', options: ON_OFF, fallback: 'on' },
    // The SMTP URL without its password (the password is the secret below).
    { name: 'url', kind: 'text', env: 'SMTP_URL', max: 500, check: smtpUrl },
    { name: 'password', kind: 'secret', max: 500 },
    { name: 'from', kind: 'text', env: 'SMTP_FROM', max: 200 },
  ],
  telegram: [
    { name: 'enabled', kind: 'choice', options: ON_OFF, fallback: 'on' },
    { name: 'botToken', kind: 'secret', env: 'TELEGRAM_BOT_TOKEN', max: 200 },
    { name: 'chatId', kind: 'text', env: 'TELEGRAM_CHAT_ID', max: 64, check: (v) => (/^-?\d{1,20}$|^@[A-Za-z0-9_]{5,64}$/.test(v) ? null : 'settings.error.chat_id') },
  ],
};

export type Area = 'gateways' | 'channels';
export const AREA_KEY: Record<Area, string> = { gateways: GATEWAYS_KEY, channels: CHANNELS_KEY };
export function fieldsOf(area: Area, provider: string): readonly FieldSpec[] | undefined {
  const table = (area === 'gateways' ? GATEWAY_FIELDS : CHANNEL_FIELDS) as Record<string, readonly FieldSpec[]>;
  return Object.hasOwn(table, provider) ? table[provider] : undefined;
}

/** Stored row: provider → field → value (secrets sealed). */
export type StoredArea = Record<string, Record<string, string>>;

export function storedArea(value: unknown): StoredArea {
  const out: StoredArea = {};
  if (!value || typeof value !== 'object') return out;
  for (const [p, fields] of Object.entries(value as Record<string, unknown>)) {
    if (!fields || typeof fields !== 'object') continue;
    out[p] = {};
    for (const [f, v] of Object.entries(fields as Record<string, unknown>)) if (typeof v === 'string') out[p]![f] = v;
  }
  return out;
}

/** Where an effective value comes from. */
export type Source = 'stored' | 'env' | 'default' | 'none';

export interface EffectiveField {
  value: string | undefined;
  source: Source;
  /** A stored secret that does not open with this APP_SECRET_KEY (ignored). */
  unreadable?: boolean;
}

/** The SMTP URL's password, percent-decoded ('' without one). */
function smtpPassword(u: string | undefined): string {
  if (!u) return '';
  try {
    return decodeURIComponent(new URL(u).password);
  } catch {
    return '';
  }
}
/** The SMTP URL without its password. */
export function withoutPassword(u: string): string {
  try {
    const parsed = new URL(u);
    if (!parsed.password) return u;
    parsed.password = '';
    return parsed.toString();
  } catch {
    return u;
  }
}

function envValue(config: Config, area: Area, provider: string, spec: FieldSpec): string | undefined {
  if (area === 'channels' && provider === 'email' && spec.name === 'password') return smtpPassword(config.SMTP_URL) || undefined;
  if (!spec.env) return undefined;
  const raw = config[spec.env];
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (area === 'channels' && provider === 'email' && spec.name === 'url') return withoutPassword(String(raw));
  return String(raw);
}

/** Each field's effective value: stored (secrets opened), else the environment, else the default. */
export function effectiveFields(area: Area, provider: string, stored: StoredArea, config: Config, secrets: SecretBox): Record<string, EffectiveField> {
  const out: Record<string, EffectiveField> = {};
  for (const spec of fieldsOf(area, provider) ?? []) {
    const s = stored[provider]?.[spec.name];
    let unreadable = false;
    if (s !== undefined && s !== '') {
      if (spec.kind !== 'secret') {
        out[spec.name] = { value: s, source: 'stored' };
        continue;
      }
      try {
        out[spec.name] = { value: secrets.open(s), source: 'stored' };
        continue;
      } catch {
        unreadable = true;
      }
    }
    const env = envValue(config, area, provider, spec);
    if (env !== undefined) out[spec.name] = { value: env, source: 'env', unreadable };
    else if (spec.fallback !== undefined) out[spec.name] = { value: spec.fallback, source: 'default', unreadable };
    else out[spec.name] = { value: undefined, source: 'none', unreadable };
  }
  return out;
}

/** "ends in …4f2a" material: the last 4 characters of a secret long enough that they say nothing (≥ 12), else ''. */
export function secretEnding(secret: string | undefined): string {
  return secret && secret.length >= 12 ? secret.slice(-4) : '';
}

// --- Building the gateways and channels -----------------------------------------------------------

export interface BuildContext {
  config: Config;
  secrets: SecretBox;
}

type Values = Record<string, string | undefined>;
const values = (f: Record<string, EffectiveField>): Values => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.value]));

/** The gateway `provider` as configured (stored over environment), or undefined when it is off. */
export function buildGateway(provider: Provider, stored: StoredArea, ctx: BuildContext): PaymentGateway | undefined {
  const v = values(effectiveFields('gateways', provider, stored, ctx.config, ctx.secrets));
  if (v.enabled === 'off') return undefined;
  const { config } = ctx;
  if (provider === 'midtrans') {
    if (!v.serverKey) return undefined;
    return createMidtransGateway({
      serverKey: v.serverKey, clientKey: v.clientKey ?? '', isProduction: v.production === 'true',
      apiUrl: config.MIDTRANS_API_URL, snapUrl: config.MIDTRANS_SNAP_URL,
    });
  }
  const callbackUrl = `${(config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/+$/, '')}/webhooks/${provider}`;
  if (provider === 'tripay') {
    if (!v.apiKey || !v.privateKey || !v.merchantCode) return undefined;
    return createTripayGateway({ apiKey: v.apiKey, privateKey: v.privateKey, merchantCode: v.merchantCode, method: v.method, callbackUrl, apiUrl: config.TRIPAY_API_URL });
  }
  if (provider === 'duitku') {
    if (!v.merchantCode || !v.apiKey) return undefined;
    return createDuitkuGateway({ merchantCode: v.merchantCode, apiKey: v.apiKey, paymentMethod: v.paymentMethod, callbackUrl, apiUrl: config.DUITKU_API_URL });
  }
  if (!v.secretKey || !v.callbackToken) return undefined;
  return createXenditGateway({ secretKey: v.secretKey, callbackToken: v.callbackToken, apiUrl: config.XENDIT_API_URL });
}

/** The channel `name` as configured, or undefined when it is off or incomplete. */
export function buildChannel(name: ChannelName, stored: StoredArea, ctx: BuildContext): NotificationChannel | undefined {
  const v = values(effectiveFields('channels', name, stored, ctx.config, ctx.secrets));
  const { config } = ctx;
  switch (name) {
    case 'whatsapp':
      if (v.provider === 'cloud' && v.cloudToken && v.cloudPhoneNumberId) {
        return createWhatsAppCloudChannel({ token: v.cloudToken, phoneNumberId: v.cloudPhoneNumberId, apiUrl: config.WHATSAPP_CLOUD_API_URL });
      }
      if (v.provider === 'fonnte' && v.fonnteToken) return createFonnteChannel({ token: v.fonnteToken, apiUrl: config.FONNTE_API_URL });
      return undefined;
    case 'sms':
      return v.enabled !== 'off' && v.url ? createSmsHttpChannel({ url: v.url, token: v.token }) : undefined;
    case 'email': {
      if (v.enabled === 'off' || !v.url || !v.from) return undefined;
      let full = v.url;
      if (v.password) {
        const u = new URL(v.url);
        u.password = encodeURIComponent(v.password);
        full = u.toString();
      }
      return createEmailChannel({ url: full, from: v.from });
    }
    case 'telegram':
      return v.enabled !== 'off' && v.botToken && v.chatId ? createTelegramChannel({ token: v.botToken, apiUrl: config.TELEGRAM_API_URL }) : undefined;
  }
}

/** The staff chat id when Telegram is on, else undefined. */
export function telegramChatId(stored: StoredArea, ctx: BuildContext): string | undefined {
  const v = values(effectiveFields('channels', 'telegram', stored, ctx.config, ctx.secrets));
  return v.enabled !== 'off' && v.botToken && v.chatId ? v.chatId : undefined;
}

/** The staff WhatsApp numbers saved (E.164 with `+`), whether or not WhatsApp is on; [] when none. */
export function staffWhatsAppNumbers(stored: StoredArea, ctx: BuildContext): string[] {
  return staffNumbersOf(values(effectiveFields('channels', 'whatsapp', stored, ctx.config, ctx.secrets)).staffNumbers);
}

export const PROVIDERS: readonly Provider[] = ['midtrans', 'xendit', 'tripay', 'duitku'];
export const CHANNELS: readonly ChannelName[] = ['whatsapp', 'sms', 'email', 'telegram'];
