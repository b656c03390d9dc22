/**
 * Staff manage webhook endpoints (admin/webhooks/, permission webhooks.manage): register one (the
 * signing secret is generated here and returned once, for the console to show once; stored sealed
 * with lib/secret-box.ts), change its URL, description, events and on/off, rotate its secret (the
 * previous one keeps signing too for ROTATION_GRACE_HOURS, so a receiver can switch without
 * losing deliveries), delete it. Each change is audited in its transaction, never with a secret
 * (the URL without its query: endpoint-address.ts `urlForLog`).
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import { isEventType, type EventType } from '../../lib/outbound-events.js';
import { checkEndpointUrl, urlForLog } from './endpoint-address.js';
import { newSigningSecret } from './signature.js';
import type { WebhookDeps } from './webhook-deps.js';

/** Hours the previous secret still signs after a rotation. */
export const ROTATION_GRACE_HOURS = 24;

export interface EndpointInput {
  url: string;
  description: string;
  /** Event types; unknown ones are an error. */
  events: string[];
  active: boolean;
}

/** Field errors are locale keys by form field (`url`, `description`, `events`). */
export type EndpointOutcome =
  | { ok: true; id: number; /** The new signing secret: show it once, never store it elsewhere. */ secret?: string }
  | { ok: false; code: 'not_found' }
  | { ok: false; code: 'invalid'; errors: Record<string, string> };

/** Validates the form; returns the cleaned values or the field errors. */
async function validate(deps: WebhookDeps, input: EndpointInput): Promise<{ url: string; description: string; events: EventType[] } | Record<string, string>> {
  const errors: Record<string, string> = {};
  const url = input.url.trim();
  const description = input.description.trim();
  const events = [...new Set(input.events)];
  if (url.length > 2000) errors.url = 'webhooks.error.url_invalid';
  else {
    const problem = await checkEndpointUrl(url, deps.settings.allowInternal);
    if (problem) errors.url = `webhooks.error.${problem}`;
  }
  if (description.length > 200) errors.description = 'webhooks.error.description';
  if (!events.length || !events.every(isEventType)) errors.events = 'webhooks.error.events';
  return Object.keys(errors).length ? errors : { url, description, events: events as EventType[] };
}

export async function createEndpoint(deps: WebhookDeps, input: EndpointInput, actor: AuditActor): Promise<EndpointOutcome> {
  const v = await validate(deps, input);
  if (!('url' in v && Array.isArray(v.events))) return { ok: false, code: 'invalid', errors: v as Record<string, string> };
  const secret = newSigningSecret();
  return deps.db.transaction(async (trx) => {
    const [row] = await trx('webhook_endpoints')
      .insert({ url: v.url, description: v.description, events: v.events, is_active: input.active, disabled_reason: input.active ? null : 'staff', secret_enc: deps.secrets.seal(secret), created_by: actor.staffUserId })
      .returning('id');
    const id = Number(row.id);
    await recordAudit(trx, actor, { action: 'webhook_endpoint_created', objectType: 'webhook_endpoint', objectId: id, after: { url: urlForLog(v.url), description: v.description, events: v.events, active: input.active } });
    return { ok: true, id, secret } as const;
  });
}

export async function updateEndpoint(deps: WebhookDeps, id: number, input: EndpointInput, actor: AuditActor): Promise<EndpointOutcome> {
  const v = await validate(deps, input);
  if (!('url' in v && Array.isArray(v.events))) return { ok: false, code: 'invalid', errors: v as Record<string, string> };
  return deps.db.transaction(async (trx) => {
    const before = await trx('webhook_endpoints').where({ id }).forUpdate().first('url', 'description', 'events', 'is_active');
    if (!before) return { ok: false, code: 'not_found' } as const;
    // Switching on again starts a new failing streak; switching off records that staff did it.
    const switched = before.is_active !== input.active
      ? (input.active ? { failing_since: null, disabled_reason: null } : { disabled_reason: 'staff' })
      : {};
    await trx('webhook_endpoints').where({ id }).update({ url: v.url, description: v.description, events: v.events, is_active: input.active, ...switched });
    await recordAudit(trx, actor, {
      action: 'webhook_endpoint_updated', objectType: 'webhook_endpoint', objectId: id,
      before: { url: urlForLog(before.url), description: before.description, events: before.events, active: before.is_active },
      after: { url: urlForLog(v.url), description: v.description, events: v.events, active: input.active },
    });
    return { ok: true, id } as const;
  });
}

/** A new secret for endpoint `id`; the old one signs beside it for ROTATION_GRACE_HOURS. */
export async function rotateEndpointSecret(deps: WebhookDeps, id: number, actor: AuditActor): Promise<EndpointOutcome> {
  const secret = newSigningSecret();
  return deps.db.transaction(async (trx) => {
    const row = await trx('webhook_endpoints').where({ id }).forUpdate().first('secret_enc');
    if (!row) return { ok: false, code: 'not_found' } as const;
    const until = new Date(deps.clock.now().getTime() + ROTATION_GRACE_HOURS * 3_600_000);
    await trx('webhook_endpoints').where({ id }).update({ secret_enc: deps.secrets.seal(secret), previous_secret_enc: row.secret_enc, previous_secret_until: until });
    await recordAudit(trx, actor, { action: 'webhook_secret_rotated', objectType: 'webhook_endpoint', objectId: id, after: { previousSecretUntil: until.toISOString() } });
    return { ok: true, id, secret } as const;
  });
}

/** Deletes endpoint `id` and its delivery log; false when there was none. */
export async function deleteEndpoint(deps: WebhookDeps, id: number, actor: AuditActor): Promise<boolean> {
  return deps.db.transaction(async (trx) => {
    const [gone] = (await trx('webhook_endpoints').where({ id }).del(['url', 'events'])) as unknown as Array<{ url: string; events: string[] }>;
    if (!gone) return false;
    await recordAudit(trx, actor, { action: 'webhook_endpoint_deleted', objectType: 'webhook_endpoint', objectId: id, before: { url: urlForLog(gone.url), events: gone.events } });
    return true;
  });
}
