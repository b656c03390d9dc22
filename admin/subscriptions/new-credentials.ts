/**
 * The generated password of a subscription just created, shown once on the page the creation
 * redirects to (POST, redirect, GET: a reload does not create a second subscription). It waits
 * in Redis, sealed (lib/secret-box.ts) so Redis never holds the cleartext, for the staff member
 * who created it only, for TTL_SECONDS, and is deleted when read.
 */
import type { Redis } from '../../lib/redis.js';
import type { SecretBox } from '../../lib/secret-box.js';

const TTL_SECONDS = 600;

export interface NewCredentials {
  keep(staffUserId: number, subscriptionId: number, password: string): Promise<void>;
  /** The password once, then null (also null after TTL_SECONDS or for another staff member). */
  take(staffUserId: number, subscriptionId: number): Promise<string | null>;
}

export function newCredentials(deps: { redis: Redis; secrets: SecretBox; prefix: string }): NewCredentials {
  const key = (staffUserId: number, subscriptionId: number): string => `${deps.prefix}:new-subscription-password:${staffUserId}:${subscriptionId}`;
  return {
    async keep(staffUserId, subscriptionId, password) {
      await deps.redis.set(key(staffUserId, subscriptionId), deps.secrets.seal(password), 'EX', TTL_SECONDS);
    },
    async take(staffUserId, subscriptionId) {
      const sealed = await deps.redis.getdel(key(staffUserId, subscriptionId));
      return sealed ? deps.secrets.open(sealed) : null;
    },
  };
}
