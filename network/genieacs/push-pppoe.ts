/**
 * Pushes a subscription's PPPoE username and password to its CPE (network job
 * `genieacs-push-pppoe`, queued by the console when a subscription is created or its password is
 * reset, and when staff link a CPE by serial). The job carries only the subscription id: the
 * password is opened from subscriptions.password_enc (lib/secret-box.ts) here, in the worker, and
 * goes to GenieACS in one `setParameterValues` task on the mapping's pppoe_username /
 * pppoe_password paths (GenieACS "API Reference"); never to a log, the queue or the audit log.
 * Skipped (not an error) when GenieACS is off, no CPE is linked, GenieACS has not seen it, the
 * subscription is not PPPoE or is terminated. An unreachable NBI throws, so BullMQ retries.
 */
import type { Queue } from 'bullmq';
import { recordAudit } from '../../lib/audit.js';
import { findParam } from './device-params.js';
import { mappingFor } from './field-mapping.js';
import { readyCpe } from './linked-cpe.js';
import { projectionFor } from './read-cpe-state.js';
import { SYNC_ACTOR } from './store-cpe.js';
import type { SyncDeps } from './sync-cpes.js';

export const PUSH_PPPOE_JOB = 'genieacs-push-pppoe';

/**
 * Queues the push for `subscriptionId`; `key` makes it idempotent (e.g. `created`, or the
 * subscription's version after a password reset).
 */
export async function enqueuePppoePush(queue: Queue, subscriptionId: number, key: string | number): Promise<void> {
  await queue.add(PUSH_PPPOE_JOB, { subscriptionId }, { jobId: `${PUSH_PPPOE_JOB}-${subscriptionId}-${String(key).replace(/[^A-Za-z0-9_.-]/g, '_')}` });
}

export type PushOutcome = { pushed: 'done' | 'queued' } | { skipped: 'off' | 'no_cpe' | 'not_seen' | 'not_pppoe' | 'not_supported' };

export async function pushPppoeCredentials(deps: SyncDeps, subscriptionId: number): Promise<PushOutcome> {
  const sub = await deps.db('subscriptions').where({ id: subscriptionId }).first('username', 'password_enc', 'service_type', 'status');
  if (!sub || sub.service_type !== 'pppoe' || sub.status === 'terminated') return { skipped: 'not_pppoe' };
  const ready = await readyCpe(deps, subscriptionId);
  if (!ready.ok) return { skipped: ready.code };
  const { cpe, client } = ready;
  const mapping = await mappingFor(deps.db, cpe.dataModel ?? 'igd', { manufacturer: cpe.manufacturer ?? '', oui: cpe.oui ?? '', productClass: cpe.productClass ?? '' });
  const { pppoe_username: userPath, pppoe_password: passPath } = mapping.fields;
  if (!userPath || !passPath) return { skipped: 'not_supported' };
  const device = (await client.findDevices({ _id: cpe.genieacsId }, { projection: projectionFor([mapping]) }))[0];
  // The WANPPPConnection / PPP.Interface instance that holds the username, and its Password beside it.
  const user = findParam(device, userPath)?.resolved;
  if (!user) return { skipped: 'not_supported' };
  const pass = passPath.includes('*') ? `${user.slice(0, user.lastIndexOf('.'))}.${passPath.slice(passPath.lastIndexOf('.') + 1)}` : passPath;
  const outcome = await client.postTask(cpe.genieacsId, {
    name: 'setParameterValues',
    parameterValues: [[user, String(sub.username), 'xsd:string'], [pass, deps.secrets.open(String(sub.password_enc)), 'xsd:string']],
  });
  await recordAudit(deps.db, SYNC_ACTOR, { action: 'cpe_pppoe_pushed', objectType: 'subscription', objectId: subscriptionId, after: { serial: cpe.serial, username: sub.username, state: outcome.state } });
  return { pushed: outcome.state };
}
