/**
 * Payment gateways and notification channels as the console edits them (the settings rows of
 * billing/settings/integrations.ts): one form per provider, secrets sealed and never shown again
 * ("set · ends in …4f2a"; a blank field keeps what is stored, "remove" hands it back to the
 * environment), stale edits refused, every change audited without a secret value (only
 * "changed" / "removed"). Also the two checks staff can run: a gateway status call and a test
 * message through a channel.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Config } from '../../lib/config.js';
import type { Knex } from '../../lib/db.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { readSetting, writeSetting } from '../../lib/settings-store.js';
import type { ChannelName, NotificationChannel } from '../../billing/notifications/channel.js';
import { normalizePhone } from '../../lib/phone.js';
import {
  AREA_KEY, buildChannel, buildGateway, effectiveFields, fieldsOf, secretEnding, storedArea, telegramChatId, withoutPassword,
  type Area, type StoredArea,
} from '../../billing/settings/integrations.js';
import type { Provider } from '../../billing/payments/gateways/payment-gateway.js';

export interface IntegrationDeps {
  db: Knex;
  config: Config;
  secrets: SecretBox;
}

/** One field as the form shows it. */
export interface FieldView {
  name: string;
  kind: 'secret' | 'text' | 'choice';
  /** What the input holds: the stored text or choice ('' = environment); never a secret. */
  value: string;
  options: readonly string[];
  /** What applies now, as shown: a text, a choice, or for a secret only whether it is set. */
  effective: string;
  isSet: boolean;
  ending: string;
  source: string;
  /** What applies when nothing is stored (the environment, or the default), and from where. */
  inherited: string;
  inheritedSource: string;
  unreadable: boolean;
  error?: string;
}

export interface ProviderView {
  name: string;
  /** Whether the gateway / channel is on with what applies now. */
  active: boolean;
  fields: FieldView[];
  version: number;
  errors?: Record<string, string>;
  stale?: boolean;
}

/** The stored area and its version. */
export async function loadArea(db: Knex | Knex.Transaction, area: Area): Promise<{ stored: StoredArea; version: number }> {
  const row = await readSetting(db, AREA_KEY[area]);
  return { stored: storedArea(row.value), version: row.version };
}

/** The form of each provider of `area`, from what is stored and the environment. */
export function providerView(deps: IntegrationDeps, area: Area, provider: string, stored: StoredArea, version: number, typed?: Record<string, string>): ProviderView {
  const eff = effectiveFields(area, provider, stored, deps.config, deps.secrets);
  const base = effectiveFields(area, provider, {}, deps.config, deps.secrets);
  const ctx = { config: deps.config, secrets: deps.secrets };
  const active = area === 'gateways' ? Boolean(buildGateway(provider as Provider, stored, ctx)) : Boolean(buildChannel(provider as ChannelName, stored, ctx));
  const fields = (fieldsOf(area, provider) ?? []).map((spec): FieldView => {
    const e = eff[spec.name]!;
    const storedValue = stored[provider]?.[spec.name] ?? '';
    return {
      name: spec.name,
      kind: spec.kind,
      value: spec.kind === 'secret' ? '' : (typed?.[spec.name] ?? storedValue),
      options: spec.options ?? [],
      effective: spec.kind === 'secret' ? '' : (e.value ?? ''),
      isSet: e.value !== undefined && e.value !== '',
      ending: spec.kind === 'secret' ? secretEnding(e.value) : '',
      source: e.source,
      inherited: spec.kind === 'secret' ? '' : (base[spec.name]!.value ?? ''),
      inheritedSource: base[spec.name]!.source,
      unreadable: Boolean(e.unreadable),
    };
  });
  return { name: provider, active, fields, version };
}

export type IntegrationSaveOutcome =
  | { ok: true; changed: boolean }
  | { ok: false; code: 'invalid'; errors: Record<string, string>; typed: Record<string, string> }
  | { ok: false; code: 'stale'; typed: Record<string, string> }
  | { ok: false; code: 'not_found' };

/**
 * Saves the form of `provider` in `area`.
 * @param version the version of the area's row the form was opened with (0: never saved).
 */
