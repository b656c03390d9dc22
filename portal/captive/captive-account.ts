/**
 * What the captive portal knows of the subscriber on a connection: the subscription behind the
 * newest open accounting session with the request's address as Framed-IP-Address (partial index
 * accounting_sessions_open_framed_ip), or, for an IPv6 address, inside its delegated or framed
 * IPv6 prefix (sessionAtAddress), and, for a page, who they are (masked), their access state
 * as the radius role decides it (aaa/policy/decide.ts), what they owe and what one payment
 * restores (billing/payments/restore-due.ts), a gateway payment still waiting, and whether a
 * "paid" notification of theirs is still being confirmed (then the page offers no second payment).
 */
import net from 'node:net';
import type { Knex } from '../../lib/db.js';
import { localDate } from '../../billing/plans/billing-period.js';
import { restoreDue, type RestoreDue } from '../../billing/payments/restore-due.js';
import { DUNNING_REASONS } from '../../billing/subscriptions/status/change-status.js';
import { maskCustomerNumber, maskName } from './mask.js';

/**
 * - suspended, expired (prepaid time ran out): in the walled garden;
 * - soft_limited: online at the slower soft-limit rate;
 * - active: the full service; terminated: no service.
 */
export type CaptiveAccess = 'suspended' | 'expired' | 'soft_limited' | 'active' | 'terminated';

export interface CaptiveAccount {
  /** Masked: "Bu** Sa*****". */
  name: string;
  /** Masked: "CUST**23". */
  customerNumber: string;
  plan: string;
  access: CaptiveAccess;
  /** Paying lifts the restriction (dunning set it, or prepaid time ran out); otherwise staff decide. */
  liftedByPayment: boolean;
  restoreDue: RestoreDue;
  /** The newest online payment still waiting for the gateway (created in the last day), or null. */
  pending: { amount: number; provider: string } | null;
  /**
   * A gateway notification says one of their payments is paid and our books do not have it yet:
   * the gateway is still being asked (billing/webhooks/process-payment-event.ts), or staff were
   * asked to check it (failed in the last CONFIRMING_FAILED_DAYS). They are not asked to pay again.
   */
  confirming: boolean;
}

/** How long a notification staff must check keeps the captive page at "being confirmed". */
export const CONFIRMING_FAILED_DAYS = 7;

/** Whether the subscriber is restricted: the walled garden or the soft limit. */
export const restricted = (access: CaptiveAccess): boolean => access === 'suspended' || access === 'expired' || access === 'soft_limited';

// A session accounting could not tie to a subscription yet (no Class of ours) is matched by
// username, as nas-control does.
const SUBSCRIPTION_OF_SESSION = `coalesce(a.subscription_id, (SELECT s.id FROM subscriptions s WHERE s.username = a.username))`;

// Which open session holds an IPv6 address (ARCHITECTURE.md, "RADIUS and MikroTik facts", IPv6):
// the subscriber's devices take addresses inside the delegated prefix (DHCPv6-PD, RFC 8415 §6.3)
// or the framed /64 of the PPP link (SLAAC), or use the Framed-IPv6-Address itself. Each branch
// is served by its partial index on open sessions (GiST inet_ops for `>>=`, migrations/…_ipv6.ts).
const OPEN_AT_IPV6 = `(a.delegated_ipv6_prefix >>= ?::inet OR a.framed_ipv6_prefix >>= ?::inet OR a.framed_ipv6_address = ?::inet)`;

/**
 * The newest open session holding address `ip`, and its subscription; null when there is none,
 * when `ip` is not an address, or when the session belongs to no subscription. IPv4: the
 * session's Framed-IP-Address; IPv6: an address inside its delegated or framed prefix, or its
 * Framed-IPv6-Address (an IPv4-mapped `::ffff:a.b.c.d` is taken as the IPv4 address).
 */
