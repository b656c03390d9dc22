/**
 * /nas: the routers allowed to ask this server (RADIUS clients, RFC 2865 §3): list (filters
 * `q` on name or address, `active`), get, register and edit. Register and edit go through the one
 * writer of the `nas` table (aaa/nas/save-nas.ts `addNas` / `updateNas`): the console's validation,
 * the optimistic lock on `version` (409 `stale`), the audit rows `nas_created` / `nas_updated`
 * with the token's staff member as actor, and the rule that the RouterOS API may point at an
 * address other than the router's own only with `nas.api_host`.
 *
 * The shared secret and the RouterOS API password are write-only: answers say whether each is set
 * (`secret_set`, `routeros_password_set`), never the value, and they are not stored by an
 * Idempotency-Key replay (a POST body is hashed, never kept). A router registered without a
 * `secret` gets a generated one (16 letters and digits), revealed in the console only (audited).
 */
import { z } from 'zod';
import { addNas, EMPTY_NAS, formValuesOf, loadNas, updateNas, type NasEditor, type NasFormValues } from '../../aaa/nas/save-nas.js';
import type { Knex } from '../../lib/db.js';
import { paginate } from '../framework/pagination.js';
import type { ApiCaller } from '../framework/route.js';
import { route, type ApiRoute } from '../framework/route.js';
import { found, idParams, instant, iso, pageOf, pageQuery, refusal } from './common.js';

const nas = z.object({
  id: z.number().int(), name: z.string(), ip_address: z.string().describe('IPv4 address the router sends RADIUS from (NAS-IP, RFC 2865 §3)'),
  vendor: z.enum(['mikrotik', 'other']), coa_port: z.number().int().describe('UDP port of its CoA / Disconnect listener (RFC 5176 §3; RouterOS 3799)'),
  require_message_authenticator: z.boolean().describe('Drop an Access-Request without Message-Authenticator (BlastRADIUS, RFC 3579 §3.2)'),
  description: z.string().nullable(),
  secret_set: z.boolean().describe('Always true: a router has a shared secret; it is never shown here'),
  routeros_api_host: z.string().nullable().describe("Where the RouterOS API is reached; null: the router's own address"),
  routeros_api_port: z.number().int(), routeros_api_tls: z.boolean(), routeros_username: z.string().nullable(),
  routeros_password_set: z.boolean().describe('Whether a RouterOS API password is stored (never shown)'),
  is_active: z.boolean().describe('An inactive router is unknown to the radius role: its packets are dropped'),
  created_at: instant, updated_at: instant,
  version: z.number().int().describe('Send it back on update (optimistic lock)'),
}).meta({ id: 'Nas' });

/** The editable fields, without defaults (zod 4's `.partial()` keeps a field's default, so an update built from the create schema would reset what it leaves out). */
const nasFields = {
  name: z.string().min(1).max(100),
  ip_address: z.string().max(15).describe('IPv4'),
  vendor: z.enum(['mikrotik', 'other']),
  coa_port: z.number().int().min(1).max(65535),
  require_message_authenticator: z.boolean(),
  secret: z.string().max(64).describe('8–64 printable ASCII characters without spaces, not starting with "-"; left out: generated (new router) or kept (update)'),
  description: z.string().max(500),
  routeros_api_host: z.string().max(253).describe("Empty: the router's own address; another address needs the permission nas.api_host"),
  routeros_api_port: z.number().int().min(1).max(65535),
  routeros_api_tls: z.boolean(),
  routeros_username: z.string().max(64),
  routeros_password: z.string().max(128).describe('Write-only; left out: kept, unless the API target (address, port, TLS, user) changes, which discards it'),
};

const nasInput = z.object({
  ...nasFields,
  vendor: nasFields.vendor.default('mikrotik'),
  coa_port: nasFields.coa_port.default(3799),
  require_message_authenticator: nasFields.require_message_authenticator.default(true),
  secret: nasFields.secret.optional(),
  description: nasFields.description.default(''),
  routeros_api_host: nasFields.routeros_api_host.default(''),
  routeros_api_port: nasFields.routeros_api_port.default(8728),
  routeros_api_tls: nasFields.routeros_api_tls.default(false),
  routeros_username: nasFields.routeros_username.default(''),
  routeros_password: nasFields.routeros_password.optional(),
}).meta({ id: 'NasInput' });

const nasUpdate = z.object({
  ...nasFields,
  version: z.number().int().min(1),
  regenerate_secret: z.boolean().describe('Draw a new shared secret (the router must then be given it)'),
  clear_routeros_password: z.boolean(),
}).partial().required({ version: true }).meta({ id: 'NasUpdate' });

