/**
 * The documented production setup, against the web role, the real database and Redis: PUBLIC_URL
 * is https and a TLS-terminating reverse proxy on the same host (TRUSTED_PROXIES=127.0.0.1) sends
 * X-Forwarded-For / -Proto / -Host.
 *
 * - The four sign-in pages (console, self-service, captive portal, hotspot login) and the two
 *   sign-in POSTs answer normally, every cookie Secure, with HSTS; the same headers from a peer
 *   that is not a trusted proxy change nothing (plain http, no Secure, no HSTS) and break nothing.
 * - /metrics and the detailed /health: a request the proxy forwarded needs METRICS_TOKEN even
 *   though its TCP peer is 127.0.0.1, whatever address X-Forwarded-For names; a direct local
 *   request needs none.
 * - /health with Redis down (REDIS_URL on a closed port) or a role that never answers: 503 within
 *   about a second, naming what is down for trusted callers, `{ status }` only for others.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../lib/config.js';
import { createContainer } from '../../lib/container.js';
import { freePort } from '../../lib/embedded/local-state.js';
import { createHttpServer } from '../../web/app.js';
import { createLogger } from '../../lib/logger.js';
import { adminClient, type AdminResponse } from '../helpers/admin-client.js';
import { createTestDatabase } from '../helpers/database.js';
import { createNas, createStaff, TEST_SECRET_KEY } from '../helpers/factories.js';
import { portalCustomer } from '../helpers/portal-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const PUBLIC_URL = 'https://billing.example.net';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
/** What nginx / Caddy in front of us add to a browser's request (README "Behind a reverse proxy"). */
const VIA_PROXY = { 'x-forwarded-for': '203.0.113.5', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'billing.example.net' };

let behindProxy: WebServer;
let untrustedPeer: WebServer;

before(async () => {
  const env = { PUBLIC_URL, METRICS_TOKEN };
  [behindProxy, untrustedPeer] = await Promise.all([
    startWebServer({ env: { ...env, TRUSTED_PROXIES: '127.0.0.1' } }),
    startWebServer({ env: { ...env, TRUSTED_PROXIES: '10.0.0.0/8' } }),
  ]);
});
after(async () => {
  await Promise.all([behindProxy?.stop(), untrustedPeer?.stop()]);
});

const cookiesOf = (res: AdminResponse): string[] => res.headers.getSetCookie();

/** Every cookie the response sets is Secure, and there is at least one. */
function allSecure(res: AdminResponse, what: string): void {
  const cookies = cookiesOf(res);
  assert.ok(cookies.length > 0, `${what}: sets a cookie`);
  for (const c of cookies) assert.match(c, /;\s*secure/i, `${what}: ${c}`);
}

