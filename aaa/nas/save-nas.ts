/**
 * The one writer of the `nas` table: the routers allowed to ask this server (RADIUS clients,
 * RFC 2865 §3 "client"), aaa's table. The staff console (admin/nas/), `npm run nas`
 * (server/cli/nas.ts) and the first-start demo data (server/demo/demo-data.ts) all register,
 * edit and remove routers here, through the same validation (`nasForm`) and the same audit.
 *
 * The shared secret and the RouterOS API password are sealed with the secret box
 * (lib/secret-box.ts): they are never shown back on the form, never written to the audit log,
 * and a blank field keeps what is stored. A new router without a typed secret gets a generated
 * one (lib/credentials.ts: letters and digits, never a leading '-', which radclient and
 * RouterOS's terminal read as an option). Edits refuse a stale form (`version`), and every
 * change is audited in its transaction. The radius role reloads the router from the `nas`
 * triggers (migration …_aaa_notify); an inactive router is unknown to it (its packets dropped).
 *
 * The stored API password belongs to the API target it was typed for: changing where the
 * server logs in (the API address, or the router's address when there is none; the port; TLS;
 * the user) discards it unless a new one is typed with the change, so nobody can send the
 * stored password to another host by editing the form and pressing "test". The API address is
 * the router's own unless the editor may set another (`nas.api_host`, admins; the CLI).
 */
import net from 'node:net';
import { z } from 'zod';
import { randomCredential } from '../../lib/credentials.js';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { fieldErrors } from '../../lib/field-errors.js';
import type { SecretBox } from '../../lib/secret-box.js';

export const NAS_FIELDS = [
  'name', 'ip_address', 'vendor', 'coa_port', 'require_message_authenticator', 'secret', 'regenerate_secret', 'description',
  'routeros_api_host', 'routeros_api_port', 'routeros_api_tls', 'routeros_username', 'routeros_password', 'clear_routeros_password',
] as const;
export type NasFormValues = Record<(typeof NAS_FIELDS)[number], string>;

export const EMPTY_NAS: NasFormValues = {
  name: '', ip_address: '', vendor: 'mikrotik', coa_port: '3799', require_message_authenticator: '1', secret: '', regenerate_secret: '', description: '',
  routeros_api_host: '', routeros_api_port: '8728', routeros_api_tls: '', routeros_username: '', routeros_password: '', clear_routeros_password: '',
};

/** Length of a generated shared secret (about 93 bits). */
const SECRET_LENGTH = 16;
const nullIfEmpty = (v: string): string | null => (v === '' ? null : v);
const checkbox = z.string().transform((v) => v === '1' || v === 'on');
const port = z.string().trim().refine((v) => /^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535, 'error.nas.port').transform(Number);

/** The form's fields; messages are locale keys shown beside the field. */
export const nasForm = z.object({
  name: z.string().trim().min(1, 'error.required').max(100, 'error.too_long'),
  ip_address: z.string().trim().refine((v) => net.isIPv4(v), 'error.nas.ip'),
  vendor: z.enum(['mikrotik', 'other']),
  coa_port: port,
  require_message_authenticator: checkbox,
  // Printable ASCII without spaces, so it survives a RouterOS terminal and a radclient command line.
  secret: z.string().refine((v) => v === '' || (/^[\x21-\x7e]{8,64}$/.test(v) && !v.startsWith('-')), 'error.nas.secret').transform(nullIfEmpty),
  regenerate_secret: checkbox,
  description: z.string().trim().max(500, 'error.too_long').transform(nullIfEmpty),
  routeros_api_host: z.string().trim().refine((v) => v === '' || net.isIP(v) !== 0 || /^[A-Za-z0-9.-]{1,253}$/.test(v), 'error.nas.host').transform(nullIfEmpty),
  routeros_api_port: port,
  routeros_api_tls: checkbox,
  routeros_username: z.string().trim().max(64, 'error.too_long').transform(nullIfEmpty),
  routeros_password: z.string().max(128, 'error.too_long').transform(nullIfEmpty),
  clear_routeros_password: checkbox,
}).superRefine((v, ctx) => {
  if (v.routeros_password !== null && v.routeros_username === null) ctx.addIssue({ code: 'custom', path: ['routeros_username'], message: 'error.nas.api_user_needed' });
});
type NasForm = z.output<typeof nasForm>;

/** The form's text values from a request body (absent fields, unticked boxes: empty). */
export function formInput(body: Record<string, string>): NasFormValues {
  return Object.fromEntries(NAS_FIELDS.map((k) => [k, String(body[k] ?? '').slice(0, 1000)])) as NasFormValues;
}

/** What the form shows of a stored router: never the secret or the API password. */
export function formValuesOf(row: Record<string, unknown>): NasFormValues {
  const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
  return {
    ...EMPTY_NAS,
    name: s(row.name), ip_address: s(row.ip), vendor: s(row.vendor), coa_port: s(row.coa_port), require_message_authenticator: row.require_message_authenticator ? '1' : '',
    description: s(row.description), routeros_api_host: s(row.routeros_api_host), routeros_api_port: s(row.routeros_api_port),
    routeros_api_tls: row.routeros_api_tls ? '1' : '', routeros_username: s(row.routeros_username),
  };
}

