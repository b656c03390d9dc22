/**
 * Setting where a device or a subscription is, from the map (a click, or "lat, lng" pasted):
 * the row is read again and saved with only its location changed, through the same use cases as
 * its edit form (network/devices/save-device.ts `updateDevice`, billing/subscriptions/
 * update-subscription.ts with its placement), so the form's rules, the topology lock, the
 * version check and the audit entry are theirs. A save that raced another edit between the read
 * and the write is refused as stale (409) rather than overwriting it.
 */
import type { AuditActor } from '../../lib/audit.js';
import type { BillingEngine } from '../../billing/engine/engine.js';
import { updateSubscription } from '../../billing/subscriptions/update-subscription.js';
import type { Knex } from '../../lib/db.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { LatLng } from '../../network/devices/coordinates.js';
import { deviceFormValues } from '../../network/devices/device-form.js';
import { updateDevice } from '../../network/devices/save-device.js';

export type SetLocationOutcome =
  | { ok: true }
  | { ok: false; code: 'not_found' | 'stale' | 'terminated' }
  | { ok: false; code: 'invalid'; errors: Record<string, string> };

/** Moves device `id` to `at` (null: no location). */
export async function setDeviceLocation(deps: { db: Knex; secrets: SecretBox }, actor: AuditActor, id: number, at: LatLng | null): Promise<SetLocationOutcome> {
  const row = await deps.db('devices').where({ id }).first('*', deps.db.raw('host(address) AS address'));
  if (!row) return { ok: false, code: 'not_found' };
  const values = { ...deviceFormValues(row), location: at ? `${at.lat}, ${at.lng}` : '' };
  const outcome = await updateDevice(deps, actor, id, Number(row.version), values);
  return outcome.ok ? { ok: true } : outcome;
}

/** Moves subscription `id` to `at` (null: no location); its device and port stay. */
export async function setSubscriptionLocation(deps: { db: Knex; engine: BillingEngine }, actor: AuditActor, id: number, at: LatLng | null): Promise<SetLocationOutcome> {
  const s = await deps.db('subscriptions').where({ id }).first(
    'id', 'version', 'username', 'service_type', 'anchor_day', 'notes', 'device_id', 'device_port',
    deps.db.raw('host(static_ip) AS static_ip, mac_address::text AS mac_address'),
  );
  if (!s) return { ok: false, code: 'not_found' };
  const outcome = await deps.engine.run((u) => updateSubscription(u, {
    subscriptionId: id, expectedVersion: Number(s.version), username: String(s.username), staticIp: s.static_ip ?? null, macAddress: s.mac_address ?? null,
    serviceType: s.service_type, anchorDay: Number(s.anchor_day), notes: s.notes ?? null, actor,
    placement: {
      deviceId: s.device_id === null ? null : Number(s.device_id), devicePort: s.device_port === null ? null : Number(s.device_port),
      latitude: at?.lat ?? null, longitude: at?.lng ?? null,
    },
  }));
  return outcome.ok ? { ok: true } : outcome;
}
