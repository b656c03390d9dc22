/**
 * How customers sign in to the self-service portal: their customer number (CUST0001) or phone
 * number (any Indonesian form, read by normalizePhone) with
 * - a password they set in the portal (bcrypt, lib/password.ts), or
 * - a one-time code sent by WhatsApp (SMS when only SMS is configured): 6 digits, valid
 *   CODE_TTL_SECONDS, single use, at most CODE_MAX_TRIES wrong tries; only its HMAC (keyed with
 *   the app key) is stored, in Redis. A new code replaces the previous one.
 *
 * Nothing here tells who is a customer (OWASP Authentication Cheat Sheet, "Authentication and
 * error messages"): an unknown number gets the same answer as a known one, asking for a code
 * costs the same time either way (the message is sent after the answer), an unknown identifier
 * costs the same bcrypt work, and the brakes count per identifier, not per existing customer.
 *
 * Brakes (lib/http/attempt-limiter.ts, fixed windows of LIMIT_WINDOW_SECONDS): password attempts
 * per account and per client address; codes asked for per identifier and per address; code
 * attempts per identifier and per address. Each attempt is counted before its password or code is
 * compared, and one over a limit is refused without being compared, so parallel guesses cannot
 * slip through together; a successful attempt clears its account's count and gives its
 * address's attempt back. A refused request says how many minutes to wait, the same for a known
 * and an unknown identifier.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { dummyHash, verifyPassword } from '../../lib/password.js';
import type { ChannelName, NotificationChannel } from '../../billing/notifications/channel.js';
import { normalizePhone } from '../../lib/phone.js';
import { renderTemplate } from '../../billing/notifications/templates.js';
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import { createAttemptLimiter, minutesToWait, type AttemptLimiter, type LimitState } from '../../lib/http/attempt-limiter.js';
import { toLocale } from '../../lib/i18n.js';
import type { Logger } from '../../lib/logger.js';
import type { Redis } from '../../lib/redis.js';
import type { Signer } from '../../lib/signer.js';

export const CODE_TTL_SECONDS = 5 * 60;
export const CODE_MAX_TRIES = 5;
export const LIMIT_WINDOW_SECONDS = 15 * 60;
/** Per window: password attempts per account / per address; codes sent per identifier / per address; code attempts per identifier / per address. */
export const LIMITS = { passwordAccount: 5, passwordIp: 30, codeSendSubject: 3, codeSendIp: 10, codeVerifySubject: 10, codeVerifyIp: 30 } as const;

export type Identifier = { kind: 'number'; value: string } | { kind: 'phone'; value: string };

/** A customer number (`CUST0001`, any case) or a phone number, or null for anything else. */
export function parseIdentifier(input: string): Identifier | null {
  const compact = input.trim().replace(/\s+/g, '');
  if (/^cust\d{1,12}$/i.test(compact)) return { kind: 'number', value: compact.toUpperCase() };
  const phone = normalizePhone(compact);
  return phone ? { kind: 'phone', value: phone } : null;
}

export interface PortalCustomerRow {
  id: number;
  customer_number: string;
  name: string;
  phone: string | null;
  locale: string;
  portal_password_hash: string | null;
  portal_session_version: number;
}

/** The customers an identifier names: one for a number; those sharing a phone (a family), oldest first. */
export async function findCustomers(db: Knex, id: Identifier): Promise<PortalCustomerRow[]> {
  const q = db('customers').select('id', 'customer_number', 'name', 'phone', 'locale', 'portal_password_hash', 'portal_session_version');
  if (id.kind === 'number') q.where({ customer_number: id.value });
  else q.whereNotNull('phone').whereRaw('portal_phone_key(phone) = ?', [id.value]).orderBy('id').limit(5);
  return (await q).map((r) => ({ ...r, id: Number(r.id), portal_session_version: Number(r.portal_session_version) }));
}

