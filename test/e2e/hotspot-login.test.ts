/**
 * The hotspot's external login page in Debian's chromium on a 360×740 phone, against the web and
 * radius roles on one database, with a fake MikroTik: a small HTTP server on 127.0.0.1 that plays
 * the router's login URL (link-login-only) and records what the page posts to it.
 *
 * a. The router sends chap-id / chap-challenge (octal-escaped, as RouterOS writes them): the page
 *    posts username = the voucher code (typed in small letters with a space) and password =
 *    hex MD5(chap-id + code + challenge), never the code itself; the radius role accepts that very
 *    CHAP response from radclient (CHAP-Password = id + response, CHAP-Challenge = challenge),
 *    with the voucher's Session-Timeout. Screenshot: hotspot-login.png.
 * b. Without chap-id (HTTP-PAP) the account form posts username and password as typed, and the
 *    router's error text from the previous attempt is shown.
 * c. A link-login-only on a public host gets no form (nothing to post credentials to).
 * d. The status page shows what the voucher has left after its first login.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { createBillingEngine } from '../../billing/engine/engine.js';
import { freePort } from '../../lib/embedded/local-state.js';
import { createHttpServer, type HttpServer } from '../../web/app.js';
import { startWebRole } from '../../web/web-role.js';
import { journeyPerTest, openBrowser, screenshot, text, until, type Journey, type TestBrowser } from '../helpers/browser.js';
import { createNas } from '../helpers/factories.js';
import { startHttpPeer, type HttpPeer, type PeerRequest } from '../helpers/http-peer.js';
import { chapPassword, radclient, type RadclientReply } from '../helpers/radclient.js';
import { startRadiusStack, type RadiusStack } from '../helpers/radius-stack.js';
import { createVoucherBatch, GIB } from '../helpers/vouchers-fixtures.js';

const SECRET = 'hotspot-e2e-secret';
let stack: RadiusStack;
let web: HttpServer;
let baseUrl: string;
let router: HttpPeer;
const posts: PeerRequest[] = [];
let browser: TestBrowser;
const journey = journeyPerTest(() => browser);

before(async () => {
  stack = await startRadiusStack({ before: async (c) => void (await createNas(c.db, { secret: SECRET })) });
  web = createHttpServer(stack.c, () => []);
  startWebRole(stack.c, web, createBillingEngine(stack.c));
  const port = await freePort(0);
  await web.listen('127.0.0.1', port);
  baseUrl = `http://127.0.0.1:${port}`;
  router = await startHttpPeer((req: PeerRequest, res: http.ServerResponse) => {
    if (req.method === 'POST') posts.push(req); // not the browser's GET /favicon.ico
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>hotspot</title><h1 id="router">You are logged in</h1>');
  });
  browser = await openBrowser({ viewport: { width: 360, height: 740 }, isMobile: true });
});

after(async () => {
  await browser?.close();
  await router?.close();
  await web?.close();
  await stack?.stop();
});

/** Bytes as RouterOS writes them into login.html: `\ooo` per byte. */
const routerOsEscape = (b: Buffer): string => [...b].map((x) => `\\${x.toString(8).padStart(3, '0')}`).join('');

function loginUrl(params: Record<string, string>): string {
  return `${baseUrl}/portal/hotspot/login?${new URLSearchParams(params)}`;
}

/**
 * What to print when a reply is not the one expected: the code, Reply-Message and attributes
 * radclient saw (null code: no reply within its timeout, with its stderr), the radius role's
 * post-auth log for the name (result and reason of each decision), and the replica's voucher.
 */
async function explain(reply: RadclientReply, username: string): Promise<string> {
  await stack.radius.flushPostAuth();
  const decisions = await stack.c.db('post_auth_log').where({ username }).orderBy('id').select('result', 'reason', 'auth_type', 'created_at');
  const v = stack.radius.replica.voucher(username);
  return JSON.stringify({
    code: reply.code,
    replyMessage: reply.attributes.find(([n]) => n === 'Reply-Message')?.[1] ?? null,
    attributes: reply.attributes,
    exitCode: reply.exitCode,
    stderr: reply.stderr.trim().split('\n').slice(-5),
    postAuth: decisions,
    indexVoucher: v ?? null,
    acceptMark: v ? stack.radius.replica.voucherAccept(v.id) ?? null : null,
  }, null, 1);
}