export async function sessionAtAddress(db: Knex, ip: string): Promise<{ sessionKey: string; subscriptionId: number } | null> {
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(ip)?.[1];
  const address = mapped ?? ip;
  const family = net.isIP(address);
  if (!family) return null;
  const { rows } = await db.raw(
    `SELECT a.session_key::text AS "sessionKey", ${SUBSCRIPTION_OF_SESSION} AS "subscriptionId"
       FROM accounting_sessions a
      WHERE ${family === 6 ? OPEN_AT_IPV6 : 'a.framed_ip_address = ?::inet'} AND a.stop_time IS NULL
      ORDER BY a.start_time DESC, a.id DESC
      LIMIT 1`,
    family === 6 ? [address, address, address] : [address],
  );
  const row = rows[0] as { sessionKey: string; subscriptionId: number | null } | undefined;
  return row && row.subscriptionId !== null ? { sessionKey: row.sessionKey, subscriptionId: Number(row.subscriptionId) } : null;
}

/** The subscription of session `sessionKey`, open or closed (the subscriber reconnects after paying); null when unknown. */
export async function subscriptionOfSession(db: Knex, sessionKey: string): Promise<number | null> {
  const { rows } = await db.raw(`SELECT ${SUBSCRIPTION_OF_SESSION} AS id FROM accounting_sessions a WHERE a.session_key = ?::uuid`, [sessionKey]);
  const id = (rows[0] as { id: number | null } | undefined)?.id;
  return id === undefined || id === null ? null : Number(id);
}

/** The page's view of subscription `subscriptionId` at `now`; null when there is no such subscription. */
export async function captiveAccount(db: Knex, subscriptionId: number, now: Date, timeZone: string): Promise<CaptiveAccount | null> {
  const sub = await db('subscriptions as s')
    .join('customers as c', 'c.id', 's.customer_id')
    .join('plans as p', 'p.id', 's.plan_id')
    .where('s.id', subscriptionId)
    .first('s.id', 's.customer_id', 's.status', 's.status_reason', 's.billing_type', 's.paid_until', 'c.name', 'c.customer_number', { plan: 'p.name' });
  if (!sub) return null;
  const expired = sub.billing_type === 'prepaid' && (sub.paid_until === null || new Date(sub.paid_until).getTime() <= now.getTime());
  // The order of decide(): terminated, then suspended or expired (walled garden), then soft limit.
  const access: CaptiveAccess = sub.status === 'terminated' ? 'terminated' : sub.status === 'suspended' ? 'suspended' : expired ? 'expired' : sub.status;
  const dunning = (DUNNING_REASONS as readonly string[]).includes(sub.status_reason ?? '');
  const [due, pending, confirming] = await Promise.all([
    restoreDue(db, { id: Number(sub.id), customerId: Number(sub.customer_id), billingType: sub.billing_type }, localDate(now, timeZone)),
    db('payments')
      .where({ customer_id: sub.customer_id, status: 'pending' })
      .whereIn('method', ['midtrans', 'xendit'])
      .whereNull('flagged_reason')
      .whereNotNull('payment_url')
      .where('created_at', '>', new Date(now.getTime() - 24 * 3600 * 1000))
      .orderBy('id', 'desc')
      .first('amount', 'method'),
    db.raw(
      `SELECT EXISTS (
         SELECT 1 FROM payments p JOIN payment_events e ON e.order_id = p.gateway_order_id AND e.provider = p.method
          WHERE p.customer_id = ? AND p.method IN ('midtrans', 'xendit') AND p.status = 'pending' AND e.claims_paid
            AND (e.status = 'received' OR (e.status = 'failed' AND e.received_at > ?))
       ) AS confirming`,
      [sub.customer_id, new Date(now.getTime() - CONFIRMING_FAILED_DAYS * 24 * 3600 * 1000)],
    ),
  ]);
  return {
    name: maskName(String(sub.name)),
    customerNumber: maskCustomerNumber(String(sub.customer_number)),
    plan: String(sub.plan),
    access,
    liftedByPayment: access === 'expired' || (restricted(access) && dunning),
    restoreDue: due,
    pending: pending ? { amount: Number(pending.amount), provider: String(pending.method) } : null,
    confirming: Boolean(confirming.rows[0]?.confirming),
  };
}