export interface SignInDeps {
  db: Knex;
  redis: Redis;
  clock: Clock;
  log: Logger;
  signer: Signer;
  /** Redis key prefix. */
  prefix: string;
  /** PASSWORD_HASH_ROUNDS: the cost of the hash compared against when no customer has a password (as long as a real one). */
  rounds: number;
  /** The configured channels: whatsapp, else sms, carries the code. */
  channels: Partial<Record<ChannelName, NotificationChannel>>;
  companyName(): Promise<string>;
}

export type Refusal = { ok: false; code: 'invalid' | 'invalid_identifier' | 'unavailable' } | { ok: false; code: 'rate_limited'; minutes: number };
export type SignedIn = { ok: true; customers: PortalCustomerRow[] };

export interface PortalSignIn {
  withPassword(input: { identifier: string; password: string; ip: string }): Promise<SignedIn | Refusal>;
  /** Sends a code when the identifier is a customer's with a phone; the same answer when it is not. */
  requestCode(input: { identifier: string; ip: string }): Promise<{ ok: true } | Refusal>;
  withCode(input: { identifier: string; code: string; ip: string }): Promise<SignedIn | Refusal>;
  /** Whether a code can be sent at all (a WhatsApp or SMS channel is configured). */
  codesAvailable(): boolean;
  /** The channel a code goes by (`whatsapp`, else `sms`), or null when none is configured. */
  codeChannel(): 'whatsapp' | 'sms' | null;
}

const limited = (...states: LimitState[]): Refusal | null => {
  const over = states.filter((s) => !s.allowed);
  return over.length ? { ok: false, code: 'rate_limited', minutes: Math.max(...over.map(minutesToWait)) } : null;
};