/** Every request the page made went to our server or the router: no CDN, nothing else. */
function watchHosts(j: Journey): string[] {
  const hosts: string[] = [];
  j.page.on('request', (r) => hosts.push(new URL(r.url()).host));
  return hosts;
}

test('a. CHAP: the page posts hex MD5(chap-id + code + challenge) to the router, and the radius role accepts that response', async () => {
  const { page, errors } = journey();
  const hosts = watchHosts(journey());
  const { vouchers: [v] } = await createVoucherBatch(stack.c.db, { rateLimit: '1M/3M', timeLimitSeconds: 2 * 3600, dataLimitBytes: 5 * GIB, validitySeconds: 86_400 });
  const code = v!.code;
  await stack.radius.sync.settled();
  const challenge = randomBytes(16);
  // The router's chap-id, drawn so that radclient sends the page's answer as given (chapPassword).
  const answer = chapPassword(code, challenge);
  const id = answer.subarray(0, 1);
  const expected = answer.subarray(1).toString('hex');
  posts.length = 0;

  await page.goto(loginUrl({
    'link-login-only': `${router.url}/login`, 'link-orig': 'http://example.com/news', mac: 'AA:BB:CC:00:20:01', ip: '10.5.50.20',
    'chap-id': routerOsEscape(id), 'chap-challenge': routerOsEscape(challenge), error: '', identity: 'hotspot-pasar',
  }));
  assert.equal(await text(page, 'h1'), 'Connect to the internet');
  const typed = `${code.slice(0, 4).toLowerCase()} ${code.slice(4).toLowerCase()}`;
  await page.getByLabel('Voucher code').fill(typed);
  await screenshot(page, 'hotspot-login');
  await page.getByRole('button', { name: 'Connect' }).first().click();
  await until('the router received the login', async () => posts.length === 1);
  await page.waitForSelector('#router');

  const form = new URLSearchParams(posts[0]!.raw.toString('utf8'));
  assert.equal(posts[0]!.method, 'POST');
  assert.equal(posts[0]!.url.pathname, '/login');
  assert.equal(form.get('username'), code, 'the code as printed');
  assert.equal(form.get('password'), expected, 'hex MD5(chap-id + code + chap-challenge)');
  assert.equal(form.get('dst'), 'http://example.com/news');
  assert.equal(form.get('popup'), 'false');
  assert.doesNotMatch(posts[0]!.raw.toString('utf8'), new RegExp(`${code}.*${code}|password=${code}`), 'the code itself is not sent as the password');

  // The router turns the page's answer into its Access-Request: CHAP-Password = id + response.
  const reply = await radclient({
    port: stack.radius.ports.authPort, secret: SECRET, type: 'auth',
    attributes: [
      `User-Name = "${form.get('username')}"`, `CHAP-Password = 0x${id.toString('hex')}${form.get('password')}`,
      `CHAP-Challenge = 0x${challenge.toString('hex')}`, 'Calling-Station-Id = "AA:BB:CC:00:20:01"', 'Framed-IP-Address = 10.5.50.20',
      'Message-Authenticator = 0x00',
    ],
  });
  assert.equal(reply.code, 'Access-Accept', await explain(reply, code));
  assert.equal(reply.attributes.find(([n]) => n === 'Session-Timeout')?.[1], String(2 * 3600));
  assert.equal(reply.attributes.find(([n]) => n === 'Mikrotik-Rate-Limit')?.[1], '1M/3M');
  const wrong = await radclient({
    port: stack.radius.ports.authPort, secret: SECRET, type: 'auth',
    attributes: [`User-Name = "${code}"`, `CHAP-Password = 0x${id.toString('hex')}${form.get('password')}`, `CHAP-Challenge = 0x${randomBytes(16).toString('hex')}`, 'Message-Authenticator = 0x00'],
  });
  assert.equal(wrong.code, 'Access-Reject', `the response only answers its own challenge: ${await explain(wrong, code)}`);
  assert.deepEqual(errors, []);
  const routerHost = new URL(router.url).host;
  assert.deepEqual([...new Set(hosts)].filter((h) => h !== new URL(baseUrl).host && h !== routerHost), [], 'no other host (no CDN)');
});