const COLUMNS = (db: Knex): unknown[] => [
  'n.id', 'n.name', db.raw('host(n.ip_address) AS ip_address'), 'n.vendor', 'n.coa_port', 'n.require_message_authenticator', 'n.description',
  'n.routeros_api_host', 'n.routeros_api_port', 'n.routeros_api_tls', 'n.routeros_username',
  db.raw('n.secret_enc IS NOT NULL AS secret_set, n.routeros_password_enc IS NOT NULL AS routeros_password_set'),
  'n.is_active', 'n.created_at', 'n.updated_at', 'n.version',
];

export type NasBody = z.infer<typeof nas>;
const toNas = (r: Record<string, unknown>): NasBody => ({
  ...(r as NasBody), id: Number(r.id), coa_port: Number(r.coa_port), routeros_api_port: Number(r.routeros_api_port), version: Number(r.version),
  created_at: iso(r.created_at), updated_at: iso(r.updated_at),
});
const load = async (db: Knex, id: number): Promise<NasBody> => toNas(found(await db('nas as n').where('n.id', id).first(COLUMNS(db) as string[])));

/** The form's text values (aaa/nas/save-nas.ts NasFormValues) of JSON fields: booleans '1' / '', numbers as text. */
function formOf(base: NasFormValues, body: Partial<Record<string, unknown>>): NasFormValues {
  const out: NasFormValues = { ...base, secret: '', routeros_password: '', regenerate_secret: '', clear_routeros_password: '' };
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined || !(k in out)) continue;
    (out as Record<string, string>)[k] = typeof v === 'boolean' ? (v ? '1' : '') : String(v);
  }
  return out;
}

const editorOf = (caller: ApiCaller): NasEditor => ({ actor: caller.actor, mayRouteApi: caller.permissions.has('nas.api_host') });

export const nasRoutes: ApiRoute[] = [
  route({
    method: 'get', path: '/nas', operationId: 'listNas', tag: 'NAS', summary: 'List routers (NAS)', permission: 'nas.view',
    query: pageQuery.extend({
      q: z.string().max(100).optional().describe('Part of the name or the address'),
      active: z.enum(['true', 'false']).optional().describe('Only active (true) or inactive (false) routers'),
    }),
    response: { status: 200, schema: pageOf(nas, 'Nas'), description: 'A page of routers, newest first' },
    async handler({ query, deps }) {
      const q = deps.db('nas as n').select(COLUMNS(deps.db) as string[]);
      if (query.active) q.where('n.is_active', query.active === 'true');
      if (query.q) {
        const like = `%${query.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
        q.where((w) => w.whereILike('n.name', like).orWhereRaw('host(n.ip_address) LIKE ?', [like]));
      }
      const page = await paginate<Record<string, unknown> & { id: number }>(q, 'n.id', query);
      return { body: { data: page.data.map(toNas), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'get', path: '/nas/{id}', operationId: 'getNas', tag: 'NAS', summary: 'A router (NAS)', permission: 'nas.view',
    params: idParams, problems: [404],
    response: { status: 200, schema: nas, description: 'The router, without its secrets' },
    async handler({ params, deps }) {
      return { body: await load(deps.db, params.id) };
    },
  }),
  route({
    method: 'post', path: '/nas', operationId: 'createNas', tag: 'NAS', summary: 'Register a router (NAS)', permission: 'nas.edit',
    description: 'Validated as the console\'s form (422 with errors[]; `ip_address` already registered is a field error). Audited `nas_created`.',
    body: nasInput, problems: [422],
    response: { status: 201, schema: nas, description: 'The new router' },
    async handler({ body, caller, deps }) {
      const outcome = await addNas(deps.db, deps.secrets, editorOf(caller), formOf(EMPTY_NAS, body));
      if (!outcome.ok) refusal(outcome);
      return { status: 201, location: `/api/v1/nas/${outcome.id}`, body: await load(deps.db, outcome.id) };
    },
  }),
  route({
    method: 'patch', path: '/nas/{id}', operationId: 'updateNas', tag: 'NAS', summary: 'Edit a router (NAS)', permission: 'nas.edit',
    description: 'Fields left out keep their value. `version` must be the one you read: 409 `stale` otherwise. Audited `nas_updated` (never with a secret).',
    params: idParams, body: nasUpdate, problems: [404, 409, 422],
    response: { status: 200, schema: nas, description: 'The router after the change' },
    async handler({ params, body, caller, deps }) {
      const current = found(await loadNas(deps.db, params.id));
      const { version, ...fields } = body;
      const outcome = await updateNas(deps.db, deps.secrets, editorOf(caller), params.id, version, formOf(formValuesOf(current), fields));
      if (!outcome.ok) refusal(outcome);
      return { body: await load(deps.db, params.id) };
    },
  }),
];
