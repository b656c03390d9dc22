/**
 * Staff sessions in Redis. The cookie holds a random 256-bit token; Redis holds, under the
 * token's SHA-256 (a copy of Redis does not hand out live cookies), the staff member's id, the
 * staff row's session_version at sign-in and the session's CSRF token. A session ends after
 * STAFF_SESSION_IDLE_HOURS without a request, on sign-out, or everywhere at once when
 * session_version is raised (sign out everywhere, password change, deactivation, role change).
 * The token travels in the SESSION_COOKIE cookie (setSessionCookie).
 */
import { createHash, randomBytes } from 'node:crypto';
import type Koa from 'koa';
import type { Redis } from '../lib/redis.js';

/** The cookie holding a staff session's token. */
export const SESSION_COOKIE = 'isp_staff';

export interface StaffSession {
  staffUserId: number;
  sessionVersion: number;
  /** Synchronizer token every form and htmx request must echo (OWASP CSRF Prevention Cheat Sheet). */
  csrf: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

export interface StaffSessions {
  /** Starts a session; resolves with the cookie token. */
  create(staffUserId: number, sessionVersion: number, now: Date): Promise<{ token: string; session: StaffSession }>;
  /** The session of a cookie token (and extends its idle time), or null. */
  get(token: string | undefined): Promise<StaffSession | null>;
  destroy(token: string | undefined): Promise<void>;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function createStaffSessions(opts: { redis: Redis; prefix: string; idleSeconds: number }): StaffSessions {
  const key = (token: string): string => `${opts.prefix}:staff-session:${createHash('sha256').update(token).digest('hex')}`;
  return {
    async create(staffUserId, sessionVersion, now) {
      const token = randomBytes(32).toString('base64url');
      const session: StaffSession = { staffUserId, sessionVersion, csrf: randomBytes(32).toString('base64url'), createdAt: now.getTime() };
      await opts.redis.set(key(token), JSON.stringify(session), 'EX', opts.idleSeconds);
      return { token, session };
    },
    async get(token) {
      if (!token || !TOKEN.test(token)) return null;
      const k = key(token);
      const raw = await opts.redis.getex(k, 'EX', opts.idleSeconds);
      return raw ? (JSON.parse(raw) as StaffSession) : null;
    },
    async destroy(token) {
      if (token && TOKEN.test(token)) await opts.redis.del(key(token));
    },
  };
}

/**
 * Sets the session cookie to `token`, or clears it when `token` is null. HttpOnly, SameSite=Lax,
 * and Secure when the request is https (ctx.secure: directly, or from a trusted proxy's
 * X-Forwarded-Proto, lib/http/client-address.ts), as every cookie we set.
 */
export function setSessionCookie(ctx: Pick<Koa.Context, 'cookies'>, token: string | null): void {
  ctx.cookies.set(SESSION_COOKIE, token ?? '', { httpOnly: true, sameSite: 'lax', path: '/', overwrite: true, ...(token === null ? { maxAge: 0 } : {}) });
}