/** Values the form keeps after an error: everything typed but the secrets. */
export function keptValues(values: NasFormValues): NasFormValues {
  return { ...values, secret: '', routeros_password: '' };
}

const AUDITED = ['name', 'ip_address', 'vendor', 'coa_port', 'require_message_authenticator', 'description', 'routeros_api_host', 'routeros_api_port',
  'routeros_api_tls', 'routeros_username', 'is_active'] as const;
function pick(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.fromEntries(AUDITED.map((k) => [k, row[k] ?? null]));
  // inet comes back as text with its mask only when it is not a host address; keep what staff typed.
  if (typeof out.ip_address === 'string') out.ip_address = out.ip_address.replace(/\/32$/, '');
  out.routeros_password_set = Boolean(row.routeros_password_enc);
  return out;
}

function columnsOf(v: NasForm): Record<string, unknown> {
  return {
    name: v.name, ip_address: v.ip_address, vendor: v.vendor, coa_port: v.coa_port, require_message_authenticator: v.require_message_authenticator,
    description: v.description, routeros_api_host: v.routeros_api_host, routeros_api_port: v.routeros_api_port, routeros_api_tls: v.routeros_api_tls,
    routeros_username: v.routeros_username,
  };
}

export type SaveNasOutcome =
  | { ok: true; id: number }
  | { ok: false; code: 'invalid'; errors: Record<string, string> }
  | { ok: false; code: 'stale' | 'not_found' };

const ipTaken = (err: unknown): boolean => (err as { code?: string; constraint?: string }).code === '23505' && (err as { constraint?: string }).constraint === 'nas_ip_address_key';

function parse(input: NasFormValues): { ok: true; data: NasForm } | { ok: false; code: 'invalid'; errors: Record<string, string> } {
  const parsed = nasForm.safeParse(input);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, code: 'invalid', errors: fieldErrors(parsed.error) };
}

/** Who saves: `mayRouteApi` — may point the API at an address other than the router's (permission nas.api_host). */
export interface NasEditor {
  actor: AuditActor;
  mayRouteApi: boolean;
}

const hostOf = (ip: unknown): string => String(ip ?? '').replace(/\/32$/, '');

/** Where the server logs in over the RouterOS API: what the stored password is bound to. */
function apiTarget(row: { ip_address: unknown; routeros_api_host: unknown; routeros_api_port: unknown; routeros_api_tls: unknown; routeros_username: unknown }): string {
  return JSON.stringify([row.routeros_api_host ? String(row.routeros_api_host) : hostOf(row.ip_address), Number(row.routeros_api_port), Boolean(row.routeros_api_tls), row.routeros_username ?? null]);
}

/** An API address other than the router's own, typed by someone without nas.api_host (and not the one already stored). */
function foreignApiHost(v: NasForm, editor: NasEditor, stored: unknown = null): boolean {
  return !editor.mayRouteApi && v.routeros_api_host !== null && v.routeros_api_host !== v.ip_address && v.routeros_api_host !== stored;
}
const FOREIGN_API_HOST = { ok: false, code: 'invalid', errors: { routeros_api_host: 'error.nas.api_host_own' } } as const;

/**
 * Registers a router; its secret is the one typed, or a generated one. `demo`: a row of the
 * first-start demo data (removed with it, admin/settings/remove-demo-data.ts). `db` may be a
 * transaction (the demo data's): the insert and its audit row then commit with it.
 */
export async function addNas(db: Knex, secrets: SecretBox, editor: NasEditor, input: NasFormValues, opts: { demo?: boolean } = {}): Promise<SaveNasOutcome> {
  const form = parse(input);
  if (!form.ok) return form;
  const v = form.data;
  if (foreignApiHost(v, editor)) return FOREIGN_API_HOST;
  const { actor } = editor;
  const row = {
    ...columnsOf(v),
    secret_enc: secrets.seal(v.secret ?? randomCredential(SECRET_LENGTH)),
    routeros_password_enc: v.routeros_password === null ? null : secrets.seal(v.routeros_password),
    ...(opts.demo ? { demo: true } : {}),
  };
  try {
    return await db.transaction(async (trx) => {
      const [created] = await trx('nas').insert(row).returning('*');
      await recordAudit(trx, actor, { action: 'nas_created', objectType: 'nas', objectId: Number(created.id), after: { ...pick(created), secret_generated: v.secret === null } });
      return { ok: true, id: Number(created.id) } as const;
    });
  } catch (err) {
    if (ipTaken(err)) return { ok: false, code: 'invalid', errors: { ip_address: 'error.nas.ip_taken' } };
    throw err;
  }
}

/**
 * Saves an edit made on the form opened at `version`. The secret changes only when one is typed
 * or "generate a new secret" is ticked; the API password when typed or cleared, and it is
 * discarded when the API target changes without a new one.
 */
