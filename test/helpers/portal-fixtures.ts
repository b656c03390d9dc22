/**
 * The self-service portal for tests: customers with a subscription, issued invoices and
 * (optionally) a portal password; a WhatsApp Cloud fake wired as the engine's WhatsApp channel,
 * from which the one-time sign-in codes are read; and a browser-like client (admin-client.ts:
 * cookies kept, redirects not followed, the page's `_csrf` sent back) with the two ways to sign in.
 */
import assert from 'node:assert/strict';
import { hashPassword } from '../../lib/password.js';
import type { NotificationChannel } from '../../billing/notifications/channel.js';
import { createWhatsAppCloudChannel } from '../../billing/notifications/channels/whatsapp-cloud.js';
import type { Knex } from '../../lib/db.js';
import { adminClient, type AdminClient, type AdminResponse } from './admin-client.js';
import { createCustomer, createPlan, createSubscription } from './factories.js';
import { startFakeWhatsAppCloud, type FakeProvider, type RecordedRequest } from './fake-messaging.js';

export const WA_TOKEN = 'wa-test-token-portal';
export const WA_PHONE_NUMBER_ID = '109876543210';

export interface PortalCustomerFixture {
  id: number;
  customerNumber: string;
  phone: string;
  password: string | null;
  subscriptionId: number;
  username: string;
  /** Issued invoice numbers, oldest first, with their internal ids (tests only). */
  invoices: Array<{ id: number; number: string; total: number; status: string }>;
}

let invoiceSeq = 0;

/**
 * A customer with one PPPoE subscription on a 150.000 plan and `invoices` issued invoices (the
 * newest open, older ones paid), billed through the ledger as the product does.
 */
export async function portalCustomer(
  db: Knex,
  opts: { name?: string; phone: string; password?: string | null; invoices?: number; prefix?: string; email?: string },
): Promise<PortalCustomerFixture> {
  const customer = await createCustomer(db, { name: opts.name ?? 'Siti Aminah', phone: opts.phone, ...(opts.email ? { email: opts.email } : {}) });
  const password = opts.password === undefined ? null : opts.password;
  if (password) await db('customers').where({ id: customer.id }).update({ portal_password_hash: await hashPassword(password, 4) });
  const plan = await createPlan(db, { name: `Rumahan ${customer.customerNumber}`, price: 150_000 });
  const sub = await createSubscription(db, { customerId: customer.id, planId: plan.id });
  const invoices: PortalCustomerFixture['invoices'] = [];
  const count = opts.invoices ?? 2;
  for (let i = 0; i < count; i++) {
    const open = i === count - 1;
    const month = String(10 + i - count + 2).padStart(2, '0');
    const number = `${opts.prefix ?? 'INV'}/2026/${month}/${String(++invoiceSeq).padStart(6, '0')}`;
    const [row] = await db('invoices').insert({
      invoice_number: number, customer_id: customer.id, subscription_id: sub.id, kind: 'recurring',
      period_start: `2026-${month}-01`, period_end: `2026-${String(Number(month) + 1).padStart(2, '0')}-01`,
      issue_date: `2026-${month}-01`, due_date: `2026-${month}-10`, status: open ? 'open' : 'paid',
      subtotal: 150_000, total: 150_000, amount_paid: open ? 0 : 150_000,
    }).returning('id');
    const invoiceId = Number(row.id);
    await db('invoice_lines').insert({ invoice_id: invoiceId, position: 1, kind: 'plan', description: `Paket Rumahan ${month}/2026`, unit_amount: 150_000, amount: 150_000, plan_id: plan.id });
    await db('ledger_entries').insert({ customer_id: customer.id, entry_type: 'invoice', amount: -150_000, invoice_id: invoiceId, description: number });
    if (!open) {
      const [pay] = await db('payments').insert({ customer_id: customer.id, invoice_id: invoiceId, amount: 150_000, method: 'cash', status: 'settled', settled_at: `2026-${month}-05T03:00:00Z` }).returning('id');
      await db('ledger_entries').insert({ customer_id: customer.id, entry_type: 'payment', amount: 150_000, invoice_id: invoiceId, payment_id: pay.id, description: 'cash' });
    }
    invoices.push({ id: invoiceId, number, total: 150_000, status: open ? 'open' : 'paid' });
  }
  return { id: customer.id, customerNumber: customer.customerNumber, phone: opts.phone, password, subscriptionId: sub.id, username: sub.username, invoices };
}

export interface FakeWhatsApp {
  fake: FakeProvider;
  /** The engine's `channels` option: WhatsApp Cloud pointed at the fake. */
  channels: { whatsapp: NotificationChannel };
  /** The latest sign-in code sent to `e164` (62812…), waiting up to 5 s for it. */
  codeFor(e164: string, since?: number): Promise<string>;
  /** Messages sent to `e164` so far. */
  sentTo(e164: string): RecordedRequest[];
  close(): Promise<void>;
}

const recipientOf = (r: RecordedRequest): string => String((r.body as { to?: unknown })?.to ?? '');

export async function startFakeWhatsApp(): Promise<FakeWhatsApp> {
  const fake = await startFakeWhatsAppCloud({ token: WA_TOKEN, phoneNumberId: WA_PHONE_NUMBER_ID });
  const channel = createWhatsAppCloudChannel({ apiUrl: fake.url, token: WA_TOKEN, phoneNumberId: WA_PHONE_NUMBER_ID });
  const sentTo = (e164: string): RecordedRequest[] => fake.delivered.filter((r) => recipientOf(r) === e164);
  return {
    fake,
    channels: { whatsapp: channel },
    sentTo,
    async codeFor(e164, since = 0) {
      const end = Date.now() + 5000;
      for (;;) {
        const sent = sentTo(e164).slice(since);
        const last = sent.at(-1);
        if (last) {
          const template = (last.body as { template: { name: string; components: Array<{ type: string; parameters: Array<{ text: string }> }> } }).template;
          assert.equal(template.name, 'login_code');
          return template.components[0]!.parameters[0]!.text;
        }
        if (Date.now() > end) assert.fail(`no sign-in code reached ${e164}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => fake.close(),
  };
}

/** A phone's browser: a client that keeps cookies and echoes the portal's CSRF token. */
export async function portalClient(baseUrl: string): Promise<AdminClient> {
  const client = adminClient(baseUrl);
  const login = await client.get('/portal/account/login');
  assert.equal(login.status, 200);
  return client;
}

/** Signs in with identifier and password; the response (302 to the account on success). */
export async function signInWithPassword(client: AdminClient, identifier: string, password: string): Promise<AdminResponse> {
  if (!client.csrf) await client.get('/portal/account/login');
  return client.post('/portal/account/login', { identifier, password });
}

/** Asks for a code, reads it from the fake WhatsApp, and signs in with it; the verify response. */
export async function signInWithCode(client: AdminClient, wa: FakeWhatsApp, identifier: string, e164: string): Promise<AdminResponse> {
  if (!client.csrf) await client.get('/portal/account/login');
  const before = wa.sentTo(e164).length;
  const asked = await client.post('/portal/account/login/code', { identifier });
  assert.equal(asked.status, 200, 'the code page');
  const code = await wa.codeFor(e164, before);
  return client.post('/portal/account/login/verify', { identifier, code });
}