test('behind the https proxy the four sign-in pages and both sign-in forms work, every cookie Secure, with HSTS', async () => {
  const { db } = behindProxy.c;
  const staff = await createStaff(db, {});
  const customer = await portalCustomer(db, { phone: '081200000001', password: 'rahasia-portal-1' });
  await createNas(db, { ipAddress: '10.5.50.1' });
  const headers = { ...VIA_PROXY, origin: PUBLIC_URL };

  const staffBrowser = adminClient(behindProxy.baseUrl);
  const consoleLogin = await staffBrowser.post('/admin/login', { username: staff.username, password: staff.password, _csrf: null }, headers);
  assert.equal(consoleLogin.status, 302, 'console sign-in');
  allSecure(consoleLogin, 'console sign-in');
  assert.match(consoleLogin.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
  assert.equal((await staffBrowser.get('/admin', VIA_PROXY)).status, 200, 'the Secure session cookie signs in');

  const portal = adminClient(behindProxy.baseUrl);
  const portalPage = await portal.get('/portal/account/login', VIA_PROXY);
  assert.equal(portalPage.status, 200, 'self-service sign-in page');
  allSecure(portalPage, 'self-service sign-in page (CSRF cookie)');
  const portalLogin = await portal.post('/portal/account/login', { identifier: customer.customerNumber, password: 'rahasia-portal-1' }, headers);
  assert.equal(portalLogin.status, 302, 'self-service sign-in');
  allSecure(portalLogin, 'self-service sign-in');

  const captive = await adminClient(behindProxy.baseUrl).get('/portal/captive', VIA_PROXY);
  assert.equal(captive.status, 200, 'captive portal');
  allSecure(captive, 'captive portal');

  const hotspot = await adminClient(behindProxy.baseUrl).get(`/portal/hotspot/login?${new URLSearchParams({ 'link-login-only': 'http://10.5.50.1/login' })}`, VIA_PROXY);
  assert.equal(hotspot.status, 200, 'hotspot login');
  allSecure(hotspot, 'hotspot login');
});

test('X-Forwarded-Proto from a peer that is not a trusted proxy is ignored: plain http, cookies not Secure, no HSTS, no 500', async () => {
  const staff = await createStaff(untrustedPeer.c.db, {});
  const res = await adminClient(untrustedPeer.baseUrl).post('/admin/login', { username: staff.username, password: staff.password, _csrf: null }, VIA_PROXY);
  assert.equal(res.status, 302);
  assert.ok(cookiesOf(res).length > 0);
  for (const c of cookiesOf(res)) assert.doesNotMatch(c, /secure/i, c);
  assert.equal(res.headers.get('strict-transport-security'), null);
  const captive = await adminClient(untrustedPeer.baseUrl).get('/portal/captive', VIA_PROXY);
  assert.equal(captive.status, 200);
  for (const c of cookiesOf(captive)) assert.doesNotMatch(c, /secure/i, c);
});

test('/metrics and the detailed /health: a forwarded request needs METRICS_TOKEN, whatever address it names; a direct local one does not', async () => {
  const url = behindProxy.baseUrl;
  for (const forwardedFor of ['203.0.113.5', '127.0.0.1']) {
    const headers = { ...VIA_PROXY, 'x-forwarded-for': forwardedFor };
    assert.equal((await fetch(`${url}/metrics`, { headers })).status, 403, `metrics for ${forwardedFor} through the proxy`);
    assert.deepEqual(Object.keys(await (await fetch(`${url}/health`, { headers })).json() as object), ['status'], `health for ${forwardedFor}`);
  }
  const withToken = { ...VIA_PROXY, authorization: `Bearer ${METRICS_TOKEN}` };
  assert.equal((await fetch(`${url}/metrics`, { headers: withToken })).status, 200);
  assert.ok('redis' in (await (await fetch(`${url}/health`, { headers: withToken })).json() as object));
  assert.equal((await fetch(`${url}/metrics`, { headers: { ...VIA_PROXY, authorization: 'Bearer wrong-token-0123456789' } })).status, 403);
  assert.equal((await fetch(`${url}/metrics`)).status, 200, 'a direct request from this host');
  assert.ok('database' in (await (await fetch(`${url}/health`)).json() as object));
});

test('/health with Redis down, or a role that never answers: 503 within about a second, naming it for trusted callers only', async () => {
  const testDb = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'silent', METRICS_TOKEN });
  // Nothing listens on this port: ioredis keeps reconnecting and would hold a PING until it does.
  const c = createContainer({ config, log: createLogger('silent'), databaseUrl: testDb.url, redisUrl: `redis://127.0.0.1:${await freePort(0)}`, secretKey: TEST_SECRET_KEY, processMetrics: false, db: testDb.db });
  let hang = false;
  const http = createHttpServer(c, () => [{ name: 'worker', health: () => (hang ? new Promise(() => {}) : Promise.resolve({ ok: true })), stop: async () => {} }]);
  const url = `http://127.0.0.1:${await http.listen('127.0.0.1', await freePort(0))}`;
  try {
    const timed = async (headers: Record<string, string> = {}) => {
      const started = performance.now();
      const res = await fetch(`${url}/health`, { headers });
      return { status: res.status, body: (await res.json()) as Record<string, { ok: boolean; error?: string }> & { status: string }, ms: performance.now() - started };
    };
    const down = await timed();
    assert.equal(down.status, 503);
    assert.ok(down.ms < 1500, `answered in ${Math.round(down.ms)} ms`);
    assert.equal(down.body.status, 'unavailable');
    assert.equal(down.body.redis!.ok, false);
    assert.match(down.body.redis!.error!, /^redis: /);
    assert.equal(down.body.database!.ok, true);
    assert.deepEqual(await timed({ 'x-forwarded-for': '203.0.113.5' }).then((r) => r.body), { status: 'unavailable' }, 'a forwarded caller without the token');

    hang = true;
    const stuck = await timed({ authorization: `Bearer ${METRICS_TOKEN}` });
    assert.equal(stuck.status, 503);
    assert.ok(stuck.ms < 1500, `answered in ${Math.round(stuck.ms)} ms`);
    const roles = stuck.body.roles as unknown as Record<string, { ok: boolean; error: string }>;
    assert.match(roles.worker!.error, /^worker: no answer within 1000 ms/);
  } finally {
    await http.close();
    c.redis.disconnect();
    await testDb.drop();
  }
});