export async function updateNas(db: Knex, secrets: SecretBox, editor: NasEditor, id: number, version: number, input: NasFormValues): Promise<SaveNasOutcome> {
  const form = parse(input);
  if (!form.ok) return form;
  const v = form.data;
  const { actor } = editor;
  const newSecret = v.secret ?? (v.regenerate_secret ? randomCredential(SECRET_LENGTH) : null);
  const changes: Record<string, unknown> = { ...columnsOf(v) };
  if (newSecret !== null) changes.secret_enc = secrets.seal(newSecret);
  if (v.routeros_password !== null) changes.routeros_password_enc = secrets.seal(v.routeros_password);
  else if (v.clear_routeros_password) changes.routeros_password_enc = null;
  try {
    return await db.transaction(async (trx) => {
      const before = await trx('nas').where({ id }).forUpdate().first();
      if (!before) return { ok: false, code: 'not_found' } as const;
      if (Number(before.version) !== version) return { ok: false, code: 'stale' } as const;
      if (foreignApiHost(v, editor, before.routeros_api_host)) return FOREIGN_API_HOST;
      const discarded = !('routeros_password_enc' in changes) && before.routeros_password_enc !== null && apiTarget(before) !== apiTarget(changes as Parameters<typeof apiTarget>[0]);
      if (discarded) changes.routeros_password_enc = null;
      const [after] = await trx('nas').where({ id }).update({ ...changes, version: Number(before.version) + 1 }).returning('*');
      await recordAudit(trx, actor, {
        action: 'nas_updated', objectType: 'nas', objectId: id, before: pick(before),
        after: { ...pick(after), secret_changed: newSecret !== null, routeros_password_changed: 'routeros_password_enc' in changes, routeros_password_discarded: discarded },
      });
      return { ok: true, id } as const;
    });
  } catch (err) {
    if (ipTaken(err)) return { ok: false, code: 'invalid', errors: { ip_address: 'error.nas.ip_taken' } };
    throw err;
  }
}

/**
 * Deactivates (the radius role forgets the router: its requests are dropped as from an unknown
 * client, RFC 2865 §3) or reactivates a router.
 */
export async function setNasActive(db: Knex, actor: AuditActor, id: number, active: boolean): Promise<{ ok: boolean }> {
  return db.transaction(async (trx) => {
    const before = await trx('nas').where({ id }).forUpdate().first('id', 'is_active', 'version');
    if (!before) return { ok: false };
    if (before.is_active === active) return { ok: true };
    await trx('nas').where({ id }).update({ is_active: active, version: Number(before.version) + 1 });
    await recordAudit(trx, actor, {
      action: active ? 'nas_reactivated' : 'nas_deactivated', objectType: 'nas', objectId: id, before: { is_active: !active }, after: { is_active: active },
    });
    return { ok: true };
  });
}

/**
 * `npm run nas -- add`: registers the router at `input.ip_address`, or re-registers the one
 * already there. Fields left out of `input` keep their stored values (a new router: the form's
 * defaults); the re-registration is an edit like the console's, validated and audited the same.
 * `stale`: the router changed between reading and saving it (run the command again).
 */
export async function registerNas(db: Knex, secrets: SecretBox, editor: NasEditor, input: Partial<NasFormValues> & { ip_address: string }): Promise<SaveNasOutcome> {
  const stored = net.isIPv4(input.ip_address) ? await db('nas').whereRaw('ip_address = ?::inet', [input.ip_address]).first('id') : undefined;
  const current = stored ? await loadNas(db, Number(stored.id)) : null;
  if (!current) return addNas(db, secrets, editor, { ...EMPTY_NAS, ...input });
  return updateNas(db, secrets, editor, Number(current.id), Number(current.version), { ...formValuesOf(current), ...input });
}

/** Removes the router at `ip` (IPv4 text), audited; false when there is none. */
export async function removeNas(db: Knex, actor: AuditActor, ip: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const [removed] = await trx('nas').whereRaw('ip_address = ?::inet', [ip]).delete().returning('*');
    if (!removed) return false;
    await recordAudit(trx, actor, { action: 'nas_removed', objectType: 'nas', objectId: Number(removed.id), before: pick(removed) });
    return true;
  });
}

/** The shared secret in clear for a technician who asked to see it (audited: who saw it, when). Null when there is no such router. */
export async function revealNasSecret(db: Knex, secrets: SecretBox, actor: AuditActor, id: number): Promise<string | null> {
  return db.transaction(async (trx) => {
    const row = await trx('nas').where({ id }).first('secret_enc');
    if (!row) return null;
    await recordAudit(trx, actor, { action: 'nas_secret_revealed', objectType: 'nas', objectId: id });
    return secrets.open(row.secret_enc);
  });
}

/** The router for its page (no sealed values), or null. */
export async function loadNas(db: Knex, id: number): Promise<Record<string, unknown> | null> {
  const row = await db('nas').where({ id }).first(
    'id', 'name', db.raw('host(ip_address) AS ip'), 'vendor', 'coa_port', 'require_message_authenticator', 'routeros_api_host', 'routeros_api_port',
    'routeros_api_tls', 'routeros_username', db.raw('routeros_password_enc IS NOT NULL AS routeros_password_set'), 'description', 'is_active', 'version',
    'created_at', 'updated_at',
  );
  return row ?? null;
}
