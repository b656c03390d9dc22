/**
 * The web role's edge, against the real database and Redis, over plain http on 127.0.0.1:
 *
 * - Security headers on every page: Content-Security-Policy (own scripts only, no framing),
 *   X-Frame-Options, nosniff; no HSTS over plain http.
 * - Sign-in forms (console, self-service) and the captive portal's payment form refuse a POST
 *   from another site (Origin, else Referer) with 403; the same origin, or a request naming none
 *   (left to the CSRF token), goes through.
 * - A NUL character, or a number out of its column's range, in a query, form or path value of
 *   console and portal lists and pages is a 400, never a 500.
 * - The hotspot login page posts only to a registered NAS or a listed host (not to any private or
 *   CGNAT address), and hands the router link-orig only as an http(s) URL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, type AdminClient } from '../helpers/admin-client.js';
import { createNas } from '../helpers/factories.js';
import { portalCustomer, portalClient, signInWithPassword, type PortalCustomerFixture } from '../helpers/portal-fixtures.js';
import { decodeHtml, signedInAs } from '../helpers/subscriptions-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let staff: AdminClient;
let staffId: number;
let customer: PortalCustomerFixture;
let portal: AdminClient;
const EVIL = 'https://evil.example';

before(async () => {
  web = await startWebServer();
  const { db } = web.c;
  await createNas(db, { ipAddress: '10.9.0.1' });
  await db('settings').insert({ key: 'hotspot', value: JSON.stringify({ loginHosts: ['10.5.50.1', 'wifi.rtrw.net'] }) });
  const signedIn = await signedInAs(web.baseUrl, db, 'admin');
  staff = signedIn.client;
  staffId = signedIn.staff.id;
  customer = await portalCustomer(db, { phone: '081200000002', password: 'rahasia-portal-2' });
  portal = await portalClient(web.baseUrl);
  assert.equal((await signInWithPassword(portal, customer.customerNumber, 'rahasia-portal-2')).status, 302);
});
after(async () => {
  await web?.stop();
});

test('every page carries the security headers: CSP without framing, nosniff, X-Frame-Options; no HSTS over plain http', async () => {
  for (const path of ['/admin/login', '/portal/account/login', '/portal/captive', '/portal/hotspot/login', '/admin/nope']) {
    const res = await fetch(`${web.baseUrl}${path}`);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.match(csp, /script-src 'self'/, path);
    assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/, `${path}: no inline scripts`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
    assert.equal(res.headers.get('strict-transport-security'), null, path);
  }
});

test('a sign-in or payment POST from another site is refused with 403; the same origin, or no Origin/Referer at all, goes through', async () => {
  const creds = { identifier: customer.customerNumber, password: 'rahasia-portal-2' };
  const own = web.baseUrl;

  // Console sign-in (no session yet, so no CSRF token: the Origin is what tells a forged form).
  const fresh = (): AdminClient => adminClient(web.baseUrl);
  const staffLogin = (client: AdminClient, headers: Record<string, string>) => client.post('/admin/login', { username: 'nobody', password: 'wrong-password', _csrf: null }, headers);
  for (const headers of [{ origin: EVIL }, { origin: 'null' }, { referer: `${EVIL}/phish` }, { origin: EVIL, referer: `${own}/admin/login` }] as Array<Record<string, string>>) {
    const res = await staffLogin(fresh(), headers);
    assert.equal(res.status, 403, JSON.stringify(headers));
    assert.match(res.text, /The form has expired|Formulir kedaluwarsa/);
  }
  for (const headers of [{ origin: own }, { referer: `${own}/admin/login` }, {}] as Array<Record<string, string>>) {
    assert.equal((await staffLogin(fresh(), headers)).status, 401, `a wrong password, judged: ${JSON.stringify(headers)}`);
  }

  // Self-service sign-in, with a valid CSRF cookie and token: still refused from another site.
  const phone = await portalClient(web.baseUrl);
  const forged = await phone.post('/portal/account/login', creds, { origin: EVIL });
  assert.equal(forged.status, 403);
  assert.match(decodeHtml(forged.text), /This page has expired|Halaman sudah kedaluwarsa/);
  assert.equal((await phone.post('/portal/account/login', creds, { origin: own })).status, 302);

  // The captive portal's payment form: refused before the token is even read.
  const captive = await portalClient(web.baseUrl);
  const pay = await captive.post('/portal/captive/pay/not-a-token', { provider: 'midtrans' }, { origin: EVIL });
  assert.equal(pay.status, 403);
  assert.match(decodeHtml(pay.text), /This page has expired|Halaman sudah kedaluwarsa/);
});

test('a NUL character or an out-of-range number in a query, form or path value is a 400 on console and portal pages, never a 500', async () => {
  const huge = '99999999999999999999';
  const consoleGets = [
    '/admin/customers?q=a%00b', '/admin/customers.csv?q=%00', '/admin/invoices?q=%00', '/admin/payments?q=x%00', '/admin/tickets?q=%00',
    '/admin/sessions?q=%00', '/admin/plans?q=%00', '/admin/vouchers/find?code=%00', `/admin/audit?staff=${huge}`,
    '/admin/audit?object_id=9223372036854775808', '/admin/audit?object_id=12abc', `/admin/customers?page=${huge}`, '/admin/invoices?page=-1',
    `/admin/sessions?nas=${huge}`, '/admin/customers?q[a]=%00',
  ];
  for (const path of consoleGets) assert.equal((await staff.get(path)).status, 400, path);
  assert.equal((await staff.get(`/admin/customers/${huge}`)).status, 404, 'an id that cannot exist is not found');

  await staff.get('/admin/customers/new');
  assert.equal((await staff.post('/admin/customers', { name: 'Budi\0', phone: '081299990000' })).status, 400, 'a NUL in a form');
  await staff.get(`/admin/staff/${staffId}`);
  assert.equal((await staff.post(`/admin/staff/${staffId}/role`, { role: 'viewer', version: '2147483648' })).status, 400, 'a row version above integer');

  const portalGets = [
    `/portal/account/invoices?page=${huge}`, `${'/portal/account/invoices/'}${encodeURIComponent(customer.invoices[0]!.number)}%00`,
    '/portal/account/invoices/%00/pdf', '/portal/hotspot/status?code=%00', '/portal/hotspot/login?link-login-only=http://10.5.50.1/%00',
  ];
  for (const path of portalGets) assert.equal((await portal.get(path)).status, 400, path);
  await portal.get('/portal/account/tickets');
  assert.equal((await portal.post('/portal/account/tickets', { subject: 'Internet mati\0', message: 'Sejak pagi' })).status, 400, 'a NUL in a portal form');
  await portal.get('/portal/account/contact');
  assert.equal((await portal.post('/portal/account/contact', { phone: '081200000002', email: '', version: '99999999999' })).status, 400, 'a portal row version above integer');

  // Ordinary values still work.
  assert.equal((await staff.get('/admin/customers?q=budi&page=2')).status, 200);
  assert.equal((await portal.get('/portal/account/invoices?page=1')).status, 200);
});

test('the hotspot login page posts only to a registered NAS or a listed host, and hands on link-orig only as an http(s) URL', async () => {
  const login = async (params: Record<string, string>) => {
    const res = await fetch(`${web.baseUrl}/portal/hotspot/login?${new URLSearchParams(params)}`);
    const html = await res.text();
    return { status: res.status, actions: [...html.matchAll(/<form[^>]*action="([^"]*)"/g)].map((m) => decodeHtml(m[1]!)), dst: [...new Set([...html.matchAll(/name="dst" value="([^"]*)"/g)].map((m) => decodeHtml(m[1]!)))] };
  };
  for (const target of ['http://100.64.23.45:8080/steal', 'http://192.168.88.1/login', 'http://10.5.50.2/login', 'https://evil.example/login']) {
    const refused = await login({ 'link-login-only': target });
    assert.equal(refused.status, 400, target);
    assert.deepEqual(refused.actions, [], `${target}: no form`);
  }
  for (const [target, expected] of [['http://10.9.0.1/login', 'http://10.9.0.1/login'], ['http://10.5.50.1/login', 'http://10.5.50.1/login'], ['http://WIFI.rtrw.net/login', 'http://wifi.rtrw.net/login']]) {
    const shown = await login({ 'link-login-only': target!, 'link-orig': 'http://example.com/news' });
    assert.equal(shown.status, 200, target);
    assert.ok(shown.actions.length > 0 && shown.actions.every((a) => a === expected), `${target}: ${shown.actions}`);
    assert.deepEqual(shown.dst, ['http://example.com/news']);
  }
  for (const orig of ['javascript:alert(document.cookie)', ' JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', '//evil.example/', 'http://user:pw@example.com/']) {
    const page = await login({ 'link-login-only': 'http://10.9.0.1/login', 'link-orig': orig });
    assert.deepEqual(page.dst, [''], orig);
  }
});
