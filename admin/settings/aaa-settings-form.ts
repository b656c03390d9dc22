/**
 * Access settings (the `aaa` settings row: aaa/settings/aaa-settings.ts) as the console edits them:
 * what a suspended subscriber gets (walled garden or Access-Reject), the walled garden's address
 * list, rate, pool and Session-Timeout, the soft-limit rate, and the Reply-Message texts.
 *
 * The radius role sees a saved change within a second: every write to `settings` fires the
 * statement trigger settings_aaa_change, whose NOTIFY aaa_index 'settings:*' makes each radius
 * process re-read the row (aaa/replica/replica-loader.ts loadSettings). It applies to the next
 * Access-Request; a session already connected keeps what it was given until it re-authenticates.
 */
import { z } from 'zod';
import { aaaSettingsSchema, parseAaaSettings, type AaaSettings } from '../../aaa/settings/aaa-settings.js';
import { isValidRateLimit } from '../../lib/routeros/rate-limit.js';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { readSetting, writeSetting } from '../../lib/settings-store.js';
import { fieldErrors } from '../../lib/field-errors.js';
import type { SettingsSaveOutcome } from './company-settings.js';

const rate = z.string().trim().min(1, 'error.required').max(100, 'error.too_long').refine(isValidRateLimit, 'settings.error.rate_limit');
const message = z.string().trim().max(200, 'error.too_long');

/** The Reply-Message texts the schema has (new ones appear in the form as the radius role gains them). */
export const MESSAGE_KEYS = Object.keys(aaaSettingsSchema.parse({}).messages) as Array<keyof AaaSettings['messages']>;
const msgField = (key: string): string => `msg_${key}`;

export const accessForm = z.object({
  suspendedAction: z.enum(['walled_garden', 'reject'], { message: 'error.invalid' }),
  addressList: z.string().trim().min(1, 'error.required').max(64, 'error.too_long').regex(/^[A-Za-z0-9_.-]+$/, 'settings.error.address_list'),
  walledGardenRate: rate,
  framedPool: z.string().trim().max(64, 'error.too_long').regex(/^([A-Za-z0-9_.-]+)?$/, 'settings.error.pool'),
  sessionTimeout: z.string().trim().regex(/^\d{1,6}$/, 'settings.error.session_timeout').transform(Number).pipe(z.number().min(60, 'settings.error.session_timeout').max(86_400, 'settings.error.session_timeout')),
  softLimitRate: rate,
  ...Object.fromEntries(MESSAGE_KEYS.map((k) => [msgField(k), message])),
});

/** The form's text values for `s`. */
export function aaaFormValues(s: AaaSettings): Record<string, string> {
  return {
    suspendedAction: s.suspendedAction, addressList: s.walledGarden.addressList, walledGardenRate: s.walledGarden.rateLimit,
    framedPool: s.walledGarden.framedPool ?? '', sessionTimeout: String(s.walledGarden.sessionTimeout), softLimitRate: s.softLimitRateLimit,
    ...Object.fromEntries(MESSAGE_KEYS.map((k) => [msgField(k), s.messages[k]])),
  };
}

export async function loadAaaSettingsForm(db: Knex): Promise<{ settings: AaaSettings; version: number; invalid: boolean }> {
  const row = await readSetting(db, 'aaa');
  const { settings, error } = parseAaaSettings(row.value);
  return { settings, version: row.version, invalid: Boolean(error) };
}

const pickForm = (input: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.keys(accessForm.shape).map((k) => [k, typeof input[k] === 'string' ? (input[k] as string) : '']));

export async function saveAaaSettings(db: Knex, actor: AuditActor, version: number, input: Record<string, unknown>): Promise<SettingsSaveOutcome> {
  const parsed = accessForm.safeParse(pickForm(input));
  if (!parsed.success) return { ok: false, code: 'invalid', errors: fieldErrors(parsed.error) };
  const f = parsed.data as Record<string, unknown> & z.output<typeof accessForm>;
  const edited = {
    suspendedAction: f.suspendedAction,
    walledGarden: { addressList: f.addressList, rateLimit: f.walledGardenRate, framedPool: f.framedPool || null, sessionTimeout: f.sessionTimeout },
    softLimitRateLimit: f.softLimitRate,
    // A text left blank is the built-in one again.
    messages: Object.fromEntries(MESSAGE_KEYS.filter((k) => f[msgField(k)] !== '').map((k) => [k, f[msgField(k)] as string])),
  };
  return db.transaction(async (trx) => {
    // Whatever else the row holds (settings this form does not edit) is kept.
    const current = await readSetting(trx, 'aaa');
    const stored = current.value && typeof current.value === 'object' ? (current.value as Record<string, unknown>) : {};
    const next = { ...stored, ...aaaSettingsSchema.parse({ ...stored, ...edited }) };
    const written = await writeSetting(trx, 'aaa', next, version);
    if (!written.ok) return written;
    await recordAudit(trx, actor, { action: 'settings_updated', objectType: 'settings', objectId: 'aaa', before: (written.before as Record<string, unknown> | null) ?? null, after: next });
    return { ok: true } as const;
  });
}
