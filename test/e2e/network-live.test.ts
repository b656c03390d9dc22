/**
 * The live dashboard and a subscriber's live traffic (issue 12 item 6) in Debian's chromium at
 * 1366×768, against the web role, the real database and the fake RouterOS API server: what the
 * scenario tests (test/scenarios/network-live.test.ts) check over HTTP, here through htmx 4's SSE
 * extension (`hx-sse:connect`, node_modules/htmx.org/dist/ext/hx-sse.js) as a browser runs it.
 *
 * a. /admin/network/live shows each router's online sessions; a session opened in the database
 *    and a staff alert raised (lib/staff-alerts.ts) appear on the open page without a reload
 *    (a marker set on `window` before is still there after).
 * b. A subscription page whose subscriber is online on a router with RouterOS API credentials
 *    shows the router's down/up rates for `<pppoe-USER>` and follows them as they change.
 * Neither page logs a console error, throws, or trips the Content Security Policy
 * (`securitypolicyviolation` events, listened for before any script of the page runs).
 * Screenshots: test-output/screenshots/network-live-<step>.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { raiseStaffAlerts } from '../../lib/staff-alerts.js';
import { openBrowser, screenshot, signInToConsole, text, until, type Journey, type TestBrowser } from '../helpers/browser.js';
import { createNas, createStaff, createSubscription } from '../helpers/factories.js';
import { startFakeRouterOs, type FakeRouterOs } from '../helpers/fake-routeros.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const LAPTOP = { width: 1366, height: 768 };
/** The dashboard reads the snapshot every 5 s (admin/network/live-hub.ts SNAPSHOT_MS) and alerts every 2 s. */
const LIVE_MS = 12_000;

let web: WebServer;
let browser: TestBrowser;
let router: FakeRouterOs;
let staff: { username: string; password: string };
const nas = { core: 0, edge: 0 };
let live: { id: number; username: string };

async function openSession(sub: { id: number; username: string }, nasId: number, nasIp: string): Promise<void> {
  const started = new Date(Date.now() - 10 * 60_000);
  await web.c.db('accounting_sessions').insert({
    session_key: randomUUID(), acct_session_id: randomUUID().slice(0, 8), username: sub.username, subscription_id: sub.id, nas_id: nasId,
    nas_ip_address: nasIp, start_time: started, update_time: started,
  });
}

before(async () => {
  web = await startWebServer();
  browser = await openBrowser({ viewport: LAPTOP });
  router = await startFakeRouterOs({ users: { billing: 'api-pw' } });
  const { db } = web.c;
  staff = await createStaff(db, { role: 'admin', locale: 'en' });
  nas.core = (await createNas(db, { name: 'POP-Core', ipAddress: '10.8.0.1', routerosUsername: 'billing', routerosPassword: 'api-pw', routerosApiPort: router.port, routerosApiHost: '127.0.0.1' })).id;
  nas.edge = (await createNas(db, { name: 'POP-Edge', ipAddress: '10.8.0.2' })).id;
  live = await createSubscription(db);
  await openSession(live, nas.core, '10.8.0.1');
  await openSession(await createSubscription(db), nas.core, '10.8.0.1');
  await openSession(await createSubscription(db), nas.edge, '10.8.0.2');
  router.traffic.set(`<pppoe-${live.username}>`, { rx: 2_500_000, tx: 12_300_000 });
});

after(async () => {
  await browser?.close();
  await web?.stop();
  await router?.close();
});

/** What the page said went wrong: console errors and CSP violations, besides the journey's uncaught errors. */
interface Watched extends Journey {
  consoleErrors: string[];
  cspViolations(): Promise<string[]>;
}

async function signedIn(): Promise<Watched> {
  const j = await browser.journey();
  const consoleErrors: string[] = [];
  j.page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  // Before any script of each page runs: a violation while htmx starts counts too.
  await j.page.addInitScript(`
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  `);
  await signInToConsole(j.page, web.baseUrl, staff.username, staff.password);
  return { ...j, consoleErrors, cspViolations: () => j.page.evaluate<string[]>('window.__csp') };
}

