/**
 * One-time sign-in links to the self-service portal, for a customer who has no password and whom
 * no WhatsApp or SMS code can reach: staff hand one over (a printed letter,
 * admin/customers/portal-account-routes.ts). The link is `/portal/account/login/link/<token>`:
 * 32 random bytes (base64url); Redis keeps only its SHA-256, for SIGN_IN_LINK_TTL_SECONDS. It
 * works once (GETDEL on use), a new link replaces the customer's previous one, and opening it
 * shows a button first (a link preview fetching the page does not use it up). Here in billing/,
 * not in the portal, because both sides use it: the console issues links
 * (admin/customers/portal-account-routes.ts) and the portal redeems them
 * (portal/account/one-time-sign-in-routes.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from '../../lib/redis.js';

export const SIGN_IN_LINK_TTL_SECONDS = 14 * 24 * 3600;
export const SIGN_IN_LINK_PATH = '/portal/account/login/link';

export interface SignInLinks {
  /** A new link token for the customer (the previous one stops working). */
  issue(customerId: number): Promise<string>;
  /** The customer the token is for, without using it; null when unknown, used or expired. */
  peek(token: string): Promise<number | null>;
  /** The customer the token is for, using it up; null when unknown, used or expired. */
  redeem(token: string): Promise<number | null>;
}

export function createSignInLinks(deps: { redis: Redis; prefix: string }): SignInLinks {
  const tokenKey = (token: string): string => `${deps.prefix}:portal-link:${createHash('sha256').update(token).digest('hex')}`;
  const customerKey = (id: number): string => `${deps.prefix}:portal-link-of:${id}`;
  const wellFormed = (token: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(token);
  const customerOf = (value: string | null): number | null => (value && /^\d{1,15}$/.test(value) ? Number(value) : null);

  return {
    async issue(customerId) {
      const token = randomBytes(32).toString('base64url');
      const previous = await deps.redis.get(customerKey(customerId));
      const m = deps.redis.multi();
      if (previous) m.del(previous);
      await m.set(tokenKey(token), String(customerId), 'EX', SIGN_IN_LINK_TTL_SECONDS)
        .set(customerKey(customerId), tokenKey(token), 'EX', SIGN_IN_LINK_TTL_SECONDS).exec();
      return token;
    },
    async peek(token) {
      return wellFormed(token) ? customerOf(await deps.redis.get(tokenKey(token))) : null;
    },
    async redeem(token) {
      return wellFormed(token) ? customerOf(await deps.redis.getdel(tokenKey(token))) : null;
    },
  };
}
