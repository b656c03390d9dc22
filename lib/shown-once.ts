/**
 * A secret shown once, on the page a POST redirects to (POST, redirect, GET: a reload neither
 * creates nor rotates again): a new subscription's generated password, a password just reset, a
 * webhook endpoint's new signing secret. It waits in Redis sealed with the secret box
 * (lib/secret-box.ts: Redis never holds the cleartext), for the staff member who made it only.
 *
 * - Key: `<prefix>:<kind>:<staff user id>:<object id>`, e.g. `isp:webhook-secret:3:12`
 *   (prefix: QUEUE_PREFIX; kind names what the secret is, so two kinds never meet).
 * - TTL: `ttlSeconds` (default SHOWN_ONCE_TTL_SECONDS = 600 s, time enough to copy it), from `keep`.
 * - Read: `take` returns it and deletes it in one step (GETDEL); a second read, a read after the
 *   TTL and another staff member's read all return null. Nothing shows it again: only a new
 *   `keep` (a new creation, rotation or reset) does.
 */
import type { Redis } from './redis.js';
import type { SecretBox } from './secret-box.js';

export const SHOWN_ONCE_TTL_SECONDS = 600;

export interface ShownOnce {
  /** Keeps `secret` for `staffUserId` and object `id`, replacing any not yet taken. */
  keep(staffUserId: number, id: number, secret: string): Promise<void>;
  /** The secret once, then null (also null after the TTL or for another staff member). */
  take(staffUserId: number, id: number): Promise<string | null>;
}

/** The shown-once store of one `kind` of secret (`new-subscription-password`, `webhook-secret`). */
export function shownOnce(deps: { redis: Redis; secrets: SecretBox; prefix: string }, kind: string, ttlSeconds = SHOWN_ONCE_TTL_SECONDS): ShownOnce {
  const key = (staffUserId: number, id: number): string => `${deps.prefix}:${kind}:${staffUserId}:${id}`;
  return {
    async keep(staffUserId, id, secret) {
      await deps.redis.set(key(staffUserId, id), deps.secrets.seal(secret), 'EX', ttlSeconds);
    },
    async take(staffUserId, id) {
      const sealed = await deps.redis.getdel(key(staffUserId, id));
      return sealed ? deps.secrets.open(sealed) : null;
    },
  };
}
