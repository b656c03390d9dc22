/**
 * A staff member creates a subscription for a customer: a PPPoE or hotspot login on a plan.
 *
 * - Credentials: the username is the one staff typed, or one generated from the customer number
 *   (subscription-username.ts); the password is generated (lib/credentials.ts, 10 characters,
 *   ≈ 58 bits) and stored sealed in subscriptions.password_enc (lib/secret-box.ts: CHAP and
 *   MS-CHAP need the cleartext, RFC 1994 §4.1 / RFC 2759 §8). The cleartext is returned once,
 *   for staff to hand over; it is never logged or audited.
 * - The radius role accepts it at once: the insert fires the aaa_index notification
 *   (migrations/…_aaa_notify.ts) and the index loads the row; a login before that is an index
 *   miss answered from the database.
 * - Billing, as the invoice run would do it (billing/invoices/periods-to-bill.ts
 *   `candidatesFor`): the subscription starts now, its first period runs from today to the next
 *   anchor day and is prorated by days when partial; that first invoice is issued now rather than
 *   at the next run, so staff see what is owed and a prepaid subscriber can pay at once. Prepaid
 *   access begins when that invoice is paid (paid_until); credit the customer already holds is
 *   allocated to it immediately (prepaid: online at once). Later periods are the invoice run's, which finds
 *   this period billed and goes on from its end.
 * - Audited (`subscription_created`) in the same transaction.
 */
import { checkIpv6Prefixes, IPV6_CONSTRAINTS } from './ipv6-prefixes.js';
import { isIPv4 } from 'node:net';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import { randomCredential } from '../../lib/credentials.js';
import type { Knex } from '../../lib/db.js';
import { recordEvent } from '../../lib/outbound-events.js';
import { subscriptionCreated } from '../events/event-data.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { UseCaseDeps } from '../use-case/use-case-deps.js';
import { candidatesFor, periodInvoice } from '../invoices/periods-to-bill.js';
import { lockCustomer } from '../ledger/customer-balance.js';
import { issueInvoice } from '../ledger/issue-invoices.js';
import { localDate, type BillingCycle } from '../plans/billing-period.js';
import { loadBillingSettings, type BillingSettings } from '../settings/billing-settings.js';
import { isRadiusSafeUsername, suggestUsername, usernameTaken } from './subscription-username.js';

/** Length of a generated subscriber password (57-symbol alphabet: ≈ 58 bits). */
export const SUBSCRIBER_PASSWORD_LENGTH = 10;

export interface NewSubscription {
  customerId: number;
  planId: number;
  serviceType: 'pppoe' | 'hotspot';
  billingType: 'postpaid' | 'prepaid';
  /** Day of the month billing periods start, 1-28. */
  anchorDay: number;
  /** Trimmed; null or '' to generate one. */
  username: string | null;
  /** IPv4 sent as Framed-IP-Address, or null for the plan's pool. */
  staticIp: string | null;
  /** Normalised MAC (AA:BB:CC:DD:EE:FF), or null. */
  macAddress: string | null;
  /** Static IPv6 prefixes (ipv6-prefixes.ts), PPPoE only; null or absent: the plan's IPv6 pools. */
  framedIpv6Prefix?: string | null;
  delegatedIpv6Prefix?: string | null;
  actor: AuditActor;
}

export interface FirstInvoice {
  id: number;
  invoiceNumber: string;
  total: number;
  /** What is still owed after the customer's credit was allocated to it (0: paid). */
  owed: number;
  /** Local dates: the period [start, end) and the due date. */
  periodStart: string;
  periodEnd: string;
  dueDate: string;
}

/** Field errors are locale keys by form field (`username`, `plan_id`, `static_ip`, `anchor_day`). */
export type CreateSubscriptionOutcome =
  | { ok: true; subscriptionId: number; customerId: number; username: string; password: string; invoice: FirstInvoice | null }
  | { ok: false; code: 'customer_not_found' }
  | { ok: false; code: 'invalid'; errors: Record<string, string> };

interface PlanRow { id: number; name: string; price: number; billing_cycle: BillingCycle; cycle_days: number | null; is_active: boolean }

class Refused extends Error {
  constructor(readonly errors: Record<string, string>) {
    super('refused');
  }
}

/** Postgres unique_violation on a constraint we check first (a race with another request): the field it concerns. */
function fieldOfConflict(err: unknown): string | null {
  const e = err as { code?: string; constraint?: string };
  if (e.code === '23P01') return IPV6_CONSTRAINTS[e.constraint ?? ''] ?? null;
  if (e.code !== '23505') return null;
  if (e.constraint === 'subscriptions_username_key') return 'username';
  if (e.constraint === 'subscriptions_static_ip') return 'static_ip';
  return null;
}

