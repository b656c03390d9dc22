/**
 * A webhook endpoint's new signing secret, shown once on the page its creation or rotation
 * redirects to (POST, redirect, GET: a reload neither creates nor rotates again). It waits in
 * Redis sealed with the secret box (Redis never holds the cleartext), for the staff member who
 * made it only, for TTL_SECONDS, and is deleted when read. After that only a new rotation shows
 * a secret: the stored one is never displayed again.
 */
import type { Redis } from '../../lib/redis.js';
import type { SecretBox } from '../../lib/secret-box.js';

const TTL_SECONDS = 600;

export interface ShownOnce {
  keep(staffUserId: number, endpointId: number, secret: string): Promise<void>;
  /** The secret once, then null (also null after TTL_SECONDS or for another staff member). */
  take(staffUserId: number, endpointId: number): Promise<string | null>;
}

export function shownOnce(deps: { redis: Redis; secrets: SecretBox; prefix: string }): ShownOnce {
  const key = (staffUserId: number, endpointId: number): string => `${deps.prefix}:webhook-secret:${staffUserId}:${endpointId}`;
  return {
    async keep(staffUserId, endpointId, secret) {
      await deps.redis.set(key(staffUserId, endpointId), deps.secrets.seal(secret), 'EX', TTL_SECONDS);
    },
    async take(staffUserId, endpointId) {
      const sealed = await deps.redis.getdel(key(staffUserId, endpointId));
      return sealed ? deps.secrets.open(sealed) : null;
    },
  };
}
