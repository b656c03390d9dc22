/**
 * PPPoE / hotspot usernames of new subscriptions: RADIUS-safe, readable, unique.
 *
 * RADIUS-safe: the router sends User-Name (RFC 2865 §5.1) exactly as the subscriber's CPE typed
 * it, and the radius role matches it exactly. So a username is 3-64 characters of letters,
 * digits and `. _ - @` (the `@` for user@realm), starting with a letter or digit (a leading `-`
 * reads as an option to radclient and RouterOS scripts), without spaces, quotes or backslashes
 * that would need escaping in a RouterOS script or a radclient line. Uniqueness is checked
 * without regard to case: `Budi` beside `budi` is a support call waiting to happen.
 */
import type { Knex } from '../../lib/db.js';

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/;

/** Whether `username` (already trimmed) may be used, ignoring whether it is taken. */
export function isRadiusSafeUsername(username: string): boolean {
  return USERNAME_PATTERN.test(username);
}

/** Whether a subscription (any status, terminated ones too: their history keeps the name) has this username, in any case. */
export async function usernameTaken(db: Knex | Knex.Transaction, username: string): Promise<boolean> {
  const row = await db('subscriptions').whereRaw('lower(username) = lower(?)', [username]).first('id');
  return Boolean(row);
}

/**
 * A free username for a customer's next subscription, from the customer number: `cust0042`,
 * then `cust0042-2`, `cust0042-3`, ... (what staff quote on the phone is what the router shows).
 * @returns null when there is no such customer.
 */
export async function suggestUsername(db: Knex | Knex.Transaction, customerId: number): Promise<string | null> {
  const customer = await db('customers').where({ id: customerId }).first('customer_number');
  if (!customer) return null;
  const base = String(customer.customer_number).toLowerCase().replace(/[^a-z0-9._@-]/g, '') || `c${customerId}`;
  const candidates = [base, ...Array.from({ length: 19 }, (_, i) => `${base}-${i + 2}`)];
  const { rows } = await db.raw('SELECT lower(username) AS u FROM subscriptions WHERE lower(username) = ANY(?::text[])', [candidates]);
  const taken = new Set((rows as Array<{ u: string }>).map((r) => r.u));
  return candidates.find((c) => !taken.has(c)) ?? `${base}-${Date.now().toString(36)}`;
}
