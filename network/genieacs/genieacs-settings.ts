/**
 * The GenieACS connection as staff set it (Settings → GenieACS): one row `genieacs` of the
 * settings table (lib/settings-store.ts, optimistic version). The NBI password and the inform
 * token are sealed with lib/secret-box.ts (AES-256-GCM) and never shown again, logged or audited:
 * the form says "set" and a blank field keeps what is stored.
 *
 * Stored shape: `{ enabled, url, username, password?: sealed, informToken?: sealed, offlineFactor }`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { readSetting, writeSetting } from '../../lib/settings-store.js';
import { createNbiClient, type NbiClient } from './nbi-client.js';

export const GENIEACS_SETTING = 'genieacs';
/** A CPE is offline when its last inform is older than this many periodic inform intervals (default). */
export const DEFAULT_OFFLINE_FACTOR = 3;
/** The inform interval assumed when the CPE does not report ManagementServer.PeriodicInformInterval, seconds. */
export const DEFAULT_INFORM_INTERVAL = 3600;

export interface GenieSettings {
  enabled: boolean;
  url: string;
  username: string;
  /** Sealed, or undefined. */
  password?: string;
  /** Sealed, or undefined: the shared token of POST /integrations/genieacs/inform. */
  informToken?: string;
  offlineFactor: number;
}

export interface GenieDeps {
  db: Knex;
  secrets: SecretBox;
}

function parse(value: unknown): GenieSettings {
  const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const factor = Number(v.offlineFactor);
  return {
    enabled: v.enabled === true,
    url: typeof v.url === 'string' ? v.url : '',
    username: typeof v.username === 'string' ? v.username : '',
    password: typeof v.password === 'string' ? v.password : undefined,
    informToken: typeof v.informToken === 'string' ? v.informToken : undefined,
    offlineFactor: Number.isInteger(factor) && factor >= 1 && factor <= 100 ? factor : DEFAULT_OFFLINE_FACTOR,
  };
}

export async function loadGenieSettings(db: Knex | Knex.Transaction): Promise<{ settings: GenieSettings; version: number }> {
  const row = await readSetting(db, GENIEACS_SETTING);
  return { settings: parse(row.value), version: row.version };
}

/** The NBI client as configured now, or null when GenieACS is off or has no URL. */
export async function genieClient(deps: GenieDeps): Promise<NbiClient | null> {
  const { settings } = await loadGenieSettings(deps.db);
  if (!settings.enabled || !settings.url) return null;
  return createNbiClient({ url: settings.url, username: settings.username, password: settings.password ? deps.secrets.open(settings.password) : undefined });
}

/** Whether `given` is the configured inform token (constant time); false when none is set. */
export function informTokenMatches(settings: GenieSettings, secrets: SecretBox, given: string): boolean {
  if (!settings.informToken || !given) return false;
  let expected: string;
  try {
    expected = secrets.open(settings.informToken);
  } catch {
    return false;
  }
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type SaveGenieOutcome =
  | { ok: true; newToken: string | null }
  | { ok: false; code: 'invalid'; errors: Record<string, string> }
  | { ok: false; code: 'stale' };

/**
 * Saves the form. `input`: enabled ('1'), url (http/https), username, password (blank keeps),
 * offline_factor (1–100), new_token ('1': generate a new inform token, returned once).
 * Audited (`settings_updated`) without secret values.
 */
export async function saveGenieSettings(deps: GenieDeps, actor: AuditActor, version: number, input: Record<string, unknown>): Promise<SaveGenieOutcome> {
  const text = (k: string, max: number): string => (typeof input[k] === 'string' ? (input[k] as string).trim().slice(0, max) : '');
  const url = text('url', 300);
  const errors: Record<string, string> = {};
  if (url) {
    try {
      const u = new URL(url);
      if (!['http:', 'https:'].includes(u.protocol) || u.username || u.password) errors.url = 'genieacs.error.url';
    } catch {
      errors.url = 'genieacs.error.url';
    }
  }
  const enabled = input.enabled === '1' || input.enabled === 'on';
  if (enabled && !url) errors.url = 'genieacs.error.url_required';
  const factorText = text('offline_factor', 4) || String(DEFAULT_OFFLINE_FACTOR);
  const factor = /^\d{1,3}$/.test(factorText) ? Number(factorText) : NaN;
  if (!(factor >= 1 && factor <= 100)) errors.offline_factor = 'genieacs.error.offline_factor';
  const password = typeof input.password === 'string' ? input.password.slice(0, 200) : '';
  if (Object.keys(errors).length) return { ok: false, code: 'invalid', errors };

  return deps.db.transaction(async (trx) => {
    const { settings: before } = await loadGenieSettings(trx);
    const newToken = input.new_token === '1' || !before.informToken ? randomBytes(24).toString('base64url') : null;
    const next: GenieSettings = {
      enabled, url, username: text('username', 100), offlineFactor: factor,
      password: input.clear_password === '1' ? undefined : password ? deps.secrets.seal(password) : before.password,
      informToken: newToken ? deps.secrets.seal(newToken) : before.informToken,
    };
    const written = await writeSetting(trx, GENIEACS_SETTING, next, version);
    if (!written.ok) return { ok: false, code: 'stale' } as const;
    await recordAudit(trx, actor, {
      action: 'settings_updated', objectType: 'settings', objectId: GENIEACS_SETTING,
      before: { enabled: before.enabled, url: before.url, username: before.username, offlineFactor: before.offlineFactor },
      after: {
        enabled, url, username: next.username, offlineFactor: factor,
        ...(password ? { password: 'changed' } : input.clear_password === '1' ? { password: 'removed' } : {}),
        ...(newToken ? { informToken: 'changed' } : {}),
      },
    });
    return { ok: true, newToken } as const;
  });
}

/** Asks the NBI for a device that cannot exist: an empty list proves address and credentials. */
export async function checkGenieConnection(deps: GenieDeps): Promise<{ ok: true } | { ok: false; error: string }> {
  const client = await genieClient(deps);
  if (!client) return { ok: false, error: 'not_configured' };
  try {
    await client.findDevices({ _id: '__isp_connection_check__' }, { projection: ['_id'] });
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message.slice(0, 300) };
  }
}