test('b. PAP (no chap-id): the account form posts what was typed; the router\'s error is shown', async () => {
  const { page, errors } = journey();
  posts.length = 0;
  await page.goto(loginUrl({ 'link-login-only': `${router.url}/login`, 'link-orig': 'http://example.com/', username: 'budi-hotspot', error: 'invalid username or password' }));
  assert.equal(await text(page, '[data-router-error]'), 'invalid username or password');
  assert.equal(await page.getByLabel('Username').inputValue(), 'budi-hotspot', 'the account form is open with the name');
  await page.getByLabel('Password').fill('rahasia 123');
  await screenshot(page, 'hotspot-login-error');
  await page.locator('form[data-hotspot-login="member"] button').click();
  await until('the router received the login', async () => posts.length === 1);
  const form = new URLSearchParams(posts[0]!.raw.toString('utf8'));
  assert.equal(form.get('username'), 'budi-hotspot');
  assert.equal(form.get('password'), 'rahasia 123');
  assert.deepEqual(errors, []);
});

test('c. a link-login-only on a public host gets no form: credentials go to no stranger', async () => {
  const { page } = journey();
  const res = await page.goto(loginUrl({ 'link-login-only': 'http://login.evil.example/login', 'chap-id': '\\001', 'chap-challenge': '\\002' }));
  assert.equal(res?.status(), 400);
  assert.equal(await page.locator('form[data-hotspot-login]').count(), 0);
  assert.match(await text(page, '[data-refused]'), /not from one of our hotspots/);
  assert.doesNotMatch(await page.content(), /evil\.example/, 'the refused URL is not even on the page');
});

test('d. the status page shows the voucher\'s time, data and validity left, in Indonesian for an Indonesian phone', async () => {
  const { page, errors } = journey();
  const { vouchers: [v] } = await createVoucherBatch(stack.c.db, { timeLimitSeconds: 3 * 3600, dataLimitBytes: 2 * GIB, validitySeconds: 7 * 86_400 });
  await stack.c.db('vouchers').where({ id: v!.id }).update({ status: 'active', first_used_at: new Date(), expires_at: new Date(Date.now() + 7 * 86_400_000), used_seconds: 3600, used_octets: GIB / 2 });
  await page.context().addCookies([{ name: 'isp_lang', value: 'id', url: baseUrl }]);
  await page.goto(`${baseUrl}/portal/hotspot/status`);
  await page.getByLabel('Kode voucher').fill(v!.code.toLowerCase());
  await page.getByRole('button', { name: 'Cek' }).click();
  await page.waitForSelector('[data-balance]');
  assert.equal(await text(page, '[data-status]'), 'Aktif');
  assert.equal(await text(page, '[data-time-left]'), '2 jam / 3 jam');
  assert.equal(await text(page, '[data-data-left]'), '1,5 GB / 2 GB');
  assert.match(await text(page, '[data-expires]'), /^\d{2}\/\d{2}\/\d{4},? \d{2}\.\d{2}$/);
  await screenshot(page, 'hotspot-status');
  await page.goto(`${baseUrl}/portal/hotspot/status?code=ZZZZ9999`);
  assert.match(await text(page, '[data-not-found]'), /Tidak ada voucher/);
  assert.deepEqual(errors, []);
});

test('e. the status page answers 20 lookups per address in 10 minutes, then 429; the router\'s error text is shown as text, never markup', async () => {
  await stack.c.redis.del(`${stack.c.config.QUEUE_PREFIX}:hotspot-status:127.0.0.1`); // d's lookups came from this address too
  const statuses: number[] = [];
  for (let i = 0; i < 21; i++) statuses.push((await fetch(`${baseUrl}/portal/hotspot/status?code=ABCD234${i % 10 === 0 ? 'X' : 'Y'}`)).status);
  assert.deepEqual(statuses.slice(0, 20), Array(20).fill(404), 'unknown codes: 404 each');
  assert.equal(statuses[20], 429);
  const limited = await fetch(`${baseUrl}/portal/hotspot/status?code=ABCD2345`);
  assert.equal(limited.status, 429);
  assert.match(await limited.text(), /data-rate-limited/);
  assert.equal((await fetch(`${baseUrl}/portal/hotspot/status`)).status, 200, 'the empty form costs no lookup');

  const page = await fetch(loginUrl({ 'link-login-only': `${router.url}/login`, error: '<script>alert(1)</script>' }));
  const html = await page.text();
  assert.doesNotMatch(html, /<script>alert/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
});