/** Online sessions per router as the page shows them. */
async function onlineShown(page: Page): Promise<Record<string, string>> {
  return page.evaluate<Record<string, string>>(`Object.fromEntries([...document.querySelectorAll('#live-nas tr[data-nas-id]')]
    .map((tr) => [tr.dataset.nasId, tr.querySelector('[data-online-count]').textContent.trim()]))`);
}

test('a. the live dashboard shows online sessions per router and follows a new session and a new staff alert without a reload', async () => {
  const j = await signedIn();
  const { page } = j;
  try {
    const streams: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/admin/network/live/stream')) streams.push(r.headers().accept ?? '');
    });
    await page.goto(`${web.baseUrl}/admin/network/live`);
    assert.equal(await text(page, 'h1'), 'Live network');
    assert.deepEqual(await onlineShown(page), { [nas.core]: '2', [nas.edge]: '1' });
    await until('the page opens its event stream', async () => streams.length > 0);
    assert.match(streams[0] ?? '', /text\/event-stream/, 'asked for as an event stream');
    await page.evaluate('window.__same = true');
    await screenshot(page, 'network-live-dashboard');

    await openSession(await createSubscription(web.c.db), nas.edge, '10.8.0.2');
    await until('the new session is counted on the open page', async () => (await onlineShown(page))[nas.edge] === '2', LIVE_MS);
    assert.equal((await onlineShown(page))[nas.core], '2');

    await raiseStaffAlerts(web.c.db, [{ kind: 'nas_silent', message: 'POP-Edge sent no accounting for 10 minutes' }]);
    const alert = page.locator('#live-alerts li', { hasText: 'POP-Edge sent no accounting for 10 minutes' });
    await until('the new alert is listed on the open page', async () => (await alert.count()) === 1, LIVE_MS);
    assert.equal(await page.locator('#live-alerts li').first().locator('code').textContent(), 'nas_silent', 'the newest alert comes first');
    assert.equal(await page.evaluate('window.__same'), true, 'the page was not reloaded');
    assert.equal(streams.length, 1, 'one stream, not reconnecting');
    await screenshot(page, 'network-live-dashboard-updated');

    assert.deepEqual(j.errors, []);
    assert.deepEqual(j.consoleErrors, []);
    assert.deepEqual(await j.cspViolations(), []);
  } finally {
    await j.close();
  }
});

test('b. a subscription page shows the subscriber\'s live down/up rates from the router and follows them', async () => {
  const j = await signedIn();
  const { page } = j;
  try {
    const streams: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith(`/admin/subscriptions/${live.id}/traffic`)) streams.push(r.url());
    });
    await page.goto(`${web.baseUrl}/admin/subscriptions/${live.id}`);
    await page.evaluate('window.__same = true');
    const panel = page.locator('#live-traffic');
    await until('the rates are shown', async () => (await panel.locator('[data-live-traffic-state="ok"]').count()) === 1, LIVE_MS);
    // Down is what the router sends the subscriber (tx), up what it receives (rx).
    assert.equal(await text(page, '#live-traffic [data-down]'), '12.3');
    assert.equal(await text(page, '#live-traffic [data-up]'), '2.5');
    assert.match(await text(page, '#live-traffic'), /POP-Core/);
    await screenshot(page, 'network-live-traffic');

    router.traffic.set(`<pppoe-${live.username}>`, { rx: 800_000, tx: 45_600_000 });
    await until('the new rates are shown', async () => (await text(page, '#live-traffic [data-down]')) === '45.6', LIVE_MS);
    assert.equal(await text(page, '#live-traffic [data-up]'), '0.8');
    assert.ok(await panel.locator('svg polyline').first().isVisible(), 'the last minute is drawn');
    assert.equal(await page.evaluate('window.__same'), true, 'the page was not reloaded');
    assert.equal(streams.length, 1, 'one stream, not reconnecting');
    await screenshot(page, 'network-live-traffic-changed');

    assert.deepEqual(j.errors, []);
    assert.deepEqual(j.consoleErrors, []);
    assert.deepEqual(await j.cspViolations(), []);
  } finally {
    await j.close();
  }
});