export function createPortalSignIn(deps: SignInDeps): PortalSignIn {
  const limiter = (name: string, limit: number): AttemptLimiter =>
    createAttemptLimiter({ redis: deps.redis, prefix: deps.prefix, name: `portal-${name}`, limit, windowSeconds: LIMIT_WINDOW_SECONDS });
  const passwordAccount = limiter('password-account', LIMITS.passwordAccount);
  const passwordIp = limiter('password-ip', LIMITS.passwordIp);
  const codeSendSubject = limiter('code-send-subject', LIMITS.codeSendSubject);
  const codeSendIp = limiter('code-send-ip', LIMITS.codeSendIp);
  const codeVerifySubject = limiter('code-verify-subject', LIMITS.codeVerifySubject);
  const codeVerifyIp = limiter('code-verify-ip', LIMITS.codeVerifyIp);
  const subject = (id: Identifier): string => `${id.kind}:${id.value}`;
  const challengeKey = (id: Identifier): string => `${deps.prefix}:portal-code:${createHash('sha256').update(subject(id)).digest('hex')}`;
  // Keyed with the app key: a copy of Redis does not give the codes away, even by trying all 10^6.
  const codeMac = (id: Identifier, code: string): string => {
    const signed = deps.signer.sign('portal-login-code', `${subject(id)}:${code}`);
    return signed.slice(signed.lastIndexOf('.') + 1); // the MAC only: the signed value holds the code
  };
  const channel = (): NotificationChannel | undefined => deps.channels.whatsapp ?? deps.channels.sms;

  async function send(to: string, customer: PortalCustomerRow, code: string): Promise<void> {
    const ch = channel();
    if (!ch) return;
    const locale = toLocale(customer.locale);
    const params = { code, minutes: String(CODE_TTL_SECONDS / 60), companyName: await deps.companyName() };
    const rendered = renderTemplate('login_code', locale, params);
    const result = await ch.send({ recipient: to, subject: rendered.subject, text: rendered.text, template: 'login_code', locale, params });
    // Never the code or the number in a log line.
    if (!result.ok) deps.log.warn({ customerId: customer.id, channel: ch.name, error: result.error }, 'portal sign-in code not sent');
    else deps.log.info({ customerId: customer.id, channel: ch.name }, 'portal sign-in code sent');
  }

  return {
    codesAvailable: () => Boolean(channel()),
    codeChannel: () => (deps.channels.whatsapp ? 'whatsapp' : deps.channels.sms ? 'sms' : null),

    async withPassword({ identifier, password, ip }) {
      const id = parseIdentifier(identifier);
      const refusedIp = limited(await passwordIp.hit(ip));
      if (refusedIp) return refusedIp;
      const customers = id ? await findCustomers(deps.db, id) : [];
      const accountKey = customers.length === 1 ? `customer:${customers[0]!.id}` : id ? subject(id) : `raw:${identifier.trim().toLowerCase().slice(0, 40)}`;
      const refusedAccount = limited(await passwordAccount.hit(accountKey));
      if (refusedAccount) return refusedAccount;
      let match: PortalCustomerRow | undefined;
      const withHash = customers.filter((c) => c.portal_password_hash);
      if (!withHash.length) await verifyPassword(password, await dummyHash(deps.rounds));
      for (const c of withHash) {
        if (await verifyPassword(password, c.portal_password_hash!)) {
          match = c;
          break;
        }
      }
      // A wrong password stays counted on both brakes.
      if (!match) return { ok: false, code: 'invalid' };
      await Promise.all([passwordAccount.reset(accountKey), passwordIp.release(ip)]);
      return { ok: true, customers: [match] };
    },

    async requestCode({ identifier, ip }) {
      const id = parseIdentifier(identifier);
      if (!id) return { ok: false, code: 'invalid_identifier' };
      if (!channel()) return { ok: false, code: 'unavailable' };
      const refused = limited(await codeSendIp.hit(ip), await codeSendSubject.hit(subject(id)));
      if (refused) return refused;
      const customers = await findCustomers(deps.db, id);
      const first = customers[0];
      const to = id.kind === 'phone' ? id.value : normalizePhone(first?.phone);
      if (first && to) {
        const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
        const key = challengeKey(id);
        await deps.redis.multi()
          .del(key)
          .hset(key, { mac: codeMac(id, code), customers: customers.map((c) => c.id).join(','), tries: 0 })
          .expire(key, CODE_TTL_SECONDS)
          .exec();
        // After the answer: a known number must not take longer to answer than an unknown one.
        setImmediate(() => {
          send(to, first, code).catch((err: unknown) => deps.log.error({ err, customerId: first.id }, 'portal sign-in code failed'));
        });
      }
      return { ok: true };
    },

    async withCode({ identifier, code, ip }) {
      const id = parseIdentifier(identifier);
      if (!id) return { ok: false, code: 'invalid_identifier' };
      const refusedIp = limited(await codeVerifyIp.hit(ip));
      if (refusedIp) return refusedIp;
      const refused = limited(await codeVerifySubject.hit(subject(id)));
      if (refused) return refused;
      const key = challengeKey(id);
      // A wrong code stays counted on both brakes.
      const wrong: Refusal = { ok: false, code: 'invalid' };
      const challenge = await deps.redis.hgetall(key);
      const given = code.replace(/\s+/g, '');
      if (!challenge.mac || !/^\d{6}$/.test(given)) return wrong;
      const expected = Buffer.from(challenge.mac);
      const actual = Buffer.from(codeMac(id, given));
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
        const tries = await deps.redis.hincrby(key, 'tries', 1);
        if (tries >= CODE_MAX_TRIES) await deps.redis.del(key);
        return wrong;
      }
      // Single use: whoever deletes the key first signs in; a second request with the same code does not.
      if ((await deps.redis.del(key)) !== 1) return wrong;
      await Promise.all([codeVerifySubject.reset(subject(id)), codeVerifyIp.release(ip)]);
      const ids = String(challenge.customers ?? '').split(',').filter(Boolean).map(Number);
      const rows = ids.length ? await deps.db('customers').whereIn('id', ids).orderBy('id').select('id', 'customer_number', 'name', 'phone', 'locale', 'portal_password_hash', 'portal_session_version') : [];
      if (!rows.length) return { ok: false, code: 'invalid' };
      return { ok: true, customers: rows.map((r) => ({ ...r, id: Number(r.id), portal_session_version: Number(r.portal_session_version) })) };
    },
  };
}