export async function saveProvider(deps: IntegrationDeps, actor: AuditActor, area: Area, provider: string, version: number, input: Record<string, unknown>): Promise<IntegrationSaveOutcome> {
  const specs = fieldsOf(area, provider);
  if (!specs) return { ok: false, code: 'not_found' };
  const text = (k: string): string => (typeof input[k] === 'string' ? (input[k] as string).trim() : '');
  // What the form shows again on an error: texts and choices, never a typed secret.
  const typed: Record<string, string> = {};
  for (const s of specs) if (s.kind !== 'secret') typed[s.name] = text(s.name);

  const errors: Record<string, string> = {};
  const values: Record<string, string> = {};
  const secretsTyped: Record<string, string> = {};
  for (const s of specs) {
    const v = text(s.name);
    if (s.max && v.length > s.max) errors[s.name] = 'error.too_long';
    else if (s.kind === 'choice' && v !== '' && !(s.options ?? []).includes(v)) errors[s.name] = 'error.invalid';
    else if (s.kind === 'text' && v !== '' && s.check) {
      const e = s.check(v);
      if (e) errors[s.name] = e;
    } else if (s.kind === 'secret' && /\s/.test(v)) errors[s.name] = 'settings.error.secret_spaces';
    if (s.kind === 'secret') secretsTyped[s.name] = v;
    else values[s.name] = s.normalize && v !== '' && !errors[s.name] ? s.normalize(v) : v;
  }
  // An SMTP URL typed with its password: the password goes to the secret, the URL is kept without it.
  if (area === 'channels' && provider === 'email' && values.url && !errors.url) {
    try {
      const u = new URL(values.url);
      if (u.password) {
        if (!secretsTyped.password) secretsTyped.password = decodeURIComponent(u.password);
        values.url = withoutPassword(values.url);
        typed.url = values.url;
      }
    } catch {
      // the check above already reported it
    }
  }
  if (Object.keys(errors).length) return { ok: false, code: 'invalid', errors, typed };

  return deps.db.transaction(async (trx) => {
    const { stored } = await loadArea(trx, area);
    const before = { ...(stored[provider] ?? {}) };
    const next: Record<string, string> = { ...before };
    const secretChanges: Record<string, 'changed' | 'removed'> = {};
    for (const s of specs) {
      if (s.kind === 'secret') {
        if (input[`clear_${s.name}`] && next[s.name] !== undefined) {
          delete next[s.name];
          secretChanges[s.name] = 'removed';
        } else if (secretsTyped[s.name]) {
          let same = false;
          try {
            same = next[s.name] !== undefined && deps.secrets.open(next[s.name]!) === secretsTyped[s.name];
          } catch {
            same = false;
          }
          if (!same) {
            next[s.name] = deps.secrets.seal(secretsTyped[s.name]!);
            secretChanges[s.name] = 'changed';
          }
        }
      } else if (values[s.name] === '') delete next[s.name];
      else next[s.name] = values[s.name]!;
    }
    const plain = (o: Record<string, string>): Record<string, string> =>
      Object.fromEntries(specs.filter((s) => s.kind !== 'secret' && o[s.name] !== undefined).map((s) => [s.name, o[s.name]!]));
    const changed = Object.keys(secretChanges).length > 0 || JSON.stringify(plain(before)) !== JSON.stringify(plain(next));
    const written = await writeSetting(trx, AREA_KEY[area], { ...stored, [provider]: next }, version);
    if (!written.ok) return { ok: false, code: 'stale', typed } as const;
    if (changed) {
      await recordAudit(trx, actor, {
        action: 'settings_updated', objectType: 'settings', objectId: `${AREA_KEY[area]}.${provider}`,
        before: plain(before), after: { ...plain(next), ...secretChanges },
      });
    }
    return { ok: true, changed } as const;
  });
}

export type CheckOutcome = { ok: true; detail: string } | { ok: false; error: string };

/**
 * Asks gateway `provider`, as configured now, for the status of an order that does not exist:
 * "unknown order" proves the keys and the address work; a refusal (bad key) or no answer is the
 * error to show. The message never holds a key (the gateways redact them).
 */
export async function checkGateway(deps: IntegrationDeps, provider: Provider): Promise<CheckOutcome> {
  const { stored } = await loadArea(deps.db, 'gateways');
  const gateway = buildGateway(provider, stored, { config: deps.config, secrets: deps.secrets });
  if (!gateway) return { ok: false, error: 'not_configured' };
  try {
    const status = await gateway.fetchStatus(`ISP-CHECK-${Date.now()}`, null);
    return { ok: true, detail: status ? status.status : 'reachable' };
  } catch (err) {
    return { ok: false, error: (err as Error).message.slice(0, 300) };
  }
}

export type TestOutcome = { ok: true; detail: string } | { ok: false; error: string; field?: string };

/**
 * Sends a short test message through channel `name` as configured now, to `recipient` (a phone
 * number, an e-mail address, or a Telegram chat id; for Telegram blank means the staff chat).
 */
export async function sendTestMessage(
  deps: IntegrationDeps,
  name: ChannelName,
  recipient: string,
  text: { subject: string; message: string; companyName: string; locale: 'id' | 'en' },
): Promise<TestOutcome> {
  const { stored } = await loadArea(deps.db, 'channels');
  const ctx = { config: deps.config, secrets: deps.secrets };
  const channel: NotificationChannel | undefined = buildChannel(name, stored, ctx);
  if (!channel) return { ok: false, error: 'not_configured' };
  let to = recipient.trim();
  if (name === 'telegram' && !to) to = telegramChatId(stored, ctx) ?? '';
  const valid =
    name === 'email' ? /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to) && to.length <= 200
      : name === 'telegram' ? /^-?\d{1,20}$|^@[A-Za-z0-9_]{5,64}$/.test(to)
        : normalizePhone(to) !== null;
  if (!valid) return { ok: false, error: 'bad_recipient', field: 'recipient' };
  const result = await channel.send({
    recipient: to, subject: text.subject, text: text.message, template: 'staff_alert', locale: text.locale,
    params: { message: text.message, companyName: text.companyName },
  });
  return result.ok ? { ok: true, detail: result.providerId ?? '' } : { ok: false, error: result.error };
}
