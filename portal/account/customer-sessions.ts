/**
 * Customer sessions of the self-service portal, in Redis, like the staff console's
 * (admin/staff-sessions.ts): the cookie `isp_customer` (HttpOnly, SameSite=Lax, path
 * /portal) holds a random 256-bit token; Redis holds, under the token's SHA-256 only, the
 * customer's id and their `portal_session_version` at sign-in. A session ends after
 * CUSTOMER_SESSION_IDLE_SECONDS without a request, on sign-out, or everywhere at once when the
 * customer's portal_session_version is raised (a password change).
 *
 * CSRF is the portal's double-submit token (portal/context.ts), which every portal page carries.
 */
import { createHash, randomBytes } from 'node:crypto';
import type Koa from 'koa';
import type { Redis } from '../../lib/redis.js';

export const CUSTOMER_COOKIE = 'isp_customer';
/** An idle portal session ends after a day. */
export const CUSTOMER_SESSION_IDLE_SECONDS = 24 * 3600;

export interface CustomerSession {
  customerId: number;
  sessionVersion: number;
  /**
   * When a one-time code went to a phone that several customers share (a family): every one of
   * them, which this session may switch between, with their numbers and names for the switch.
   */
  customerIds?: number[];
  accountNumbers?: Array<{ number: string; name: string }>;
  /** Epoch milliseconds. */
  createdAt: number;
}

export interface CustomerSessions {
  /** Starts a session; resolves with the cookie token. */
  create(session: Omit<CustomerSession, 'createdAt'>, now: Date): Promise<string>;
  /** Replaces the session behind a token (switching between shared-phone accounts). */
  replace(token: string, session: CustomerSession): Promise<void>;
  /** The session of a cookie token (its idle time extended), or null. */
  get(token: string | undefined): Promise<CustomerSession | null>;
  destroy(token: string | undefined): Promise<void>;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function createCustomerSessions(opts: { redis: Redis; prefix: string; idleSeconds?: number }): CustomerSessions {
  const idle = opts.idleSeconds ?? CUSTOMER_SESSION_IDLE_SECONDS;
  const key = (token: string): string => `${opts.prefix}:customer-session:${createHash('sha256').update(token).digest('hex')}`;
  return {
    async create(fields, now) {
      const token = randomBytes(32).toString('base64url');
      const session: CustomerSession = { ...fields, createdAt: now.getTime() };
      await opts.redis.set(key(token), JSON.stringify(session), 'EX', idle);
      return token;
    },
    async replace(token, session) {
      if (TOKEN.test(token)) await opts.redis.set(key(token), JSON.stringify(session), 'EX', idle);
    },
    async get(token) {
      if (!token || !TOKEN.test(token)) return null;
      const raw = await opts.redis.getex(key(token), 'EX', idle);
      return raw ? (JSON.parse(raw) as CustomerSession) : null;
    },
    async destroy(token) {
      if (token && TOKEN.test(token)) await opts.redis.del(key(token));
    },
  };
}

/** Sets the customer cookie to `token`, or clears it when null; Secure when the request is https (ctx.secure). */
export function setCustomerCookie(ctx: Pick<Koa.Context, 'cookies'>, token: string | null): void {
  ctx.cookies.set(CUSTOMER_COOKIE, token ?? '', { httpOnly: true, sameSite: 'lax', path: '/portal', overwrite: true, ...(token === null ? { maxAge: 0 } : {}) });
}