export async function createSubscription(deps: UseCaseDeps & { secrets: SecretBox }, input: NewSubscription): Promise<CreateSubscriptionOutcome> {
  const now = deps.clock.now();
  const today = localDate(now, deps.timeZone);
  const password = randomCredential(SUBSCRIBER_PASSWORD_LENGTH);
  try {
    return await deps.effects.transaction(deps.db, async (trx) => {
      // The customer's money lock first, as every use case that writes their ledger takes it.
      if (!(await lockCustomer(trx, input.customerId))) return { ok: false, code: 'customer_not_found' } as const;
      const errors: Record<string, string> = {};
      const plan = (await trx('plans').where({ id: input.planId }).first('id', 'name', 'price', 'billing_cycle', 'cycle_days', 'is_active')) as PlanRow | undefined;
      if (!plan || !plan.is_active) errors.plan_id = 'subscriptions.error.plan';
      if (!Number.isInteger(input.anchorDay) || input.anchorDay < 1 || input.anchorDay > 28) errors.anchor_day = 'subscriptions.error.anchor_day';
      const username = input.username?.trim() || (await suggestUsername(trx, input.customerId))!;
      if (!isRadiusSafeUsername(username)) errors.username = 'subscriptions.error.username_format';
      else {
        // Two staff creating `Budi` and `budi` at once: the second waits here and then sees the first.
        await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?), hashtext(lower(?)))', ['subscription-username', username]);
        if (await usernameTaken(trx, username)) errors.username = 'subscriptions.error.username_taken';
      }
      if (input.staticIp !== null) {
        if (!isIPv4(input.staticIp)) errors.static_ip = 'subscriptions.error.static_ip';
        else if (await trx('subscriptions').whereRaw('static_ip = ?::inet', [input.staticIp]).whereNot('status', 'terminated').first('id')) {
          errors.static_ip = 'subscriptions.error.static_ip_taken';
        }
      }
      const v6 = await checkIpv6Prefixes(trx, null, input.serviceType, {
        framedIpv6Prefix: input.framedIpv6Prefix ?? null, delegatedIpv6Prefix: input.delegatedIpv6Prefix ?? null,
      });
      Object.assign(errors, v6.errors);
      if (Object.keys(errors).length || !plan) throw new Refused(errors);

      const [row] = await trx('subscriptions')
        .insert({
          customer_id: input.customerId, plan_id: plan.id, username, password_enc: deps.secrets.seal(password),
          service_type: input.serviceType, status: 'active', billing_type: input.billingType, anchor_day: input.anchorDay,
          static_ip: input.staticIp, mac_address: input.macAddress, started_at: now,
          framed_ipv6_prefix: v6.prefixes.framedIpv6Prefix, delegated_ipv6_prefix: v6.prefixes.delegatedIpv6Prefix,
        })
        .returning('id');
      const subscriptionId = Number(row.id);
      const settings = await loadBillingSettings(trx);
      await recordEvent(trx, subscriptionCreated({ subscriptionId, customerId: input.customerId, username, planId: plan.id, planName: plan.name, serviceType: input.serviceType, billingType: input.billingType }));
      const invoice = await issueFirstInvoice(trx, deps, { subscriptionId, customerId: input.customerId, billingType: input.billingType, anchorDay: input.anchorDay, plan }, settings, today, now);
      await recordAudit(trx, input.actor, {
        action: 'subscription_created',
        objectType: 'subscription',
        objectId: subscriptionId,
        after: {
          customerId: input.customerId, username, planId: plan.id, plan: plan.name, serviceType: input.serviceType, billingType: input.billingType,
          anchorDay: input.anchorDay, staticIp: input.staticIp, macAddress: input.macAddress, firstInvoice: invoice?.invoiceNumber ?? null,
          ...(v6.prefixes.framedIpv6Prefix || v6.prefixes.delegatedIpv6Prefix ? v6.prefixes : {}),
        },
      });
      return { ok: true, subscriptionId, customerId: input.customerId, username, password, invoice } as const;
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, code: 'invalid', errors: err.errors };
    const field = fieldOfConflict(err);
    if (field) {
      const message = field === 'username' ? 'subscriptions.error.username_taken' : field === 'static_ip' ? 'subscriptions.error.static_ip_taken' : 'error.ipv6.taken';
      return { ok: false, code: 'invalid', errors: { [field]: message } };
    }
    throw err;
  }
}

/**
 * The first period's invoice, exactly as the invoice run bills it (billing/invoices/periods-to-bill.ts:
 * one recurring invoice per subscription and period start, its plan line prorated when the period
 * is partial), issued by the ledger (billing/ledger/issue-invoices.ts: a gapless number, PPN when
 * set, the ledger entry, the customer's credit allocated to it, "invoice issued" for what is still owed).
 */
async function issueFirstInvoice(
  trx: Knex.Transaction,
  deps: Pick<UseCaseDeps, 'notifier' | 'effects' | 'payUrl'>,
  sub: { subscriptionId: number; customerId: number; billingType: 'postpaid' | 'prepaid'; anchorDay: number; plan: PlanRow },
  settings: BillingSettings,
  today: string,
  now: Date,
): Promise<FirstInvoice | null> {
  const [first] = candidatesFor({
    id: sub.subscriptionId, customer_id: sub.customerId, billing_type: sub.billingType, anchor_day: sub.anchorDay, start_date: today,
    plan_id: sub.plan.id, plan_name: sub.plan.name, price: sub.plan.price, billing_cycle: sub.plan.billing_cycle, cycle_days: sub.plan.cycle_days,
    next_plan_id: null, next_plan_effective: null, next_name: null, next_price: null, next_cycle: null, next_cycle_days: null,
  }, today, settings, null, null);
  if (!first) return null;
  const inv = await issueInvoice(trx, periodInvoice(first), {
    today, now, settings, effects: deps.effects, announce: { notifier: deps.notifier, payUrl: deps.payUrl },
  });
  if (!inv) return null;
  return { id: inv.id, invoiceNumber: inv.invoiceNumber, total: inv.total, owed: inv.owed, periodStart: first.start, periodEnd: first.end, dueDate: first.dueDate };
}
