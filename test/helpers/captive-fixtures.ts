/**
 * Captive portal tests on the whole product (startBillingStack): subscribers walked through
 * real invoice runs and dunning passes into the walled garden, their router session opened by
 * radclient with a Framed-IP-Address in 127/8, and an HTTP client that connects from that
 * address (Linux answers every 127/8 address on loopback), so the portal sees the subscriber's
 * address as the request's source, as behind the router's dst-nat.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { addDays } from '../../billing/plans/billing-period.js';
import type { BillingStack } from './billing-stack.js';
import { NAS_SECRET } from './billing-stack.js';
import { nineAm, setBillingSettings } from './billing-fixtures.js';
import { createCustomer, createSubscription } from './factories.js';
import { radclient } from './radclient.js';

export const COMPANY = {
  companyName: 'NetDesa Sejahtera',
  companyPhone: '0812-3456-7890',
  companyEmail: 'cs@netdesa.example',
  companyAddress: 'Jl. Kenanga No. 5, Sleman',
};

export interface Subscriber {
  id: number;
  customerId: number;
  customerNumber: string;
  name: string;
  username: string;
  password: string;
}

/** Stores the ISP's name and contact (billing settings) the captive pages show. */
export async function setCompany(stack: BillingStack): Promise<void> {
  await setBillingSettings(stack.c.db, COMPANY);
}

/** A customer named `name` with a postpaid subscription on `planId` that started on 1 October 2026 (anchor day 1). */
export async function subscriber(stack: BillingStack, planId: number, name: string): Promise<Subscriber> {
  const { db } = stack.c;
  const customer = await createCustomer(db, { name, phone: `0813${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}` });
  const s = await createSubscription(db, { customerId: customer.id, planId, anchorDay: 1 });
  await db('subscriptions').where({ id: s.id }).update({ started_at: '2026-10-01T00:00:00+07:00' });
  return { id: s.id, customerId: customer.id, customerNumber: customer.customerNumber, name, username: s.username, password: s.password };
}

/** Runs the invoice run and the dunning pass at 09:00 each day from `from` to `to` (Jakarta dates). */
export async function walkDays(stack: BillingStack, from: string, to: string): Promise<void> {
  for (let day = from; day <= to; day = addDays(day, 1)) {
    stack.clock.set(nineAm(day));
    await stack.engine.generateInvoices();
    await stack.engine.runDunningPass();
  }
}

/**
 * What a MikroTik does when the subscriber's router dials in: Access-Request (answered as
 * `expect`: `walled_garden` is an Access-Accept with the isolir address list), then an
 * Accounting Start with Framed-IP-Address = `ip` and the Class of the accept. Waits until the
 * session is stored.
 */
export async function dialIn(stack: BillingStack, sub: Subscriber, ip: string, sessionId: string, expect: 'walled_garden' | 'accept'): Promise<void> {
  await stack.radius.sync.settled();
  const accept = await radclient({
    port: stack.radius.ports.authPort, secret: NAS_SECRET, type: 'auth',
    attributes: [`User-Name = "${sub.username}"`, `User-Password = "${sub.password}"`, 'Message-Authenticator = 0x00'],
  });
  assert.equal(accept.code, 'Access-Accept', accept.stdout + accept.stderr);
  const list = accept.attributes.find(([n]) => n === 'Mikrotik-Address-List')?.[1];
  assert.equal(list, expect === 'walled_garden' ? 'isolir' : undefined, `${sub.name}: ${expect}`);
  const cls = accept.attributes.find(([n]) => n === 'Class')?.[1];
  assert.ok(cls, 'the Access-Accept carries a Class');
  const start = await radclient({
    port: stack.radius.ports.acctPort, secret: NAS_SECRET, type: 'acct',
    attributes: [`User-Name = "${sub.username}"`, 'Acct-Status-Type = Start', `Acct-Session-Id = "${sessionId}"`, `Framed-IP-Address = ${ip}`, `Class = ${cls}`],
  });
  assert.equal(start.code, 'Accounting-Response');
  const stored = await stack.c.db('accounting_sessions').where({ acct_session_id: sessionId }).whereNull('stop_time').first('id');
  assert.ok(stored, 'the session is stored before the Accounting-Response');
}

/** What the router reports after a Disconnect: the session stopped. */
export async function hangUp(stack: BillingStack, sub: Subscriber, sessionId: string): Promise<void> {
  const stop = await radclient({
    port: stack.radius.ports.acctPort, secret: NAS_SECRET, type: 'acct',
    attributes: [`User-Name = "${sub.username}"`, 'Acct-Status-Type = Stop', `Acct-Session-Id = "${sessionId}"`, 'Acct-Terminate-Cause = Admin-Reset'],
  });
  assert.equal(stop.code, 'Accounting-Response');
}

export interface PortalResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A browser-like client of the web app from `localAddress`: keeps cookies, follows no redirects. */
export interface PortalClient {
  get(path: string, headers?: Record<string, string>): Promise<PortalResponse>;
  /** POSTs `form` urlencoded. */
  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<PortalResponse>;
}

export function portalClient(baseUrl: string, localAddress: string): PortalClient {
  const cookies = new Map<string, string>();
  const request = (method: string, path: string, headers: Record<string, string>, body?: string): Promise<PortalResponse> =>
    new Promise((resolve, reject) => {
      const url = new URL(path, baseUrl);
      const req = http.request(url, {
        method,
        localAddress,
        headers: {
          ...(cookies.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
          ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}),
          ...headers,
        },
      }, (res) => {
        for (const c of res.headers['set-cookie'] ?? []) {
          const [pair] = c.split(';');
          const eq = pair!.indexOf('=');
          cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
        }
        const chunks: Buffer[] = [];
        res.on('data', (b: Buffer) => chunks.push(b));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return {
    get: (path, headers = {}) => request('GET', path, headers),
    post: (path, form, headers = {}) => request('POST', path, headers, new URLSearchParams(form).toString()),
  };
}

/** The captive token in a page: the path segment of its status poll URL. */
export function tokenIn(html: string): string {
  const m = /hx-get="\/portal\/captive\/status\/([^"]+)"/.exec(html);
  assert.ok(m, `no status poll in the page: ${html.slice(0, 500)}`);
  return m[1]!;
}

/** The CSRF token of a page's form. */
export function csrfIn(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  assert.ok(m, 'no CSRF field in the page');
  return m[1]!;
}
